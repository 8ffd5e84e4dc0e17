/**
 * People in a chat, for the contract suites: the local users (`LOCAL_USERS`: admin, operator, approver, viewer) send
 * commands in one shared channel and click buttons, the way each platform sends them, through the real local stack:
 *
 * - Slack: signed slash commands and `block_actions` clicks to the Bolt receiver; what people see is the Slack API
 *   stand-in's record (response URLs, chat.postMessage and chat.update, ephemeral messages).
 * - Teams: Bot Framework activities (the bot @mentioned in a channel) and `adaptiveCard/action` invokes to the
 *   botbuilder CloudAdapter; what people see is the connector stand-in's record. Teams has no ephemeral messages in
 *   a channel: what is for one person goes to their 1:1 chat with the bot.
 *
 * A suite writes its flow once against `ChatDriver` and runs it on both platforms, each on its own stack with the
 * same id sequence, so that what people saw can be compared as it is (`chat-views.ts` reads it).
 */
import { expect } from "vitest";
import { LOCAL_SLACK } from "../../src/config/config.js";
import { LOCAL_USERS } from "../../src/config/local-defaults.js";
import type { RecordedSlackMessage } from "../../tools/local/slack-api.stand-in.js";
import { signedSlackHeaders, slashCommandForm } from "../../tools/local/slack-signer.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { teamsCardActionInvoke, teamsMessageActivity, teamsUserId } from "../../tools/local/teams-activities.js";
import type { RecordedTeamsMessage } from "../../tools/local/teams-connector.stand-in.js";
import { buttonClick, interactionBody, typedState } from "../helpers/slack-requests.js";
import { actionData, cardOf } from "../helpers/teams-requests.js";
import { slackView, teamsView, type Json, type Rendered } from "./chat-views.js";

export type Who = keyof typeof LOCAL_USERS;

export const SLACK_CHANNEL = "C0LOCAL";
export const TEAMS_CHANNEL = "19:local-ml-ops@thread.tacv2";
export const WAIT_IN_MS = 30_000;
let sequence = 0;

/** A message people see, as it is now (the bot edits some in place). */
export interface Message {
  view(): Rendered;
  /** Every version it had, oldest first, ending with the current one. */
  versions(): Rendered[];
  /** Whether it shows a text box (Slack: an input block; Teams: an Input.Text). */
  hasBox(): boolean;
}

/** What a flow does in a chat, the same on every platform. */
export interface ChatDriver {
  readonly platform: "slack" | "teams";
  readonly stack: LocalStack;
  /** Sends a command in the shared channel. */
  say(text: string, who: Who): Promise<void>;
  /** Sends a command; resolves with the bot's answer in the channel (which it may update in place later). */
  command(text: string, who: Who): Promise<Message>;
  /** Sends a command; resolves with the answer only `who` sees. */
  privateAnswer(text: string, who: Who): Promise<Rendered>;
  /** Sends a command; resolves with the request card the core posts in the channel and the requester's private answer. */
  request(text: string, who: Who): Promise<{ card: Message; answer: Rendered }>;
  /** Runs `act`, then resolves with the first new message everyone in the channel sees that `matches`. */
  posted(matches: (view: Rendered) => boolean, act: () => Promise<unknown>): Promise<Message>;
  /** Clicks `verb` on the message, with `typed` in its box; resolves once the click is acknowledged. */
  click(message: Message, verb: string, who: Who, typed?: string): Promise<void>;
  /** Clicks, then resolves with the clicker's private answer. */
  press(message: Message, verb: string, who: Who, typed?: string): Promise<Rendered>;
  /** `count` distinct clicks at once, then the first one delivered again; resolves with every private answer. */
  pressAtOnce(message: Message, verb: string, who: Who, count: number): Promise<Rendered[]>;
  /** Adopts a message everyone in the channel sees. */
  adopt(matches: (view: Rendered) => boolean): Message | undefined;
}

/**
 * What differs between the platforms, over the messages `M` their stand-in records; `C` is one click as the platform
 * sends it (built once, so that it can be delivered again).
 */
interface Transport<M, C> {
  readonly platform: ChatDriver["platform"];
  readonly stack: LocalStack;
  messages(): readonly M[];
  /** Sends a command in the shared channel; resolves with a finder of the bot's answer to it in the channel. */
  say(text: string, who: Who): Promise<() => M | undefined>;
  /** Whether everyone in the shared channel sees this message (Teams: also in a thread of it). */
  isShown(message: M): boolean;
  /** What `who` was shown privately among these messages. */
  privateTo(who: Who, messages: readonly M[]): M[];
  view(message: M): Rendered;
  versions(message: M): Rendered[];
  hasBox(message: M): boolean;
  /** A click on `verb` of the message as `who`, with `typed` in the message's box (every box: the platform sends them all). */
  click(message: M, verb: string, who: Who, typed: string | undefined): C;
  /** Delivers a click, or delivers it again as the platform does when it saw no answer in time. */
  send(click: C, again?: boolean): Promise<void>;
}

