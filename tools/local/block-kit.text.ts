/** Block Kit as plain text, to print in a terminal what Slack would show (`npm run slack`). */
import { box } from "./adaptive-card.text.js";

type Json = Record<string, unknown>;

const textOf = (value: unknown): string => (value && typeof value === "object" ? String((value as Json)["text"] ?? "") : "");

export function blockKitToText(message: { text?: string; blocks?: readonly unknown[] }): string {
  const blocks = (message.blocks ?? []) as Json[];
  if (blocks.length === 0) return message.text ?? "";
  const lines: string[] = [];
  for (const block of blocks) {
    switch (block["type"]) {
      case "header":
      case "section": {
        const text = textOf(block["text"]);
        if (text) lines.push(text);
        const fields = (block["fields"] as unknown[] | undefined) ?? [];
        lines.push(...fields.map((f) => `  ${textOf(f).replace(/\n/g, " ")}`));
        break;
      }
      case "context":
        lines.push(...((block["elements"] as unknown[] | undefined) ?? []).map((e) => `  · ${textOf(e)}`));
        break;
      case "actions":
        lines.push(
          ((block["elements"] as Json[] | undefined) ?? [])
            .map((e) => `[${textOf(e["text"])}] (${String(e["action_id"])} ${String(e["value"] ?? "")})`)
            .join("  "),
        );
        break;
      case "divider":
        lines.push("────────");
        break;
      case "image":
        lines.push(`[image: ${String(block["alt_text"] ?? "")}] ${String(block["image_url"] ?? "")}`);
        break;
      case "input":
        lines.push(box(textOf(block["label"]), textOf((block["element"] as Json | undefined)?.["placeholder"])));
        break;
      default:
        lines.push(`[${String(block["type"])}]`);
    }
  }
  return lines.join("\n");
}
