/**
 * What a person sees of a message, read from what each platform's stand-in recorded, for the contract suites.
 *
 * "Same text" compares what each renderer derived from the Reply: the fallback text (Slack `text`, Teams
 * `fallbackText`, both the Reply's summary) exactly, and the visible words of the message as a multiset, with each
 * platform's markup taken out (Slack's mrkdwn markers, escapes, fences and tone emoji; Teams' `**`) and the
 * drawn bars left aside. Button areas are compared as buttons (verb + payload id), not as words: Slack shows a
 * confirm dialog where Teams folds out a card. Text boxes (a Slack input block, a Teams Input.Text) are not words.
 * A mention reads as the person's name, as each client shows it: Slack `<@U…>` as the local user it is, Teams
 * `<at>name</at>` as the name; the mentions themselves are listed too, to check that they notify. A chart reads as
 * its title: Teams shows the picture under it, Slack the sparklines beside the uploaded picture, each platform's
 * drawing of the same numbers, left aside as the bars are.
 */
import { LOCAL_USERS } from "../../src/config/local-defaults.js";
import { cardButtons, cardOf } from "../helpers/teams-requests.js";

export type Json = Record<string, unknown>;

export interface Press {
  readonly verb: string;
  readonly payloadId: string;
}

export interface Rendered {
  readonly summary: string;
  readonly words: readonly string[];
  readonly buttons: readonly Press[];
  /** Who the message notifies, by local user (Slack `<@U…>` in its text; Teams mention entities). */
  readonly mentions?: readonly string[];
}

const slackUsers = new Map<string, string>(Object.entries(LOCAL_USERS).map(([who, ids]) => [ids.slack, who]));

function words(texts: readonly string[]): string[] {
  return texts
    .join("\n")
    .replace(/```/g, " ")
    .replace(/\*\*|[*_`]/g, "")
    .replace(/[█░\u00a0]/g, " ")
    .split(/\s+/)
    .filter((w) => w !== "")
    .sort();
}

/** Slack's escapes undone, and each `<@U…>` mention shown as the name Slack would show. */
const unescapeSlack = (text: string): string =>
  text
    .replace(/<@([A-Z0-9]+)>/g, (_m, id: string) => slackUsers.get(id) ?? `@${id}`)
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/**
 * A chart's section as its title: `*title*` over a fence of panels whose rows read `min … · max … · last …` (or
 * `no data`), as `chartTextLines` writes them; other text, the traffic bars' fence among it, as it is.
 */
const chartTitle = (text: string): string => (/^\*[^*\n]+\*\n```\n[\s\S]*(\n {2}no data\n|· max [^\n]* · last )[\s\S]*```$/.test(text) ? text.slice(0, text.indexOf("\n")) : text);

export function slackView(message: { text: string; blocks: readonly unknown[] }): Rendered {
  const texts: string[] = [];
  const buttons: Press[] = [];
  const text = (value: unknown): string => unescapeSlack(String((value as Json | undefined)?.["text"] ?? ""));
  for (const block of message.blocks as Json[]) {
    if (block["type"] === "header") texts.push(text(block["text"]).replace(/^:[a-z0-9_+-]+:\s*/, ""));
    if (block["type"] === "section") texts.push(chartTitle(text(block["text"])), ...((block["fields"] as unknown[] | undefined) ?? []).map(text));
    if (block["type"] === "context") texts.push(...((block["elements"] as unknown[] | undefined) ?? []).map(text));
    if (block["type"] === "actions") for (const e of (block["elements"] as Json[] | undefined) ?? []) buttons.push({ verb: String(e["action_id"]), payloadId: String(e["value"]) });
  }
  const mentioned = [...JSON.stringify(message.blocks).matchAll(/<@([A-Z0-9]+)>/g)].map((m) => slackUsers.get(m[1]!) ?? m[1]!);
  return { summary: unescapeSlack(message.text), words: words(texts), buttons, ...(mentioned.length ? { mentions: mentioned } : {}) };
}

export function teamsView(message: { readonly attachments: readonly unknown[] }): Rendered {
  const card = cardOf(message) ?? {};
  const texts: string[] = [];
  const visit = (elements: readonly unknown[]): void => {
    for (const element of elements as Json[]) {
      if (element["type"] === "TextBlock") texts.push(String(element["text"]).replace(/<at>(.*?)<\/at>/g, "$1"));
      if (element["type"] === "RichTextBlock") texts.push(((element["inlines"] as Json[]) ?? []).map((i) => String(i["text"])).join(""));
      if (element["type"] === "FactSet") for (const f of element["facts"] as Json[]) texts.push(String(f["title"]), String(f["value"]));
      if (element["type"] === "ColumnSet") for (const c of element["columns"] as Json[]) visit(c["items"] as unknown[]);
      if (element["type"] === "Container") visit(element["items"] as unknown[]);
    }
  };
  visit((card["body"] as unknown[] | undefined) ?? []);
  const entities = ((card["msteams"] as Json | undefined)?.["entities"] as Json[] | undefined) ?? [];
  const teamsUsers = new Map<string, string>(Object.entries(LOCAL_USERS).map(([who, ids]) => [ids.teams, who]));
  const mentioned = entities.filter((e) => e["type"] === "mention").map((e) => teamsUsers.get(String((e["mentioned"] as Json)["id"])) ?? String((e["mentioned"] as Json)["id"]));
  return { summary: String(card["fallbackText"] ?? ""), words: words(texts), buttons: cardButtons(card), ...(mentioned.length ? { mentions: mentioned } : {}) };
}
