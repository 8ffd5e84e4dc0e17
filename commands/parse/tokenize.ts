/**
 * Splits a command line into words. Quotes group words; Slack and Teams turn straight quotes into curly
 * ones as people type, so those count as quotes too. A word that starts with `{` or `[` is JSON (a request
 * body for `aml invoke`): it runs to its closing bracket, spaces and quotes kept, so it needs no quoting.
 */
const QUOTES: Record<string, string> = { '"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019" };

export type TokenizeResult = { ok: true; words: string[] } | { ok: false; message: string };

export function tokenize(line: string): TokenizeResult {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let closing: string | undefined;
  const chars = [...line.trim()];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (closing === undefined && !inWord && (char === "{" || char === "[")) {
      const end = jsonEnd(chars, i);
      words.push(chars.slice(i, end).join(""));
      i = end - 1;
      continue;
    }
    if (closing !== undefined) {
      if (char === closing || (closing === "\u201d" && char === '"')) closing = undefined;
      else current += char;
      continue;
    }
    const close = QUOTES[char];
    if (close !== undefined) {
      closing = close;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (closing !== undefined) return { ok: false, message: "A quote is not closed." };
  if (inWord) words.push(current);
  return { ok: true, words };
}

const JSON_QUOTES = new Set(['"', "\u201c", "\u201d"]);

/** Index just past the bracket that closes the one at `start` (strings skipped); the line's end if none does. */
function jsonEnd(chars: readonly string[], start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < chars.length; i++) {
    const char = chars[i]!;
    if (inString) {
      if (char === "\\") i++;
      else if (JSON_QUOTES.has(char)) inString = false;
    } else if (JSON_QUOTES.has(char)) inString = true;
    else if (char === "{" || char === "[") depth++;
    else if ((char === "}" || char === "]") && --depth === 0) return i + 1;
  }
  return chars.length;
}