function driver<M, C>(t: Transport<M, C>): ChatDriver {
  const messages = new WeakMap<Message, M>();
  const privateSince = (who: Who, from: number): M[] => t.privateTo(who, t.messages().slice(from));
  const handle = (message: M): Message => {
    const adopted: Message = { view: () => t.view(message), versions: () => t.versions(message), hasBox: () => t.hasBox(message) };
    messages.set(adopted, message);
    return adopted;
  };
  const posted = async (matches: (view: Rendered) => boolean, act: () => Promise<unknown>): Promise<Message> => {
    const from = t.messages().length;
    await act();
    return handle(await waitFor(() => t.messages().slice(from).find((m) => t.isShown(m) && matches(t.view(m)))));
  };
  return {
    platform: t.platform,
    stack: t.stack,
    say: async (text, who) => void (await t.say(text, who)),
    async command(text, who) {
      return handle(await waitFor(await t.say(text, who)));
    },
    async privateAnswer(text, who) {
      const from = t.messages().length;
      await t.say(text, who);
      return t.view(await waitFor(() => privateSince(who, from)[0]));
    },
    async request(text, who) {
      const from = t.messages().length;
      const card = await posted((v) => v.buttons.some((b) => b.verb === "approve"), () => t.say(text, who));
      return { card, answer: t.view(await waitFor(() => privateSince(who, from)[0])) };
    },
    posted,
    async click(message, verb, who, typed) {
      await t.send(t.click(messages.get(message)!, verb, who, typed));
    },
    async press(message, verb, who, typed) {
      const from = t.messages().length;
      await this.click(message, verb, who, typed);
      return t.view(await waitFor(() => privateSince(who, from)[0]));
    },
    async pressAtOnce(message, verb, who, count) {
      const from = t.messages().length;
      const clicks = Array.from({ length: count }, () => t.click(messages.get(message)!, verb, who, undefined));
      await Promise.all(clicks.map((c) => t.send(c)));
      await t.send(clicks[0]!, true);
      await waitFor(() => privateSince(who, from).length >= count, 90_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return privateSince(who, from).map((m) => t.view(m));
    },
    adopt(matches) {
      const found = t.messages().find((m) => t.isShown(m) && matches(t.view(m)));
      return found && handle(found);
    },
  };
}

export function slackDriver(stack: LocalStack): ChatDriver {
  const userOf = (who: Who): string => LOCAL_USERS[who].slack;
  const post = async (body: string, headers: Record<string, string> = {}): Promise<Response> => {
    const res = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: { ...signedSlackHeaders(body, LOCAL_SLACK.signingSecret), ...headers }, body });
    expect(res.status).toBe(200);
    return res;
  };
  return driver<RecordedSlackMessage, string>({
    platform: "slack",
    stack,
    messages: () => stack.slack.messages,
    async say(text, who) {
      const responseUrl = stack.slack.responseUrl(`contract-${++sequence}`, { channel: SLACK_CHANNEL, user: userOf(who) });
      const body = slashCommandForm({ command: "/aml", text, userId: userOf(who), userName: who, channelId: SLACK_CHANNEL, responseUrl });
      const ack = stack.slack.recordAck(responseUrl, await (await post(body)).text());
      return () => (ack?.visibility === "in_channel" ? ack : undefined);
    },
    isShown: (m) => m.visibility === "in_channel" && m.channel === SLACK_CHANNEL,
    privateTo: (who, ms) => ms.filter((m) => m.visibility === "ephemeral" && m.user === userOf(who) && !m.deleted),
    view: slackView,
    versions: (m) => [...m.history, m].map(slackView),
    hasBox: (m) => m.blocks.some((b) => (b as Json)["type"] === "input"),
    click(message, verb, who, typed) {
      const id = `contract-click-${++sequence}`;
      const responseUrl = stack.slack.responseUrl(id, { channel: SLACK_CHANNEL, user: userOf(who), original: message.ts });
      const button = slackView(message).buttons.find((b) => b.verb === verb);
      if (!button) throw new Error(`no ${verb} button on ${JSON.stringify(slackView(message))}`);
      const state = typedState(message.blocks, typed ?? {});
      return interactionBody(buttonClick({ actionId: verb, value: button.payloadId, userId: userOf(who), userName: who, channelId: SLACK_CHANNEL, responseUrl, messageTs: message.ts, triggerId: `trig-${id}`, state }));
    },
    // Slack retries a request it thinks timed out: the same body (same trigger_id), marked as a retry.
    send: async (body, again) => void (await post(body, again ? { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } : {})),
  });
}

