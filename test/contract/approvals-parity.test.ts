/**
 * Four eyes in both chats, end to end: the same approval flow through the real local stack on Slack (signed slash
 * commands and `block_actions` clicks to the Bolt receiver, the Slack API stand-in recording what people see) and on
 * Teams (Bot Framework activities and `adaptiveCard/action` invokes to the botbuilder CloudAdapter, the connector
 * stand-in recording), with the local default config: changes to `churn-model` wait for one Approve of the local
 * approver or admin, never the requester's own. The request's card is posted by the core (the channel notifier)
 * and updated in place after each decision; whoever clicked hears back privately (Slack: ephemeral; Teams: the
 * 1:1 chat). Each platform gets its own stack, one after the other, with the same ids, so both can be compared.
 *
 * Then across platforms, with a config whose rule also posts requests to a Teams channel: a request made in Slack
 * is approved by a Teams user, and both copies of its card say so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SLACK } from "../../src/config/config.js";
import { LOCAL_FILE_CONFIG, LOCAL_USERS } from "../../src/config/local-defaults.js";
import type { RecordedSlackMessage } from "../../tools/local/slack-api.stand-in.js";
import { signedSlackHeaders, slashCommandForm } from "../../tools/local/slack-signer.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { teamsCardActionInvoke, teamsMessageActivity, teamsUserId } from "../../tools/local/teams-activities.js";
import type { RecordedTeamsMessage } from "../../tools/local/teams-connector.stand-in.js";
import { buttonClick, interactionBody, typedState } from "../helpers/slack-requests.js";
import { actionData, cardOf } from "../helpers/teams-requests.js";
import { slackView, teamsView, type Json, type Rendered } from "./chat-views.js";

type Who = keyof typeof LOCAL_USERS;

/** A request's card, as it is now in the channel. */
interface Card {
  view(): Rendered;
  /** Whether it shows a text box (Slack: an input block; Teams: an Input.Text). */
  hasBox(): boolean;
}

/** What a platform must provide to run the flow. */
interface ApprovalDriver {
  readonly stack: LocalStack;
  /** Sends a command in the shared channel; resolves with the newest request card there and the requester's private answer. */
  request(text: string, who: Who): Promise<{ card: Card; answer: Rendered }>;
  /** Clicks `verb` on the card, with `typed` in its box; resolves once the click is acknowledged. */
  click(card: Card, verb: string, who: Who, typed?: string): Promise<void>;
  /** Clicks, then resolves with the clicker's private answer. */
  press(card: Card, verb: string, who: Who, typed?: string): Promise<Rendered>;
  /** `count` distinct clicks at once, then the first one delivered again; resolves with every private answer. */
  pressAtOnce(card: Card, verb: string, who: Who, count: number): Promise<Rendered[]>;
}

const SLACK_CHANNEL = "C0LOCAL";
const TEAMS_CHANNEL = "19:local-ml-ops@thread.tacv2";
const WAIT_IN_MS = 30_000;
let sequence = 0;

// ─── The flow ──────────────────────────────────────────────────────────────────

interface Outcome {
  readonly requested: { readonly card: Rendered; readonly answer: Rendered; readonly box: boolean; readonly writes: number; readonly capacity: number | undefined };
  readonly ownApprove: Rendered;
  readonly notApprover: Rendered;
  readonly bareReject: { readonly answer: Rendered; readonly card: Rendered };
  readonly rejected: { readonly answer: Rendered; readonly card: Rendered; readonly box: boolean; readonly writes: number };
  readonly adminOwn: { readonly approve: Rendered; readonly cancelled: Rendered; readonly writes: number };
  readonly approved: { readonly answer: Rendered; readonly card: Rendered; readonly writes: readonly string[]; readonly capacity: number | undefined };
  readonly concurrent: { readonly answers: readonly Rendered[]; readonly card: Rendered; readonly writes: readonly string[]; readonly capacity: number | undefined };
  readonly outOfBand: { readonly answer: Rendered; readonly card: Rendered; readonly writes: readonly string[]; readonly capacity: number | undefined };
}

