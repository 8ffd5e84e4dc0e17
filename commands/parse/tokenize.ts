/**
 * Splits a command line into words. Quotes group words; Slack and Teams turn straight quotes into curly
 * ones as people type, so those count as quotes too.
 */
const QUOTES: Record<string, string> = { '"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019" };

export type TokenizeResult = { ok: true; words: string[] } | { ok: false; message: string };

export function tokenize(line: string): TokenizeResult {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let closing: string | undefined;
  for (const char of line.trim()) {
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
