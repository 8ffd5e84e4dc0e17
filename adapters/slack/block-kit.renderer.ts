/**
 * Reply → Slack Block Kit. Pure: no I/O, no clock, no env.
 *
 * Mapping
 * - title            → `header` (plain text, tone as an emoji prefix)
 * - text             → `section` mrkdwn. The Reply's light markdown (*bold* _italic_ `code`) is already Slack
 *                      mrkdwn; only `&`, `<`, `>` are escaped, so user text can never form `<!channel>`, `<@U…>`
 *                      or `<url|label>` links.
 * - fields           → `section` fields, 10 per section (split beyond), `*Label*\nValue`
 * - table            → a monospace code block with aligned columns (no table block we can rely on)
 * - traffic          → a `section`: bold label + code block of text bars, `before % → after %`
 * - code             → ``` block
 * - image            → `image` block
 * - chart            → a `section`: bold title + code block of sparklines (`▁▂▃▅▇`, min · max · last per series),
 *                      readable without the picture; the drawn PNG, when the Reply has one, goes to `images`
 * - divider          → `divider`
 * - buttons          → `actions` blocks of `button`s: action_id = verb, value = payloadId, style, confirm dialog.
 *                      Slack wants action_id unique within its block, so a repeated verb starts a new
 *                      actions block (as does the 26th button); action_id stays exactly the verb.
 * - button input     → an `input` block with a `plain_text_input` before the actions, block_id = action_id =
 *                      `buttonInputId(button)` (stable across updates of the message), at most 500 characters.
 *                      No dispatch_action: typing sends nothing; a click's `block_actions` payload carries what
 *                      was typed in `state.values[block_id][action_id].value`, which the bridge reads.
 * - context          → one `context` block (last), one mrkdwn element per line (max 10; extra lines are joined
 *                      into the 10th)
 *
 * Limits (Slack rejects the whole message otherwise): 50 blocks per message, 3000 chars per section text,
 * 10 fields per section and 2000 chars per field, 25 elements per actions block, 75 chars of button text,
 * 150 chars of header text, 10 context elements, confirm dialog 100/300/30/30 chars, input label 2000 and
 * placeholder 150 chars. chat.postMessage also rejects messages whose blocks carry more than roughly 12 000
 * characters of text in total (`msg_blocks_too_long`, undocumented; slackapi/bolt-js#2509 and #2867), so the
 * renderer keeps a total budget.
 * Content that does not fit is cut with a visible "…truncated (N more lines|sections)" line and the whole reply,
 * uncut, is returned as `overflow` for the transport to upload as a file. Labels (header, buttons, confirm
 * dialog) that are too long are shortened with "…" without an overflow.
 *
 * Delivery (what the transports must do with the result)
 * - response_url path (slash commands, button clicks): POST `{ text, blocks, response_type, replace_original }`
 *   as is. `response_type` is always set: "ephemeral" for visibility `requester`, "in_channel" for `channel`.
 *   `replace_original: true` (mode `replace`) updates the message the action came from; Slack keeps that
 *   message's original visibility, so replacing cannot turn an ephemeral message into a channel one.
 * - Web API path: "ephemeral" → chat.postEphemeral (needs the requester's user id), "in_channel" →
 *   chat.postMessage; `replace_original: true` → chat.update on the source message's ts (in_channel only:
 *   ephemeral messages can only be replaced through a response_url).
 * - `thread_key`, `overflow` and `images` are NOT Slack fields: strip them before sending. `thread_key` is the
 *   core's stable thread key; the transport maps it to a `thread_ts`. When `overflow` is present, upload
 *   `overflow.text` as `overflow.filename` (files.uploadV2) to the same conversation/thread. Each of `images`
 *   (charts drawn as PNG) is uploaded the same way after the message: Block Kit cannot carry image bytes, and
 *   an image block would need a public URL.
 */
import type {
  ActionsBlock,
  Button as SlackButton,
  ConfirmationDialog,
  ContextBlock,
  HeaderBlock,
  ImageBlock,
  InputBlock,
  KnownBlock,
  MrkdwnElement,
  PlainTextInput,
} from "@slack/types";
import type { Button, Field, Reply, Section, Tone } from "../../commands/reply.js";
import { buttonBoxes, MAX_BUTTON_INPUT_CHARS } from "../chat-buttons.js";
import { chartLines, clip, clipEscaped, escapeMrkdwn, fence, fitText, mrkdwn, plain, plainText, plural, section, slug, tableLines, textLength, trafficLines } from "./block-kit.text.js";

