/**
 * Removes credentials from text before it is logged or shown: bearer tokens, JWTs, storage keys and SAS
 * signatures, Slack tokens and signing secrets. A last line of defence: code should never pass secrets on.
 */
const PATTERNS: readonly [RegExp, string][] = [
  [/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]"],
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[redacted-jwt]"],
  [/(AccountKey|SharedAccessKey|sig|client_secret|access_token|primaryKey|secondaryKey|accessToken)(["']?\s*[=:]\s*["']?)[^;&"'\s,}]+/gi, "$1$2[redacted]"],
  [/xox[abposr]-[A-Za-z0-9-]+/g, "[redacted-slack-token]"],
];

export function redact(text: string): string {
  return PATTERNS.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text);
}