export function teamsDriver(stack: LocalStack): ChatDriver {
  const userOf = (who: Who) => ({ aadObjectId: LOCAL_USERS[who].teams, name: who });
  const post = async (activity: Json): Promise<Json> => {
    const res = await fetch(`${stack.hostUrl}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    const body = await res.text();
    return body ? (JSON.parse(body) as Json) : {};
  };
  return driver<RecordedTeamsMessage, Json>({
    platform: "teams",
    stack,
    messages: () => stack.teams.messages,
    async say(text, who) {
      const activity = teamsMessageActivity({ text, serviceUrl: stack.teams.url, user: userOf(who), scope: "channel" });
      await post(activity);
      const thread = String((activity["conversation"] as Json)["id"]);
      return () => stack.teams.messages.find((m) => m.conversationId === thread && m.replyToId === activity["id"]);
    },
    isShown: (m) => m.conversationId.split(";")[0] === TEAMS_CHANNEL,
    privateTo(who, ms) {
      const member = teamsUserId(userOf(who).aadObjectId);
      const personal = new Set(stack.teams.conversations.filter((c) => c.members.some((m) => m.id === member)).map((c) => c.id));
      return ms.filter((m) => personal.has(m.conversationId));
    },
    view: teamsView,
    versions: (m) => [...m.history, m].map(teamsView),
    hasBox: (m) => JSON.stringify(cardOf(m)).includes('"type":"Input.Text"'),
    click(message, verb, who, typed) {
      const data = actionData(cardOf(message), verb, typed ?? {});
      // A click in a channel comes from the card's thread.
      const conversationId = message.conversationId.includes(";messageid=") ? message.conversationId : `${TEAMS_CHANNEL};messageid=${message.id}`;
      return teamsCardActionInvoke({ serviceUrl: stack.teams.url, user: userOf(who), scope: "channel", conversationId, replyToId: message.id, verb, data });
    },
    // The Bot Framework delivers an activity again when it saw no answer in time: the same activity, same id.
    send: async (invoke) => void expect(await post(invoke)).toMatchObject({ statusCode: 200 }),
  });
}

// ─── Waiting and reading ───────────────────────────────────────────────────────

export async function waitFor<T>(found: () => T | undefined | false, timeoutInMs = WAIT_IN_MS): Promise<T> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const value = found();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutInMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The message once it reached the expected state. */
export async function until(message: Message, done: (view: Rendered) => boolean, timeoutInMs = WAIT_IN_MS): Promise<Rendered> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const view = message.view();
    if (done(view)) return view;
    if (Date.now() > deadline) throw new Error(`the message did not reach the expected state: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The message once it reached the expected state and stopped changing (the core's update, then the answer's). */
export async function settled(message: Message, done: (view: Rendered) => boolean): Promise<Rendered> {
  let last = JSON.stringify(await until(message, done));
  for (let quiet = 0; quiet < 1_000; quiet += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = JSON.stringify(message.view());
    if (now !== last) [last, quiet] = [now, 0];
  }
  return message.view();
}

/** Whether the message says `phrase`: in its summary, or as words (its words are compared as a multiset). */
export function says(view: Rendered, phrase: string): boolean {
  if (view.summary.includes(phrase)) return true;
  const pool = [...view.words];
  return phrase.split(/\s+/).every((word) => {
    const at = pool.indexOf(word);
    return at >= 0 && pool.splice(at, 1).length === 1;
  });
}

export function expectSays(view: Rendered, phrase: string): void {
  expect(says(view, phrase), `"${phrase}" in ${JSON.stringify(view)}`).toBe(true);
}

/** Everything a person reads, with the times of day (`17:05`) left out: each platform's run has its own. */
export function timeless(view: Rendered): Rendered {
  return { ...view, words: view.words.filter((w) => !/^\d{2}:\d{2}$/.test(w)) };
}

export const verbs = (view: Rendered): string[] => view.buttons.map((b) => b.verb);

export function armWrites(stack: LocalStack): string[] {
  return stack.emulator.requests.filter((r) => ["PUT", "PATCH", "DELETE"].includes(r.method)).map((r) => `${r.method} ${r.path}`);
}

// ─── Stacks ────────────────────────────────────────────────────────────────────

const quiet = { info() {}, warn() {}, error() {} };
let stacks: LocalStack[] = [];

/** A local stack on port 0 with short LRO and poll times, and ids `<prefix>-0001`, … the same on every platform's run. */
export async function newStack(options: { readonly env?: Record<string, string>; readonly idPrefix?: string; readonly provisionDelayInMs?: number } = {}): Promise<LocalStack> {
  let id = 0;
  const stack = await startLocalStack({
    ports: { host: 0 },
    emulatorLroDelayInMs: 30,
    ...(options.provisionDelayInMs === undefined ? {} : { emulatorProvisionDelayInMs: options.provisionDelayInMs }),
    logger: quiet,
    env: { AML_LRO_POLL_MS: "20", ...options.env },
    maxPollIntervalInMs: 100,
    runtimeOverrides: { newId: () => `${options.idPrefix ?? "request"}-${String(++id).padStart(4, "0")}` },
  });
  stacks.push(stack);
  return stack;
}

/** One platform at a time: a local host serves the process-wide runtime (as a Functions worker does). */
export async function run<T>(start: () => Promise<LocalStack>, body: (stack: LocalStack) => Promise<T>): Promise<T> {
  const stack = await start();
  try {
    return await body(stack);
  } finally {
    await stack.close();
    stacks = stacks.filter((s) => s !== stack);
  }
}

/** For `afterAll`: the stacks a failed run left open. */
export function closeStacks(): Promise<unknown> {
  return Promise.all(stacks.map((s) => s.close()));
}
