/**
 * Block Kit → HTML laid out as Slack's client lays it out (the Slack-like page, `slack-page.server.ts`). Pure.
 *
 * Why our own and not a package: the one maintained Block Kit renderer on npm (`slack-blocks-to-jsx`) renders React
 * components (peer dependencies react and react-dom, plus react-markdown), so it needs a bundler and a React build
 * for a page that is a few hundred lines of plain HTML and JS; the bot uses seven block types (header, section with
 * text and fields, context, divider, actions with buttons, image, input), which fit in this file. `slack-markdown`
 * only parses mrkdwn, which `mrkdwn.html.ts` does in a hundred lines.
 *
 * Buttons and text boxes carry data attributes (`data-action-id`, `data-value`, `data-confirm`, `data-block-id`)
 * that the page's script turns into signed `block_actions`; nothing here runs or links anywhere by itself.
 */
import { escapeHtml, mrkdwnHtml, plainHtml, type MrkdwnNames } from "./mrkdwn.html.js";

type Json = Record<string, unknown>;

const obj = (value: unknown): Json | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(obj).filter((v): v is Json => v !== undefined) : []);
const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** A text object (`plain_text` or `mrkdwn`) as HTML. */
export function textObjectHtml(value: unknown, names: MrkdwnNames = {}): string {
  const text = obj(value);
  if (!text) return "";
  return text["type"] === "mrkdwn" ? mrkdwnHtml(str(text["text"]), names) : plainHtml(str(text["text"]));
}

/** A message's blocks; `fallback` (the message's `text`) is shown when it has none, as Slack does. */
export function blockKitHtml(blocks: readonly unknown[], fallback: string, names: MrkdwnNames = {}): string {
  const known = list(blocks);
  if (known.length === 0) return fallback === "" ? "" : `<div class="bk-section"><div class="bk-text">${mrkdwnHtml(fallback, names)}</div></div>`;
  return known.map((block) => blockHtml(block, names)).join("");
}

function blockHtml(block: Json, names: MrkdwnNames): string {
  switch (block["type"]) {
    case "header":
      return `<div class="bk-header">${textObjectHtml(block["text"], names)}</div>`;
    case "section":
      return sectionHtml(block, names);
    case "context":
      return `<div class="bk-context">${list(block["elements"])
        .map((e) => (e["type"] === "image" ? imageTag(e, "bk-context-image") : `<span class="bk-context-text">${textObjectHtml(e, names)}</span>`))
        .join("")}</div>`;
    case "divider":
      return `<hr class="bk-divider">`;
    case "actions":
      return `<div class="bk-actions"${blockIdAttr(block)}>${list(block["elements"]).map((e) => elementHtml(e, names)).join("")}</div>`;
    case "image": {
      const title = obj(block["title"]);
      return `<figure class="bk-image">${title ? `<figcaption class="bk-image-title">${textObjectHtml(title, names)}</figcaption>` : ""}${imageTag(block, "bk-image-img")}</figure>`;
    }
    case "input":
      return inputHtml(block, names);
    default:
      return `<div class="bk-unsupported">This block (${escapeHtml(str(block["type"]) || "unknown")}) is not shown on this page.</div>`;
  }
}

function sectionHtml(block: Json, names: MrkdwnNames): string {
  const text = block["text"] ? `<div class="bk-text">${textObjectHtml(block["text"], names)}</div>` : "";
  const fields = list(block["fields"]);
  const grid = fields.length > 0 ? `<div class="bk-fields">${fields.map((f) => `<div class="bk-field">${textObjectHtml(f, names)}</div>`).join("")}</div>` : "";
  const accessory = obj(block["accessory"]);
  const side = accessory ? `<div class="bk-accessory">${accessory["type"] === "image" ? imageTag(accessory, "bk-accessory-image") : elementHtml(accessory, names)}</div>` : "";
  return `<div class="bk-section${side ? " bk-with-accessory" : ""}"${blockIdAttr(block)}><div class="bk-section-main">${text}${grid}</div>${side}</div>`;
}

function elementHtml(element: Json, names: MrkdwnNames): string {
  if (element["type"] !== "button") {
    return `<span class="bk-unsupported">${escapeHtml(str(element["type"]) || "element")} (not shown on this page)</span>`;
  }
  const style = element["style"] === "primary" || element["style"] === "danger" ? ` bk-button-${element["style"]}` : "";
  const confirm = obj(element["confirm"]);
  const confirmAttr = confirm
    ? ` data-confirm="${escapeHtml(
        JSON.stringify({
          title: str(obj(confirm["title"])?.["text"]),
          html: textObjectHtml(confirm["text"], names),
          confirm: str(obj(confirm["confirm"])?.["text"]) || "Yes",
          deny: str(obj(confirm["deny"])?.["text"]) || "Cancel",
          danger: confirm["style"] === "danger",
        }),
      )}"`
    : "";
  const url = str(element["url"]);
  const link = /^https?:/i.test(url) ? ` data-url="${escapeHtml(url)}"` : "";
  return (
    `<button type="button" class="bk-button${style}" data-action-id="${escapeHtml(str(element["action_id"]))}"` +
    ` data-value="${escapeHtml(str(element["value"]))}"${confirmAttr}${link}>${textObjectHtml(element["text"], names)}</button>`
  );
}

function inputHtml(block: Json, names: MrkdwnNames): string {
  const element = obj(block["element"]) ?? {};
  const blockId = str(block["block_id"]);
  const actionId = str(element["action_id"]);
  const placeholder = str(obj(element["placeholder"])?.["text"]);
  const max = typeof element["max_length"] === "number" ? ` maxlength="${element["max_length"]}"` : "";
  const id = `in-${escapeHtml(blockId)}`;
  const box =
    element["type"] === "plain_text_input"
      ? `<input class="bk-input-box" id="${id}" type="text" data-block-id="${escapeHtml(blockId)}" data-action-id="${escapeHtml(actionId)}" placeholder="${escapeHtml(placeholder)}"${max}>`
      : `<span class="bk-unsupported">${escapeHtml(str(element["type"]))} (not shown on this page)</span>`;
  return `<div class="bk-input"><label class="bk-input-label" for="${id}">${textObjectHtml(block["label"], names)}</label>${box}</div>`;
}

function imageTag(image: Json, className: string): string {
  const url = str(image["image_url"]);
  const src = /^(https?:|\/)/i.test(url) ? url : "";
  return `<img class="${className}" src="${escapeHtml(src)}" alt="${escapeHtml(str(image["alt_text"]))}" loading="lazy">`;
}

function blockIdAttr(block: Json): string {
  const id = str(block["block_id"]);
  return id ? ` data-block-id="${escapeHtml(id)}"` : "";
}