async function flow(driver: ApprovalDriver): Promise<Outcome> {
  const { stack } = driver;
  stack.emulator.reset();
  const first = await driver.request("scale churn-model main 3", "operator");
  const requested = { card: first.card.view(), answer: first.answer, box: first.card.hasBox(), writes: armWrites(stack).length, capacity: await capacity(stack) };
  const ownApprove = await driver.press(first.card, "approve", "operator");
  const notApprover = await driver.press(first.card, "approve", "viewer");
  const bareReject = { answer: await driver.press(first.card, "reject", "approver"), card: first.card.view() };
  const rejectAnswer = await driver.press(first.card, "reject", "approver", "  Not during the sale: try again after Friday  ");
  const rejectedCard = await until(first.card, (v) => v.summary.startsWith("Rejected"));
  const rejected = { answer: rejectAnswer, card: rejectedCard, box: first.card.hasBox(), writes: armWrites(stack).length };

  const own = await driver.request("scale churn-model main 4", "admin");
  const adminApprove = await driver.press(own.card, "approve", "admin");
  await driver.click(own.card, "cancel", "admin"); // its answer is for the channel: it takes the card's place
  const adminOwn = { approve: adminApprove, cancelled: await settled(own.card, (v) => v.summary.startsWith("Cancelled")), writes: armWrites(stack).length };

  const second = await driver.request("scale churn-model main 3", "operator");
  const approveAnswer = await driver.press(second.card, "approve", "approver");
  const approved = { answer: approveAnswer, card: await until(second.card, (v) => v.summary.startsWith("Approved and applied")), writes: armWrites(stack), capacity: await capacity(stack) };

  stack.emulator.reset();
  const third = await driver.request("scale churn-model main 3", "operator");
  const answers = await driver.pressAtOnce(third.card, "approve", "approver", 50);
  const concurrent = { answers, card: await until(third.card, (v) => v.summary.startsWith("Approved and applied")), writes: armWrites(stack), capacity: await capacity(stack) };

  stack.emulator.reset();
  const fourth = await driver.request("scale churn-model main 3", "operator");
  stack.emulator.faults.mutate(deploymentId(stack), { sku: { capacity: 4 } });
  const lateAnswer = await driver.press(fourth.card, "approve", "approver");
  const outOfBand = { answer: lateAnswer, card: await until(fourth.card, (v) => v.summary.startsWith("Approved, not applied")), writes: armWrites(stack), capacity: await capacity(stack) };

  return { requested, ownApprove, notApprover, bareReject, rejected, adminOwn, approved, concurrent, outOfBand };
}

function armWrites(stack: LocalStack): string[] {
  return stack.emulator.requests.filter((r) => ["PUT", "PATCH", "DELETE"].includes(r.method)).map((r) => `${r.method} ${r.path}`);
}

function deploymentId(stack: LocalStack): string {
  return `/subscriptions/${stack.emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/churn-model/deployments/main`;
}

async function capacity(stack: LocalStack): Promise<number | undefined> {
  const deps = stack.runtime.app.deps;
  return (await deps.endpoints.getDeployment(deps.workspaces[0]!, "churn-model", "main"))?.capacity;
}