export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  elementsPerActionsBlock: 25,
  buttonText: 75,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  imageText: 2000,
  inputLabel: 2000,
  inputPlaceholder: 150,
  /** Slack truncates `text` at 40 000 and recommends at most 4 000. */
  fallbackText: 4000,
  /** Undocumented cumulative limit of chat.postMessage (`msg_blocks_too_long`), kept with a margin. */
  totalText: 12_000,
  /** Our own cap: more buttons than 5 actions blocks hold are dropped. */
  actionsBlocks: 5,
} as const;

export interface SlackOverflow {
  /** The whole reply as plain text, nothing cut. */
  readonly text: string;
  /** Suggested file name, from the title (`reply.txt` without one). */
  readonly filename: string;
  /** What was cut and why, for logs. */
  readonly cuts: readonly string[];
}

/** A chart drawn as PNG, for the transport to upload as a file (files.uploadV2). */
export interface SlackImageUpload {
  readonly filename: string;
  readonly title: string;
  readonly altText: string;
  readonly mimeType: "image/png";
  readonly base64: string;
}

export interface SlackMessage {
  /** Notification / screen-reader fallback: the Reply's summary (mrkdwn-escaped). */
  readonly text: string;
  readonly blocks: KnownBlock[];
  /** response_url field; Web API: ephemeral → chat.postEphemeral, in_channel → chat.postMessage. */
  readonly response_type: "ephemeral" | "in_channel";
  /** response_url field; Web API: true → chat.update of the source message. */
  readonly replace_original: boolean;
  /** Not a Slack field (strip before sending): the core's thread key, mapped to a thread_ts by the transport. */
  readonly thread_key?: string;
  /** Not a Slack field (strip before sending): set only when something was cut; upload it as a file. */
  readonly overflow?: SlackOverflow;
  /** Not a Slack field (strip before sending): chart pictures to upload after the message. */
  readonly images?: readonly SlackImageUpload[];
}

const TONE_EMOJI: Record<Tone, string> = {
  info: ":information_source:",
  success: ":white_check_mark:",
  warning: ":warning:",
  error: ":x:",
};


export interface RenderBlockKitOptions {
  /**
   * Default true. False: no `overflow` (the whole reply as a file when something was cut), for a response that
   * cannot carry a file, such as the slash command's ack; the help's long table then costs no second layout.
   */
  readonly overflowFile?: boolean;
}

export function renderBlockKit(reply: Reply, options: RenderBlockKitOptions = {}): SlackMessage {
  const cuts: string[] = [];

  const head: KnownBlock[] = [];
  if (reply.title !== undefined && reply.title.trim() !== "") {
    const prefix = reply.tone ? `${TONE_EMOJI[reply.tone]} ` : "";
    const header: HeaderBlock = { type: "header", text: plain(clip(prefix + reply.title, SLACK_LIMITS.headerText)) };
    head.push(header);
  }

  // Content: every Reply section becomes one or more blocks, tagged with its section index.
  const content: { block: KnownBlock; section: number }[] = [];
  reply.sections.forEach((section, index) => {
    for (const block of sectionBlocks(section, index, cuts)) content.push({ block, section: index });
  });
  if (content.length === 0 && head.length === 0) {
    content.push({ block: section(fitText(reply.summary, SLACK_LIMITS.sectionText).text), section: -1 });
  }

  const { blocks: actions, dropped: droppedButtons } = actionsBlocks(reply.buttons ?? []);
  if (droppedButtons > 0) cuts.push(`${droppedButtons} buttons over ${SLACK_LIMITS.actionsBlocks} actions blocks`);
  const cc = mentionLine(reply.notify);
  const tail: KnownBlock[] = [...(cc ? [section(cc)] : []), ...inputBlocks(reply.buttons ?? []), ...actions];
  const context = contextBlock(reply.context ?? []);
  if (context) tail.push(context);

  // Budget: blocks and total text left for content once header, buttons and context are placed.
  const capacity = SLACK_LIMITS.blocksPerMessage - head.length - tail.length;
  const budget = SLACK_LIMITS.totalText - textLength(head) - textLength(tail);
  const all = content.map((c) => c.block);
  let kept = content;
  let stop = "";
  if (all.length > capacity || textLength(all) > budget || droppedButtons > 0) {
    // Leave room for the notice block and its text.
    const noticeReserve = 80;
    kept = [];
    let used = 0;
    for (const item of content) {
      const size = textLength([item.block]);
      if (kept.length + 1 > capacity - 1) {
        stop = `the ${SLACK_LIMITS.blocksPerMessage}-block limit`;
        break;
      }
      if (used + size + noticeReserve > budget) {
        stop = `the ${SLACK_LIMITS.totalText}-character message budget`;
        break;
      }
      kept.push(item);
      used += size;
    }
  }
  const hiddenSections = new Set(content.slice(kept.length).map((c) => c.section)).size;
  if (hiddenSections > 0) cuts.push(`${hiddenSections} ${plural(hiddenSections, "section")} over ${stop}`);
  const notices: string[] = [];
  if (hiddenSections > 0) notices.push(`${hiddenSections} more ${plural(hiddenSections, "section")}`);
  if (droppedButtons > 0) notices.push(`${droppedButtons} more ${plural(droppedButtons, "button")}`);

  const blocks: KnownBlock[] = [...head, ...kept.map((c) => c.block)];
  if (notices.length > 0) blocks.push(section(`_…truncated (${notices.join(", ")})_`));
  blocks.push(...tail);

  const message: {
    text: string;
    blocks: KnownBlock[];
    response_type: "ephemeral" | "in_channel";
    replace_original: boolean;
    thread_key?: string;
    overflow?: SlackOverflow;
    images?: SlackImageUpload[];
  } = {
    text: clipEscaped(reply.summary, SLACK_LIMITS.fallbackText),
    blocks,
    response_type: reply.visibility === "requester" ? "ephemeral" : "in_channel",
    replace_original: reply.mode === "replace",
  };
  if (reply.threadKey !== undefined) message.thread_key = reply.threadKey;
  const images = reply.sections.flatMap((s): SlackImageUpload[] =>
    s.kind === "chart" && s.image !== undefined
      ? [{ filename: `${slug(s.chart.title) || "chart"}.png`, title: s.chart.title, altText: s.altText, mimeType: s.image.mimeType, base64: s.image.base64 }]
      : [],
  );
  if (images.length > 0) message.images = images;
  if (cuts.length > 0 && options.overflowFile !== false) {
    message.overflow = { text: plainText(reply), filename: `${slug(reply.title ?? "") || "reply"}.txt`, cuts };
  }
  return message;
}

