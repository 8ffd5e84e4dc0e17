/**
 * The runtime's import site of the one scrubber (`commands/redact.ts`: pure, so the core scrubs with the same
 * patterns): bearer tokens, JWTs, keys and SAS signatures, connection-string secrets, Slack tokens.
 */
export { redact, redactUntrusted, redactUntrustedJson } from "../../commands/redact.js";