async function until(card: Card, done: (view: Rendered) => boolean): Promise<Rendered> {
  const deadline = Date.now() + WAIT_IN_MS;
  for (;;) {
    const view = card.view();
    if (done(view)) return view;
    if (Date.now() > deadline) throw new Error(`the card did not reach the expected state: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The card once it reached the expected state and stopped changing (the core's update, then the answer's). */
async function settled(card: Card, done: (view: Rendered) => boolean): Promise<Rendered> {
  let last = JSON.stringify(await until(card, done));
  for (let quiet = 0; quiet < 1_000; quiet += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = JSON.stringify(card.view());
    if (now !== last) [last, quiet] = [now, 0];
  }
  return card.view();
}

/** Whether the message says `phrase`: in its summary, or as words (its words are compared as a multiset). */
function says(view: Rendered, phrase: string): boolean {
  if (view.summary.includes(phrase)) return true;
  const pool = [...view.words];
  return phrase.split(/\s+/).every((word) => {
    const at = pool.indexOf(word);
    return at >= 0 && pool.splice(at, 1).length === 1;
  });
}

function expectSays(view: Rendered, phrase: string): void {
  expect(says(view, phrase), `"${phrase}" in ${JSON.stringify(view)}`).toBe(true);
}

/** Everything a person reads, with the times of day (`17:05`) left out: each platform's run has its own. */
function timeless(view: Rendered): Rendered {
  return { ...view, words: view.words.filter((w) => !/^\d{2}:\d{2}$/.test(w)) };
}

const verbs = (view: Rendered): string[] => view.buttons.map((b) => b.verb);

// ─── Drivers ───────────────────────────────────────────────────────────────────

/**
 * What differs between the platforms, over the messages `M` their stand-in records; `C` is one click as the platform
 * sends it (built once, so that it can be delivered again).
 */
interface Transport<M, C> {
  readonly stack: LocalStack;
  /** How many messages the stand-in has recorded: what came later is new. */
  count(): number;
  /** Sends a command in the shared channel. */
  say(text: string, who: Who): Promise<void>;
  /** The first request card among these messages. */
  requestCard(messages: readonly M[]): M | undefined;
  messages(): readonly M[];
  /** What `who` was shown privately among these messages. */
  privateTo(who: Who, messages: readonly M[]): M[];
  view(message: M): Rendered;
  hasBox(message: M): boolean;
  /** A click on `verb` of the card as `who`, with `typed` in the card's box (every box: the platform sends them all). */
  click(message: M, verb: string, who: Who, typed: string | undefined): C;
  /** Delivers a click, or delivers it again as the platform does when it saw no answer in time. */
  send(click: C, again?: boolean): Promise<void>;
}

/** Teams also lets the suite speak in the channel, and adopt a card the core posted there. */
interface TeamsDriver extends ApprovalDriver {
  say(text: string, who: Who): Promise<void>;
  cardOf(message: RecordedTeamsMessage): Card;
}

function driver<M, C>(t: Transport<M, C>): ApprovalDriver & { say(text: string, who: Who): Promise<void>; cardOf(message: M): Card } {
  const cards = new WeakMap<Card, M>();
  const privateSince = (who: Who, from: number): M[] => t.privateTo(who, t.messages().slice(from));
  const cardOf = (message: M): Card => {
    const card: Card = { view: () => t.view(message), hasBox: () => t.hasBox(message) };
    cards.set(card, message);
    return card;
  };
  return {
    stack: t.stack,
    say: (text, who) => t.say(text, who),
    cardOf,
    async request(text, who) {
      const from = t.count();
      await t.say(text, who);
      const card = cardOf(await waitFor(() => t.requestCard(t.messages().slice(from))));
      return { card, answer: t.view(await waitFor(() => privateSince(who, from)[0])) };
    },
    async click(card, verb, who, typed) {
      await t.send(t.click(cards.get(card)!, verb, who, typed));
    },
    async press(card, verb, who, typed) {
      const from = t.count();
      await this.click(card, verb, who, typed);
      return t.view(await waitFor(() => privateSince(who, from)[0]));
    },
    async pressAtOnce(card, verb, who, count) {
      const from = t.count();
      const clicks = Array.from({ length: count }, () => t.click(cards.get(card)!, verb, who, undefined));
      await Promise.all(clicks.map((c) => t.send(c)));
      await t.send(clicks[0]!, true);
      await waitFor(() => privateSince(who, from).length >= count, 90_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return privateSince(who, from).map((m) => t.view(m));
    },
  };
}

async function waitFor<T>(found: () => T | undefined | false, timeoutInMs = WAIT_IN_MS): Promise<T> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const value = found();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutInMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function slackDriver(stack: LocalStack): ApprovalDriver {
  const userOf = (who: Who): string => LOCAL_USERS[who].slack;
  const post = async (body: string, headers: Record<string, string> = {}): Promise<Response> => {
    const res = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: { ...signedSlackHeaders(body, LOCAL_SLACK.signingSecret), ...headers }, body });
    expect(res.status).toBe(200);
    return res;
  };
  return driver<RecordedSlackMessage, string>({
    stack,
    count: () => stack.slack.messages.length,
    messages: () => stack.slack.messages,
    async say(text, who) {
      const responseUrl = stack.slack.responseUrl(`approvals-${++sequence}`, { channel: SLACK_CHANNEL, user: userOf(who) });
      const body = slashCommandForm({ command: "/aml", text, userId: userOf(who), userName: who, channelId: SLACK_CHANNEL, responseUrl });
      stack.slack.recordAck(responseUrl, await (await post(body)).text());
    },
    requestCard: (ms) => ms.find((m) => m.via === "chat.postMessage" && m.channel === SLACK_CHANNEL && slackView(m).buttons.some((b) => b.verb === "approve")),
    privateTo: (who, ms) => ms.filter((m) => m.visibility === "ephemeral" && m.user === userOf(who) && !m.deleted),
    view: slackView,
    hasBox: (m) => m.blocks.some((b) => (b as Json)["type"] === "input"),
    click(message, verb, who, typed) {
      const id = `approvals-click-${++sequence}`;
      const responseUrl = stack.slack.responseUrl(id, { channel: SLACK_CHANNEL, user: userOf(who), original: message.ts });
      const button = slackView(message).buttons.find((b) => b.verb === verb);
      if (!button) throw new Error(`no ${verb} button on the card`);
      const state = typedState(message.blocks, typed ?? {});
      return interactionBody(buttonClick({ actionId: verb, value: button.payloadId, userId: userOf(who), userName: who, channelId: SLACK_CHANNEL, responseUrl, messageTs: message.ts, triggerId: `trig-${id}`, state }));
    },
    // Slack retries a request it thinks timed out: the same body (same trigger_id), marked as a retry.
    send: async (body, again) => void (await post(body, again ? { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } : {})),
  });
}

function teamsDriver(stack: LocalStack): TeamsDriver {
  const userOf = (who: Who) => ({ aadObjectId: LOCAL_USERS[who].teams, name: who });
  const post = async (activity: Json): Promise<Json> => {
    const res = await fetch(`${stack.hostUrl}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    const body = await res.text();
    return body ? (JSON.parse(body) as Json) : {};
  };
  return driver<RecordedTeamsMessage, Json>({
    stack,
    count: () => stack.teams.messages.length,
    messages: () => stack.teams.messages,
    say: async (text, who) => void (await post(teamsMessageActivity({ text, serviceUrl: stack.teams.url, user: userOf(who), scope: "channel" }))),
    requestCard: newCard,
    // Teams has no ephemeral messages in a channel: what is for one person goes to their 1:1 chat with the bot.
    privateTo(who, ms) {
      const member = teamsUserId(userOf(who).aadObjectId);
      const personal = new Set(stack.teams.conversations.filter((c) => c.members.some((m) => m.id === member)).map((c) => c.id));
      return ms.filter((m) => personal.has(m.conversationId));
    },
    view: teamsView,
    hasBox: (m) => JSON.stringify(cardOf(m)).includes('"type":"Input.Text"'),
    click(message, verb, who, typed) {
      const data = actionData(cardOf(message), verb, typed ?? {});
      // A click in a channel comes from the card's thread.
      return teamsCardActionInvoke({ serviceUrl: stack.teams.url, user: userOf(who), scope: "channel", conversationId: `${TEAMS_CHANNEL};messageid=${message.id}`, replyToId: message.id, verb, data });
    },
    // The Bot Framework delivers an activity again when it saw no answer in time: the same activity, same id.
    send: async (invoke) => void expect(await post(invoke)).toMatchObject({ statusCode: 200 }),
  });
}

/** A request card the core posted in the Teams channel. */
function newCard(messages: readonly RecordedTeamsMessage[]): RecordedTeamsMessage | undefined {
  return messages.find((m) => m.conversationId === TEAMS_CHANNEL && teamsView(m).buttons.some((b) => b.verb === "approve"));
}

// ─── The suite ─────────────────────────────────────────────────────────────────

const quiet = { info() {}, warn() {}, error() {} };
let stacks: LocalStack[] = [];

async function newStack(env: Record<string, string> = {}): Promise<LocalStack> {
  let id = 0;
  const stack = await startLocalStack({
    ports: { host: 0 },
    emulatorLroDelayInMs: 30,
    logger: quiet,
    env: { AML_LRO_POLL_MS: "20", ...env },
    maxPollIntervalInMs: 100,
    // The same id sequence on both platforms: requests get the same ids, so cards can be compared as they are.
    runtimeOverrides: { newId: () => `request-${String(++id).padStart(4, "0")}` },
  });
  stacks.push(stack);
  return stack;
}

/** One platform at a time: a local host serves the process-wide runtime (as a Functions worker does). */
async function run<T>(start: () => Promise<LocalStack>, body: (stack: LocalStack) => Promise<T>): Promise<T> {
  const stack = await start();
  try {
    return await body(stack);
  } finally {
    await stack.close();
    stacks = stacks.filter((s) => s !== stack);
  }
}

let slack: Outcome;
let teams: Outcome;
beforeAll(async () => {
  slack = await run(newStack, (stack) => flow(slackDriver(stack)));
  teams = await run(newStack, (stack) => flow(teamsDriver(stack)));
}, 300_000);
afterAll(() => Promise.all(stacks.map((s) => s.close())));

describe.each([
  ["Slack", () => slack],
  ["Teams", () => teams],
])("approvals on %s", (_platform, outcome) => {
  it("answers an operator's change to churn-model with a request card (Approve, Reject with a box for the reason, Cancel) and changes nothing", () => {
    const { requested } = outcome();
    expect(requested.card.summary).toMatch(/^Approval needed: /);
    expect(verbs(requested.card)).toEqual(["approve", "reject", "cancel"]);
    expect(new Set(requested.card.buttons.map((b) => b.payloadId))).toEqual(new Set(["request-0001"]));
    expect(requested.box).toBe(true);
    expectSays(requested.card, "Requested by operator");
    expect(requested.answer.summary).toMatch(/^Approval requested for /);
    expect(requested.writes).toBe(0);
    expect(requested.capacity).toBe(2);
  });

  it("refuses the requester's own Approve (four eyes), and anyone who is not an approver; the card stays as it was", () => {
    const { ownApprove, notApprover, bareReject } = outcome();
    expect(ownApprove.summary).toMatch(/^Not allowed: You asked for this change, so someone else has to approve it \(four eyes\)/);
    expect(notApprover.summary).toMatch(/^Not allowed: You are not one of the approvers/);
    expect(bareReject.card.summary).toMatch(/^Approval needed: /);
    expectSays(bareReject.card, "Approvals 0 of 1");
  });

  it("refuses the admin's Approve of their own request too (four eyes), and lets them cancel it", () => {
    const { adminOwn } = outcome();
    expect(adminOwn.approve.summary).toMatch(/^Not allowed: .*\(four eyes\)/);
    expect(adminOwn.cancelled.summary).toMatch(/^Cancelled/);
    expect(verbs(adminOwn.cancelled)).not.toContain("approve");
    expect(adminOwn.writes).toBe(0);
  });

  it("asks for a reason when Reject comes with an empty box, and with one typed ends the request, the reason on the card", () => {
    const { bareReject, rejected } = outcome();
    expect(bareReject.answer.summary).toMatch(/^A rejection needs a reason/);
    expect(rejected.answer.summary).toMatch(/^Rejected: You rejected /);
    expect(rejected.card.summary).toMatch(/^Rejected: /);
    expectSays(rejected.card, "Rejected by approver");
    expectSays(rejected.card, "Not during the sale: try again after Friday. Nothing was changed.");
    expect(verbs(rejected.card)).toEqual([]);
    expect(rejected.box).toBe(false);
    expect(rejected.writes).toBe(0);
  });

  it("applies the change on an approver's Approve, with exactly one ARM write, and the card says Approved and applied", () => {
    const { approved } = outcome();
    expect(approved.answer.summary).toBe("main on churn-model now runs 3 instance(s) (was 2)");
    expect(approved.writes).toHaveLength(1);
    expect(approved.writes[0]).toMatch(/onlineEndpoints\/churn-model\/deployments\/main/);
    expect(approved.capacity).toBe(3);
    expect(approved.card.summary).toMatch(/^Approved and applied: /);
    expectSays(approved.card, "Approved by approver");
    expect(verbs(approved.card).filter((v) => ["approve", "reject", "cancel"].includes(v))).toEqual([]);
  });

  it("makes exactly one ARM write for 50 Approve clicks at once and a redelivered one, and answers each click once", () => {
    const { concurrent } = outcome();
    expect(concurrent.writes).toHaveLength(1);
    expect(concurrent.capacity).toBe(3);
    expect(concurrent.answers).toHaveLength(50);
    expect(concurrent.answers.filter((a) => a.summary.includes("now runs 3 instance"))).toHaveLength(1);
    expect(concurrent.card.summary).toMatch(/^Approved and applied: /);
  });

  it("refuses an approval after someone changed the deployment outside the bot, and changes nothing", () => {
    const { outOfBand } = outcome();
    expect(outOfBand.writes).toEqual([]);
    expect(outOfBand.capacity).toBe(4);
    expect(outOfBand.answer.summary).not.toContain("now runs");
    expect(outOfBand.card.summary).toMatch(/^Approved, not applied: /);
  });
});

describe("the same approval flow on Slack and Teams", () => {
  it("shows the same cards at every step", () => {
    for (const step of ["requested", "rejected", "approved", "concurrent", "outOfBand"] as const) {
      expect(timeless(teams[step].card), step).toEqual(timeless(slack[step].card));
    }
    expect(timeless(teams.adminOwn.cancelled)).toEqual(timeless(slack.adminOwn.cancelled));
  });

  it("answers each click with the same private text", () => {
    for (const step of ["ownApprove", "notApprover"] as const) expect(timeless(teams[step]), step).toEqual(timeless(slack[step]));
    expect(timeless(teams.bareReject.answer)).toEqual(timeless(slack.bareReject.answer));
    expect(timeless(teams.rejected.answer)).toEqual(timeless(slack.rejected.answer));
    expect(timeless(teams.requested.answer)).toEqual(timeless(slack.requested.answer));
  });
});

describe("across platforms", () => {
  /** The local config, with the rule also posting every request to the Teams channel (as a config file says it). */
  const config = {
    ...LOCAL_FILE_CONFIG,
    policy: { ...LOCAL_FILE_CONFIG.policy, approvals: (LOCAL_FILE_CONFIG.policy.approvals ?? []).map((rule) => ({ ...rule, channel: `teams:${TEAMS_CHANNEL}` })) },
  };
  let seen: { slackCard: Rendered; teamsCard: Rendered; answer: Rendered; writes: readonly string[]; capacity: number | undefined };

  beforeAll(async () => {
    seen = await run(
      () => newStack({ AML_CONFIG_JSON: JSON.stringify(config) }),
      async (stack) => {
        const onTeams = teamsDriver(stack);
        // The bot can post in a Teams channel once it was installed or spoken to there.
        await onTeams.say("help", "viewer");
        const from = stack.teams.messages.length;
        const { card } = await slackDriver(stack).request("scale churn-model main 3", "operator");
        const copy = onTeams.cardOf(await waitFor(() => newCard(stack.teams.messages.slice(from))));
        const answer = await onTeams.press(copy, "approve", "approver");
        return {
          slackCard: await until(card, (v) => v.summary.startsWith("Approved and applied")),
          teamsCard: await until(copy, (v) => v.summary.startsWith("Approved and applied")),
          answer,
          writes: armWrites(stack),
          capacity: await capacity(stack),
        };
      },
    );
  }, 120_000);

  it("lets a Teams approver approve a request made in Slack: one ARM write, and both copies of the card say so", () => {
    expect(seen.answer.summary).toBe("main on churn-model now runs 3 instance(s) (was 2)");
    expect(seen.writes).toHaveLength(1);
    expect(seen.capacity).toBe(3);
    expect(seen.slackCard.summary).toMatch(/^Approved and applied: /);
    expect(timeless(seen.teamsCard)).toEqual(timeless(seen.slackCard));
    expectSays(seen.slackCard, "Requested by operator");
    expectSays(seen.slackCard, "Approved by approver");
  });
});
