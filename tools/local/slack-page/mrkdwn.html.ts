/**
 * Slack mrkdwn → HTML, as Slack's client shows it: ``` blocks, `code`, *bold*, _italic_, ~strike~, > quotes,
 * `<url|label>` links, `<@U…>` / `<!subteam^S…>` / `<#C…|name>` mentions, `:emoji:` and line breaks. Pure.
 *
 * Safety: a message's text is Slack-escaped (`&amp;`, `&lt;`, `&gt;`), so a raw `<` only ever opens one of Slack's
 * `<…>` tokens. Every piece of text is unescaped from Slack's form and then HTML-escaped before any markup is added,
 * and a link keeps only http(s) and mailto targets: whatever a message carries, it cannot inject markup here.
 */

export interface MrkdwnNames {
  /** A user id's display name (`<@U0LOCALADMIN>` → `@admin`); unknown ids show as they are. */
  readonly user?: (id: string) => string | undefined;
  readonly channel?: (id: string) => string | undefined;
}

/**
 * The shortcodes the bot and Slack's common replies use, as Unicode. Slack has thousands; an unknown one stays as
 * typed, which is what Slack shows for a custom emoji it cannot find.
 */
const EMOJI: Readonly<Record<string, string>> = {
  white_check_mark: "✅",
  heavy_check_mark: "✔️",
  x: "❌",
  warning: "⚠️",
  information_source: "ℹ️",
  hourglass: "⌛",
  hourglass_flowing_sand: "⏳",
  rotating_light: "🚨",
  red_circle: "🔴",
  large_green_circle: "🟢",
  large_yellow_circle: "🟡",
  no_entry: "⛔",
  no_entry_sign: "🚫",
  lock: "🔒",
  unlock: "🔓",
  bell: "🔔",
  chart_with_upwards_trend: "📈",
  chart_with_downwards_trend: "📉",
  bar_chart: "📊",
  rocket: "🚀",
  eyes: "👀",
  thumbsup: "👍",
  "+1": "👍",
  thumbsdown: "👎",
  wave: "👋",
  tada: "🎉",
  fire: "🔥",
  gear: "⚙️",
  mag: "🔍",
  memo: "📝",
  clock1: "🕐",
  stopwatch: "⏱️",
  pause_button: "⏸️",
  arrow_forward: "▶️",
  arrows_counterclockwise: "🔄",
  leftwards_arrow_with_hook: "↩️",
  snowflake: "❄️",
  robot_face: "🤖",
  busts_in_silhouette: "👥",
  bust_in_silhouette: "👤",
  scales: "⚖️",
  link: "🔗",
};

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Slack's own escaping undone: what the person typed or the bot meant. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Plain text (a header, a button label) as Slack shows it: escaped, with `:emoji:` as pictures. */
export function plainHtml(text: string): string {
  return emoji(escapeHtml(text));
}

export function mrkdwnHtml(text: string, names: MrkdwnNames = {}): string {
  // Fenced blocks first: nothing inside them is formatted.
  const out: string[] = [];
  let at = 0;
  for (const fence of text.matchAll(/```([\s\S]*?)```/g)) {
    // The block is a box of its own: the line breaks that set it apart would add blank lines around it.
    out.push(lines(text.slice(at, fence.index).replace(/^\n/, at > 0 ? "" : "\n").replace(/\n$/, ""), names));
    out.push(`<pre class="bk-pre">${escapeHtml(unescapeSlack(fence[1]!.replace(/^\n/, "").replace(/\n$/, "")))}</pre>`);
    at = fence.index + fence[0].length;
  }
  out.push(lines(at > 0 ? text.slice(at).replace(/^\n/, "") : text, names));
  return out.join("");
}

/** Lines outside code blocks: `>` quotes grouped, the rest joined by `<br>`. */
function lines(text: string, names: MrkdwnNames): string {
  if (text === "") return "";
  const html: string[] = [];
  let quote: string[] = [];
  const flush = (): void => {
    if (quote.length > 0) html.push(`<blockquote class="bk-quote">${quote.join("<br>")}</blockquote>`);
    quote = [];
  };
  const plain: string[] = [];
  const flushPlain = (): void => {
    if (plain.length > 0) html.push(plain.join("<br>"));
    plain.length = 0;
  };
  for (const line of text.split("\n")) {
    const quoted = /^(?:&gt;|>) ?(.*)$/.exec(line);
    if (quoted) {
      flushPlain();
      quote.push(inline(quoted[1]!, names));
    } else {
      flush();
      plain.push(inline(line, names));
    }
  }
  flush();
  flushPlain();
  // A block after a quote or fence starts on its own line already.
  return html.join("");
}

/** One line: `code` spans kept literal, the rest tokens and formatting. */
function inline(line: string, names: MrkdwnNames): string {
  return line
    .split(/(`[^`]+`)/)
    .map((part, i) => (i % 2 === 1 ? `<code class="bk-code">${escapeHtml(unescapeSlack(part.slice(1, -1)))}</code>` : formatted(part, names)))
    .join("");
}

function formatted(text: string, names: MrkdwnNames): string {
  const parts = text.split(/(<[^<>]+>)/);
  const html = parts.map((part, i) => (i % 2 === 1 ? token(part.slice(1, -1), names) : styled(escapeHtml(unescapeSlack(part))))).join("");
  return html;
}

/** *bold*, _italic_, ~strike~ on HTML-escaped text, only where Slack reads them (not inside a word). */
function styled(html: string): string {
  const around = (mark: string, tag: string) => (s: string) =>
    s.replace(new RegExp(`(^|[^\\w${mark}])\\${mark}(?=\\S)([^${mark}]*?\\S)\\${mark}(?![\\w${mark}])`, "g"), `$1<${tag}>$2</${tag}>`);
  return emoji(around("~", "s")(around("_", "em")(around("*", "b")(html))));
}

function emoji(html: string): string {
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

function token(body: string, names: MrkdwnNames): string {
  const [target = "", label] = body.split("|", 2) as [string, string | undefined];
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return `<span class="bk-mention">@${escapeHtml(names.user?.(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    return `<span class="bk-mention">#${escapeHtml(label ?? names.channel?.(id) ?? id)}</span>`;
  }
  if (target.startsWith("!subteam^")) return `<span class="bk-mention">@${escapeHtml(label ?? target.slice("!subteam^".length))}</span>`;
  if (target.startsWith("!")) return `<span class="bk-mention">@${escapeHtml(target.slice(1))}</span>`;
  const url = unescapeSlack(target);
  if (!/^(https?:|mailto:)/i.test(url)) return escapeHtml(unescapeSlack(label ?? target));
  return `<a class="bk-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${styled(escapeHtml(unescapeSlack(label ?? url)))}</a>`;
}
