/**
 * Request bodies typed in chat: size-limited, parsed, and when they are not JSON, a message that says where
 * and what was expected. Chat clients turn straight quotes into curly ones as people type; a body that only
 * parses with them straightened is accepted straightened.
 */
import { lineAndColumn, locateJsonFault } from "./json-locate.js";

/** Larger bodies belong in a client of their own (`aml curl`); chat is for previews. */
export const MAX_BODY_BYTES = 64 * 1024;

export type JsonBody =
  | { readonly ok: true; readonly value: unknown; readonly text: string; readonly bytes: number }
  | { readonly ok: false; readonly problem: string };

const CURLY_DOUBLE = /[\u201c\u201d\u201e\u201f\u2033]/;
const EXAMPLE = '`{"data": [[1, 2, 3]]}`';

export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** `what` names the text in messages, e.g. "The request body" or "Sample `small`". */
export function readJsonBody(text: string, what = "The request body"): JsonBody {
  const bytes = byteLength(text);
  if (bytes > MAX_BODY_BYTES) {
    return {
      ok: false,
      problem: `${what} is ${formatBytes(bytes)}; at most ${formatBytes(MAX_BODY_BYTES)} can be sent through the bot. Send larger batches from your own client (\`aml curl\` prints the command).`,
    };
  }
  const parsed = tryParse(text) ?? (CURLY_DOUBLE.test(text) ? tryParse(text.replace(new RegExp(CURLY_DOUBLE.source, "g"), '"')) : undefined);
  if (parsed === undefined) return { ok: false, problem: describeFault(text, what) };
  if (typeof parsed.value !== "object" || parsed.value === null) {
    return { ok: false, problem: `${what} must be a JSON object or list, for example ${EXAMPLE}.` };
  }
  return { ok: true, value: parsed.value, text: parsed.text, bytes: byteLength(parsed.text) };
}

function tryParse(text: string): { value: unknown; text: string } | undefined {
  try {
    return { value: JSON.parse(text) as unknown, text };
  } catch {
    return undefined;
  }
}

function describeFault(text: string, what: string): string {
  if (text.trim() === "") return `${what} is empty; give JSON such as ${EXAMPLE}.`;
  const fault = locateJsonFault(text);
  if (fault === undefined) return `${what} is not valid JSON.`;
  const { line, column } = lineAndColumn(text, fault.at);
  const where = text.includes("\n") ? `line ${line}, column ${column}` : `character ${column}`;
  const lineStart = text.lastIndexOf("\n", fault.at - 1) + 1;
  const lineEnd = text.indexOf("\n", fault.at) < 0 ? text.length : text.indexOf("\n", fault.at);
  const before = text.slice(Math.max(lineStart, fault.at - 30), fault.at);
  const after = text.slice(fault.at, Math.min(lineEnd, fault.at + 20));
  const clip = (s: string, cut: boolean, atStart: boolean) => (cut ? (atStart ? `…${s}` : `${s}…`) : s);
  const shownBefore = clip(before, fault.at - 30 > lineStart, true);
  const shownAfter = clip(after, fault.at + 20 < lineEnd, false);
  const near = `${shownBefore ? `\`${shownBefore.replace(/`/g, "'")}\`` : ""} ◀ here ▶ ${shownAfter ? `\`${shownAfter.replace(/`/g, "'")}\`` : "(end)"}`;
  return `${what} is not valid JSON: at ${where}, ${fault.expected}. ${near}`;
}
