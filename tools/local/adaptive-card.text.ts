/** An Adaptive Card as plain text, to print in a terminal what Teams would show (`npm run teams`). */
type Json = Record<string, unknown>;

export function adaptiveCardToText(card: unknown): string {
  const lines: string[] = [];
  walk(((card as Json | undefined)?.["body"] as unknown[] | undefined) ?? [], lines, "");
  return lines.join("\n");
}

/** The text of a recorded Teams message: its cards, or its text. */
export function teamsMessageToText(message: { text?: string; attachments?: readonly unknown[] }): string {
  const cards = (message.attachments ?? []).filter((a) => (a as Json)["contentType"] === "application/vnd.microsoft.card.adaptive");
  if (cards.length === 0) return message.text ?? "";
  return cards.map((a) => adaptiveCardToText((a as Json)["content"])).join("\n\n");
}

function walk(elements: readonly unknown[], lines: string[], indent: string): void {
  for (const element of elements as Json[]) {
    if (element["separator"] === true) lines.push(`${indent}────────`);
    switch (element["type"]) {
      case "TextBlock":
        lines.push(`${indent}${String(element["text"] ?? "")}`);
        break;
      case "RichTextBlock":
        lines.push(`${indent}${((element["inlines"] as Json[] | undefined) ?? []).map((i) => String(i["text"] ?? "")).join("")}`);
        break;
      case "FactSet":
        for (const fact of (element["facts"] as Json[] | undefined) ?? []) lines.push(`${indent}  ${String(fact["title"])}: ${String(fact["value"])}`);
        break;
      case "ColumnSet": {
        const cells = ((element["columns"] as Json[] | undefined) ?? []).map((c) => {
          const inner: string[] = [];
          walk((c["items"] as unknown[] | undefined) ?? [], inner, "");
          return inner.join(" ");
        });
        lines.push(`${indent}${cells.join("  ")}`);
        break;
      }
      case "Container":
        walk((element["items"] as unknown[] | undefined) ?? [], lines, `${indent}  `);
        break;
      case "Image":
        lines.push(`${indent}[image: ${String(element["altText"] ?? "")}] ${String(element["url"] ?? "")}`);
        break;
      case "ActionSet":
        lines.push(`${indent}${((element["actions"] as Json[] | undefined) ?? []).map(action).join("  ")}`);
        break;
      case "Input.Text":
        lines.push(`${indent}${box(String(element["label"] ?? ""), element["placeholder"])}`);
        break;
      default:
        lines.push(`${indent}[${String(element["type"])}]`);
    }
  }
}

function action(a: Json): string {
  if (a["type"] === "Action.ShowCard") {
    const inner = ((a["card"] as Json | undefined)?.["actions"] as Json[] | undefined) ?? [];
    return `[${String(a["title"])}…] (then ${inner.map(action).join(" ")})`;
  }
  const data = (a["data"] as Json | undefined) ?? {};
  return `[${String(a["title"])}] (${String(a["verb"] ?? data["verb"] ?? "")} ${String(data["payloadId"] ?? "")})`;
}

/** A text box, as `[Label: placeholder______]` (what the user would type in). */
export function box(label: string, placeholder: unknown): string {
  return `[${label}: ${typeof placeholder === "string" ? placeholder : ""}______]`;
}