// ─── Sections ────────────────────────────────────────────────────────────────

function sectionBlocks(s: Section, index: number, cuts: string[]): KnownBlock[] {
  const where = `section ${index + 1} (${s.kind})`;
  switch (s.kind) {
    case "text": {
      if (s.text.trim() === "") return [];
      const fit = fitText(s.text, SLACK_LIMITS.sectionText);
      cutLines(cuts, where, fit.omitted);
      return [section(fit.text)];
    }
    case "fields": {
      const blocks: KnownBlock[] = [];
      for (let i = 0; i < s.fields.length; i += SLACK_LIMITS.fieldsPerSection) {
        const chunk = s.fields.slice(i, i + SLACK_LIMITS.fieldsPerSection);
        blocks.push({ type: "section", fields: chunk.map((f, j) => fieldText(f, `${where} field ${i + j + 1}`, cuts)) });
      }
      return blocks;
    }
    case "table": {
      const fit = fitText(fence(tableLines(s.columns, s.rows).join("\n")), SLACK_LIMITS.sectionText, "```\n", "\n```");
      cutLines(cuts, where, fit.omitted);
      return [section(fit.text)];
    }
    case "traffic": {
      const label = s.label.trim() === "" ? "" : `*${clipEscaped(s.label, 200)}*\n`;
      if (s.bars.length === 0) return label === "" ? [] : [section(label.trimEnd())];
      const fit = fitText(fence(trafficLines(s.bars).join("\n")), SLACK_LIMITS.sectionText, `${label}\`\`\`\n`, "\n```");
      cutLines(cuts, where, fit.omitted);
      return [section(fit.text)];
    }
    case "code": {
      if (s.text.trim() === "") return [];
      const fit = fitText(fence(s.text), SLACK_LIMITS.sectionText, "```\n", "\n```");
      cutLines(cuts, where, fit.omitted);
      return [section(fit.text)];
    }
    case "image": {
      const image: ImageBlock = {
        type: "image",
        image_url: s.url,
        alt_text: clip(s.altText, SLACK_LIMITS.imageText),
      };
      if (s.title !== undefined && s.title !== "") image.title = plain(clip(s.title, SLACK_LIMITS.imageText));
      return [image];
    }
    case "chart": {
      const fit = fitText(fence(chartLines(s.chart).join("\n")), SLACK_LIMITS.sectionText, `*${clipEscaped(s.chart.title, 200)}*\n\`\`\`\n`, "\n```");
      cutLines(cuts, where, fit.omitted);
      return [section(fit.text)];
    }
    case "divider":
      return [{ type: "divider" }];
  }
}

