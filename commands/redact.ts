/**
 * Removes credentials from text before it is logged, shown or put into an error: bearer tokens, JWTs, keys and
 * SAS signatures, connection-string secrets, Slack tokens. A last line of defence: code should never pass
 * secrets on. The one scrubber of the project (pure, so the core uses it too; `src/logging/redact.ts` re-exports
 * it for the runtime), so every path redacts the same things.
 *
 * Two strengths: `redact` for the bot's own text (logs, errors), whose field names are known and must stay
 * readable (`"key": "alerts:prod:…"`); `redactUntrusted` for what someone else's server said (a scoring endpoint's
 * error body), where any value named like a credential, and any long opaque token, goes.
 */
const CREDENTIAL_NAMES = "client[_-]?secret|password|(?:primary|secondary|account|api)[_-]?key|access[_-]?token|refresh[_-]?token|client[_-]?assertion|sig|signing[_-]?secret|AccountKey|SharedAccessKey|SharedAccessSignature";
/** Names that are credentials in a stranger's text, but too common in the bot's own log fields to redact there. */
const UNTRUSTED_NAMES = `${CREDENTIAL_NAMES}|key|keys|token|tokens|secret|secrets|passwd|pwd|apikey|x[_-]?api[_-]?key|auth|authorization|credentials?|(?:id|session|auth|bearer)[_-]?token|(?:private|access|subscription)[_-]?key|ocp-apim-subscription-key|sas|signature`;

/** key=value / "key": "value" pairs named like credentials (form bodies, JSON, SAS query strings, headers). */
function namedValues(names: string): RegExp {
  // The names are exact, so that error codes such as `InvalidAuthenticationToken: ...` are left alone.
  // A value already redacted (`Authorization: Bearer [redacted]`) is left as it is.
  return new RegExp(`((?:^|[\\s"'?&{,;])["']?(?:${names})["']?\\s*[:=]\\s*["']?)(?!(?:[A-Za-z-]+ )?\\[redacted)([^\\s"'&,;}]+)`, "gi");
}

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Authorization header values.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [redacted]"],
  // JWTs (access tokens, client assertions) wherever they appear.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, "[redacted-token]"],
  [namedValues(CREDENTIAL_NAMES), "$1[redacted]"],
  // Webhook secrets in query strings (`/api/alerts?code=…`, `?token=…`). Only after `?` or `&`: a JSON `"code"` is
  // an error code and must stay readable.
  [/([?&](?:code|token)=)[^&\s"'#]+/gi, "$1[redacted]"],
  // Slack tokens.
  [/\bxox[abposer]-[A-Za-z0-9-]+/g, "[redacted-slack-token]"],
];

const UNTRUSTED_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // An Authorization header of any scheme (`SharedKey acct:sig`, `Digest …`): the scheme stays, the rest goes.
  [/\b((?:Proxy-)?Authorization["']?\s*[:=]\s*["']?)([A-Za-z-]+) (?!\[redacted)[^\r\n"']+/gi, "$1$2 [redacted]"],
  [namedValues(UNTRUSTED_NAMES), "$1[redacted]"],
  // A long opaque run of letters and digits (an API key, a signature, a hash) whatever its name. Hyphens, dots and
  // slashes end a run, so GUIDs (request ids, what support asks for), names and paths stay readable.
  [/(?<![A-Za-z0-9+])(?=[A-Za-z0-9+]*\d)(?=[A-Za-z0-9+]*[A-Za-z])[A-Za-z0-9+]{32,}={0,2}/g, "[redacted]"],
];

export function redact(text: string): string {
  return PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** `redact`, plus anything named like a credential and long opaque tokens: for text from someone else's server. */
export function redactUntrusted(text: string): string {
  return UNTRUSTED_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), redact(text));
}

const UNTRUSTED_NAME = new RegExp(`^(?:${UNTRUSTED_NAMES})$`, "i");

/**
 * `redactUntrusted` through parsed JSON: every string and key, and the whole value of any member named like a
 * credential (`{"primaryKey": "…"}`, `{"token": {…}}`), so the shape stays readable and nothing secret is left.
 */
export function redactUntrustedJson(value: unknown): unknown {
  if (typeof value === "string") return redactUntrusted(value);
  if (Array.isArray(value)) return value.map(redactUntrustedJson);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [redactUntrusted(key), UNTRUSTED_NAME.test(key) && inner !== null ? "[redacted]" : redactUntrustedJson(inner)]));
  }
  return value;
}
