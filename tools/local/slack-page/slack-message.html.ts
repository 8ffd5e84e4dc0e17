/**
 * One recorded Slack message as a row of Slack's message list: the app's avatar and name, the time, "Only visible
 * to you" for an ephemeral message, the slash command it answers, its blocks, its files (a PNG as the picture Slack
 * shows, a text file as a snippet) and "(edited)" once the bot changed it. Pure; the page's script places the row
 * in the channel or in its thread.
 */
import type { RecordedSlackMessage } from "../slack-api.stand-in.js";
import { blockKitHtml } from "./block-kit.html.js";
import { escapeHtml, type MrkdwnNames } from "./mrkdwn.html.js";

/** The slash command a message answers (its ack, later replaced in place), as Slack shows above the answer. */
export interface Invocation {
  readonly userName: string;
  readonly command: string;
}

/** What the page's script gets for a message: where it goes, and its row. */
export interface MessageView {
  readonly ts: string;
  readonly channel: string;
  readonly threadTs?: string;
  readonly deleted: boolean;
  readonly ephemeral: boolean;
  readonly html: string;
}

const PICTURE = /\.(png|jpe?g|gif|webp)$/i;
const SNIPPET_LINES = 12;

export function messageView(message: RecordedSlackMessage, options: { names?: MrkdwnNames; invocation?: Invocation } = {}): MessageView {
  return {
    ts: message.ts,
    channel: message.channel,
    ...(message.threadTs ? { threadTs: message.threadTs } : {}),
    deleted: message.deleted,
    ephemeral: message.visibility === "ephemeral",
    html: message.deleted ? "" : messageHtml(message, options),
  };
}

function messageHtml(message: RecordedSlackMessage, options: { names?: MrkdwnNames; invocation?: Invocation }): string {
  const ephemeral = message.visibility === "ephemeral";
  const seconds = Number(message.ts.split(".")[0]);
  const used = options.invocation
    ? `<div class="sp-used"><b>${escapeHtml(options.invocation.userName)}</b> used <code>${escapeHtml(options.invocation.command)}</code></div>`
    : "";
  const only = ephemeral ? `<div class="sp-only-you"><span class="sp-eye" aria-hidden="true">👁</span> Only visible to you</div>` : "";
  const edited = message.history.length > 0 ? ` <span class="sp-edited">(edited)</span>` : "";
  const files = (message.files ?? []).map(fileHtml).join("");
  return (
    `<article class="sp-message${ephemeral ? " sp-ephemeral" : ""}" data-ts="${escapeHtml(message.ts)}">` +
    only +
    `<div class="sp-avatar" aria-hidden="true">AML</div>` +
    `<div class="sp-content">` +
    `<div class="sp-meta"><span class="sp-author">aml-chatops</span><span class="sp-app-badge">APP</span>` +
    `<time class="sp-time" data-seconds="${Number.isFinite(seconds) ? seconds : 0}"></time></div>` +
    used +
    `<div class="sp-blocks">${withEdited(blockKitHtml(message.blocks, message.text, options.names), edited, endsWithContext(message.blocks))}</div>` +
    (files ? `<div class="sp-files">${files}</div>` : "") +
    `<div class="sp-thread-summary" hidden></div>` +
    `</div></article>`
  );
}

/** Slack writes "(edited)" after the message's last line: inside a closing context line, else on a line of its own. */
function withEdited(blocks: string, edited: string, context: boolean): string {
  if (edited === "" || !context) return blocks + edited;
  const end = blocks.length - "</div>".length;
  return `${blocks.slice(0, end)}${edited}</div>`;
}

function endsWithContext(blocks: readonly unknown[]): boolean {
  const last = blocks.at(-1);
  return typeof last === "object" && last !== null && (last as Record<string, unknown>)["type"] === "context";
}

function fileHtml(file: { id: string; filename: string; title: string; content: Buffer }): string {
  const href = `files/${encodeURIComponent(file.id)}`;
  const title = escapeHtml(file.title || file.filename);
  if (PICTURE.test(file.filename)) {
    return `<figure class="sp-file-image"><figcaption class="sp-file-title">${title}</figcaption><a href="${href}" target="_blank"><img class="sp-file-img" src="${href}" alt="${title}"></a></figure>`;
  }
  const text = file.content.toString("utf8");
  const lines = text.split("\n");
  const more = lines.length > SNIPPET_LINES ? `<div class="sp-snippet-more">+ ${lines.length - SNIPPET_LINES} more lines</div>` : "";
  return (
    `<div class="sp-file"><div class="sp-file-head"><span class="sp-file-icon" aria-hidden="true">📄</span>` +
    `<a class="sp-file-name" href="${href}" target="_blank">${title}</a><span class="sp-file-size">${formatSize(file.content.length)}</span></div>` +
    `<pre class="sp-snippet">${escapeHtml(lines.slice(0, SNIPPET_LINES).join("\n"))}</pre>${more}</div>`
  );
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}