function cutLines(cuts: string[], where: string, omitted: number): void {
  if (omitted > 0) cuts.push(`${where}: ${omitted} ${plural(omitted, "line")} over ${SLACK_LIMITS.sectionText} characters`);
}

function fieldText(f: Field, where: string, cuts: string[]): MrkdwnElement {
  const label = `*${clipEscaped(f.label, 200)}*\n`;
  const full = label + escapeMrkdwn(f.value);
  if (full.length <= SLACK_LIMITS.fieldText) return mrkdwn(full);
  cuts.push(`${where}: value over ${SLACK_LIMITS.fieldText} characters`);
  return mrkdwn(label + clipEscaped(f.value, SLACK_LIMITS.fieldText - label.length));
}

// ─── Buttons and context ─────────────────────────────────────────────────────

/**
 * The people a reply notifies, as Slack mentions (`<@U123>`, a user group `<!subteam^S123>`): Slack shows their
 * names and notifies them. Other platforms' ids are left out. Slack ids are upper-case letters and digits only, so
 * nothing in them can break out of the mention.
 */
function mentionLine(notify: Reply["notify"]): string | undefined {
  const ours = (ids: readonly string[] | undefined) => (ids ?? []).filter((id) => /^slack:[A-Z0-9]+$/i.test(id)).map((id) => id.slice("slack:".length).toUpperCase());
  const mentions = [...ours(notify?.users).map((id) => `<@${id}>`), ...ours(notify?.groups).map((id) => `<!subteam^${id}>`)];
  return mentions.length > 0 ? `cc ${mentions.join(" ")}` : undefined;
}

function actionsBlocks(buttons: readonly Button[]): { blocks: ActionsBlock[]; dropped: number } {
  const blocks: ActionsBlock[] = [];
  let current: SlackButton[] = [];
  let verbs = new Set<string>();
  let dropped = 0;
  for (const button of buttons) {
    if (current.length === SLACK_LIMITS.elementsPerActionsBlock || verbs.has(button.verb)) {
      blocks.push({ type: "actions", elements: current });
      current = [];
      verbs = new Set();
    }
    if (blocks.length === SLACK_LIMITS.actionsBlocks) {
      dropped++;
      continue;
    }
    current.push(slackButton(button));
    verbs.add(button.verb);
  }
  if (current.length > 0 && blocks.length < SLACK_LIMITS.actionsBlocks) blocks.push({ type: "actions", elements: current });
  return { blocks, dropped };
}

function inputBlocks(buttons: readonly Button[]): InputBlock[] {
  return buttonBoxes(buttons).map(({ id, input }) => {
    const element: PlainTextInput = { type: "plain_text_input", action_id: id, max_length: MAX_BUTTON_INPUT_CHARS };
    if (input.placeholder) element.placeholder = plain(clip(input.placeholder, SLACK_LIMITS.inputPlaceholder));
    return { type: "input", block_id: id, label: plain(clip(input.label, SLACK_LIMITS.inputLabel)), element };
  });
}

function slackButton(b: Button): SlackButton {
  const out: SlackButton = {
    type: "button",
    text: plain(clip(b.label, SLACK_LIMITS.buttonText)),
    action_id: b.verb,
    value: b.payloadId,
  };
  if (b.style) out.style = b.style;
  if (b.confirm) {
    const confirm: ConfirmationDialog = {
      title: plain(clip(b.confirm.title, SLACK_LIMITS.confirmTitle)),
      text: mrkdwn(clipEscaped(b.confirm.text, SLACK_LIMITS.confirmText)),
      confirm: plain(clip(b.confirm.confirm, SLACK_LIMITS.confirmButton)),
      deny: plain(clip(b.confirm.deny, SLACK_LIMITS.confirmButton)),
    };
    if (b.style === "danger") confirm.style = "danger";
    out.confirm = confirm;
  }
  return out;
}

function contextBlock(lines: readonly string[]): ContextBlock | undefined {
  const nonEmpty = lines.filter((l) => l.trim() !== "");
  if (nonEmpty.length === 0) return undefined;
  const max = SLACK_LIMITS.contextElements;
  const grouped = nonEmpty.length <= max ? nonEmpty : [...nonEmpty.slice(0, max - 1), nonEmpty.slice(max - 1).join(" · ")];
  return { type: "context", elements: grouped.map((l) => mrkdwn(clipEscaped(l, SLACK_LIMITS.contextText))) };
}
