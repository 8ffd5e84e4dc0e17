/**
 * Teams activities for tests: the published fixtures read as they are, the partial invoke sample completed with
 * the message activity's envelope (the doc elides it), and requests as the Bot Framework posts them.
 */
import type { RawHttpRequest } from "../../adapters/http.js";
import type { ChatJobSink } from "../../adapters/chat-job.js";
import { parseTeamsJob, type TeamsJob } from "../../adapters/teams/teams-jobs.js";
import { readSharedFixture } from "./shared-fixtures.js";

export type Activity = Record<string, unknown>;

export const FIXTURE_MESSAGE = "teams/message_activity.personal.rich-text.json";
export const FIXTURE_INVOKE = "teams/adaptive_card_action_invoke.user-specific-views.jsonc";

/** The published message activity, parsed as it is. */
export function publishedMessageActivity(): Activity {
  return JSON.parse(readSharedFixture(FIXTURE_MESSAGE)) as Activity;
}

/** JSONC as published: whole-line `//` comments removed, nothing else touched. */
export function stripCommentLines(jsonc: string): string {
  return jsonc
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
}

/** The fields of the message activity's envelope the invoke sample leaves out ("other properties omitted"). */
export const ENVELOPE_FIELDS = ["id", "timestamp", "serviceUrl", "channelId", "from", "conversation", "recipient", "channelData", "locale"] as const;

/**
 * The published invoke sample is partial (JSONC with `// ... other properties omitted`): its comment lines are
 * stripped and it is completed with the envelope of the published message activity. The sample's own fields win.
 */
export function publishedInvokeActivity(overrides: Activity = {}): Activity {
  const sample = JSON.parse(stripCommentLines(readSharedFixture(FIXTURE_INVOKE))) as Activity;
  const message = publishedMessageActivity();
  const envelope = Object.fromEntries(ENVELOPE_FIELDS.filter((f) => f in message).map((f) => [f, message[f]]));
  return { ...envelope, ...sample, ...overrides };
}

export function teamsRequest(activity: unknown, headers: Record<string, string> = {}): RawHttpRequest {
  return { method: "POST", url: "/api/teams/messages", headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(activity) };
}

/** A job sink that keeps what it is given, read as the Teams worker reads it. */
export function recordingTeamsJobs(fail?: () => Error): ChatJobSink & { jobs: TeamsJob[] } {
  const jobs: TeamsJob[] = [];
  return {
    jobs,
    async enqueue(job) {
      if (fail) throw fail();
      jobs.push(parseTeamsJob(job));
    },
  };
}

type Json = Record<string, unknown>;

/** Every `Action.Execute` in a card (also inside `Action.ShowCard`): verb and data, as Teams would send them back. */
export function cardButtons(card: unknown): { verb: string; payloadId: string }[] {
  const found: { verb: string; payloadId: string }[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== "object") return;
    const node = value as Json;
    if (node["type"] === "Action.Execute") found.push({ verb: String(node["verb"]), payloadId: String((node["data"] as Json | undefined)?.["payloadId"]) });
    Object.values(node).forEach(visit);
  };
  visit(card);
  return found;
}

/**
 * The data Teams sends back for a click on the card's `Action.Execute` of `verb` (invoke `value.action.data`, or the
 * message `value` of the Action.Submit fallback): the action's own data, plus the value of every Input.Text of the
 * card under its id, what the user typed (`typed`: by id, or one text for every box) or "" for a box left empty.
 */
export function actionData(card: unknown, verb: string, typed: Record<string, string> | string = {}): Json {
  let data: Json | undefined;
  const inputs: Json = {};
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== "object") return;
    const node = value as Json;
    if (node["type"] === "Action.Execute" && node["verb"] === verb) data ??= node["data"] as Json;
    if (node["type"] === "Input.Text") inputs[String(node["id"])] = typeof typed === "string" ? typed : (typed[String(node["id"])] ?? "");
    Object.values(node).forEach(visit);
  };
  visit(card);
  if (!data) throw new Error(`the card has no ${verb} button`);
  return { ...data, ...inputs };
}

/** The card of a recorded message (its first Adaptive Card attachment). */
export function cardOf(message: { attachments: readonly unknown[] } | undefined): Json | undefined {
  const attachment = message?.attachments.find((a) => (a as Json)["contentType"] === "application/vnd.microsoft.card.adaptive") as Json | undefined;
  return attachment?.["content"] as Json | undefined;
}
