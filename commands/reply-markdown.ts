/**
 * The Reply's light markdown (*bold*, _italic_, `code`), read once for every renderer that has to translate it
 * (Teams TextBlock markdown, terminal styles). Slack mrkdwn is the same dialect and needs no translation.
 */

export type Span = { readonly kind: "text" | "bold" | "italic" | "code"; readonly text: string };

/** Tokenise the Reply's light markdown (*bold*, _italic_, `code`), with Slack-like rules: markers hug words. */
export function markdownSpans(text: string): Span[] {
  const out: Span[] = [];
  let plainText = "";
  const isWord = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
  const isSpace = (ch: string | undefined): boolean => ch === undefined || /\s/.test(ch);
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    let end = -1;
    if (ch === "`") {
      end = text.indexOf("`", i + 1);
      if (end !== -1 && (end === i + 1 || text.slice(i + 1, end).includes("\n"))) end = -1;
    } else if ((ch === "*" || ch === "_") && !isWord(text[i - 1]) && !isSpace(text[i + 1])) {
      for (let j = i + 2; j < text.length; j++) {
        const c = text[j];
        if (c === "\n") break;
        if (c === ch && !isSpace(text[j - 1]) && !isWord(text[j + 1])) {
          end = j;
          break;
        }
      }
    }
    if (end === -1) {
      plainText += ch;
      i++;
      continue;
    }
    if (plainText !== "") out.push({ kind: "text", text: plainText });
    plainText = "";
    out.push({ kind: ch === "`" ? "code" : ch === "*" ? "bold" : "italic", text: text.slice(i + 1, end) });
    i = end + 1;
  }
  if (plainText !== "") out.push({ kind: "text", text: plainText });
  return out;
}
