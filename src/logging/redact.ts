/**
 * Removes credentials from text before it is logged, shown or put into an error: bearer tokens, JWTs, keys and
 * SAS signatures, connection-string secrets, Slack tokens. A last line of defence: code should never pass
 * secrets on. The one scrubber for the whole runtime, so every path redacts the same things.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Authorization header values.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [redacted]"],
  // JWTs (access tokens, client assertions) wherever they appear.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, "[redacted-token]"],
  // key=value / "key": "value" pairs named like credentials (form bodies, JSON, SAS query strings). The names
  // are exact so that error codes such as `InvalidAuthenticationToken: ...` are left alone.
  [
    /((?:^|[\s"'?&{,;])["']?(?:client[_-]?secret|password|(?:primary|secondary|account|api)[_-]?key|access[_-]?token|refresh[_-]?token|client[_-]?assertion|sig|signing[_-]?secret|AccountKey|SharedAccessKey|SharedAccessSignature)["']?\s*[:=]\s*["']?)([^\s"'&,;}]+)/gi,
    "$1[redacted]",
  ],
  // Webhook secrets in query strings (`/api/alerts?code=…`, `?token=…`). Only after `?` or `&`: a JSON `"code"` is
  // an error code and must stay readable.
  [/([?&](?:code|token)=)[^&\s"'#]+/gi, "$1[redacted]"],
  // Slack tokens.
  [/\bxox[abposer]-[A-Za-z0-9-]+/g, "[redacted-slack-token]"],
];

export function redact(text: string): string {
  return PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
