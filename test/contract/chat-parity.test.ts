/**
 * One contract, run against both chat adapters: the same commands, sent the way each platform sends them, must
 * yield the same outcome. Each platform gets its own local stack (`startLocalStack`: in-memory Azurite, the AML
 * emulator, the Slack and Teams stand-ins, the Functions host on port 0), one after the other, with the same
 * scenario and the same id sequence for previews, so even the buttons' payload ids match.
 *
 * - Slack: signed slash commands and `block_actions` clicks over HTTP to `/api/slack/events`; what users see is
 *   the Slack stand-in's record of the response URLs.
 * - Teams: Bot Framework activities over HTTP to `/api/teams/messages` (the bot @mentioned in a channel), card
 *   clicks as `adaptiveCard/action` invokes; what users see is the connector stand-in's record.
 *
 * "Same text" is what `chat-views.ts` reads of a message: its summary, its visible words and its buttons.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SLACK } from "../../src/config/config.js";
import type { RecordedSlackMessage } from "../../tools/local/slack-api.stand-in.js";
import { signedSlackHeaders, slashCommandForm } from "../../tools/local/slack-signer.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { LOCAL_TEAMS, teamsCardActionInvoke, teamsMessageActivity, teamsUserId } from "../../tools/local/teams-activities.js";
import type { RecordedTeamsMessage } from "../../tools/local/teams-connector.stand-in.js";
import { buttonClick, interactionBody } from "../helpers/slack-requests.js";
import { cardButtons, cardOf } from "../helpers/teams-requests.js";
import { slackView, teamsView, type Json, type Rendered } from "./chat-views.js";

interface Live {
  view(): Rendered;
  /** The message as it was first shown: a slow command's "⏳" ack. */
  firstView(): Rendered;
}

/** What a platform must provide to run the contract. */
interface ChatDriver {
  readonly stack: LocalStack;
  /** Sends a command in a shared channel; resolves with the message the bot answers in and keeps updating. */
  command(text: string): Promise<Live>;
  press(message: Live, verb: string): Promise<void>;
  /** Sends a command whose answer turns out to be for the requester only; resolves with it, wherever it went. */
  privateAnswer(text: string): Promise<Rendered>;
}

interface Outcome {
  readonly preview: Rendered;
  readonly applied: Rendered;
  readonly refusal: Rendered;
  readonly invoked: Rendered;
  /** The "⏳" line shown before the worker ran `invoke` with a request body. */
  readonly invokeAck: Rendered;
  readonly traffic: unknown;
  readonly armWrites: readonly string[];
  readonly audit: readonly Json[];
}

// ─── The contract ──────────────────────────────────────────────────────────────

async function contract(driver: ChatDriver): Promise<Outcome> {
  const { stack } = driver;
  stack.emulator.reset();
  const message = await driver.command("traffic fraud-scorer blue=80 green=20");
  const preview = await until(message, (v) => v.buttons.length > 0);
  await driver.press(message, "apply");
  // Done: Apply and Cancel give way to the applied change's Revert.
  const applied = await until(message, (v) => !v.buttons.some((b) => b.verb === "apply") && v.summary !== preview.summary && !v.words.some((w) => w.startsWith("⏳")));
  const refusal = await driver.privateAnswer("traffic fraud-scorer blue=80 green=30");
  // A credential-free invoke, pinned so the same deployment answers on both platforms.
  const invocation = await driver.command('invoke fraud-scorer --deployment green {"data": [[1,2,3,4,5,6,7,8,9,10]]}');
  const invoked = await until(invocation, (v) => v.words.length > 0 && !v.words.some((w) => w.startsWith("⏳")));
  const invokeAck = invocation.firstView();
  const endpoint = await stack.runtime.app.deps.endpoints.getEndpoint(stack.runtime.app.deps.workspaces[0]!, "fraud-scorer");
  const records = await stack.runtime.app.deps.audit.list({ limit: 20 });
  return {
    preview,
    applied,
    refusal,
    invoked,
    invokeAck,
    traffic: { live: endpoint?.traffic, mirror: endpoint?.mirrorTraffic },
    armWrites: stack.emulator.requests.filter((r) => ["PUT", "PATCH", "DELETE"].includes(r.method)).map((r) => `${r.method} ${r.path}`),
    // The invoke's detail carries its latency, which differs from run to run.
    audit: records.reverse().map((r) => ({ verb: r.verb, text: r.text, outcome: r.outcome, workspace: r.workspace, endpoint: r.endpoint, before: r.before, after: r.after, detail: r.detail?.replace(/\d+ms$/, "<latency>") })),
  };
}

async function until(message: Live, done: (view: Rendered) => boolean, timeoutInMs = 15_000): Promise<Rendered> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const view = message.view();
    if (done(view)) return view;
    if (Date.now() > deadline) throw new Error(`message did not reach the expected state: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// ─── Drivers ───────────────────────────────────────────────────────────────────

const SLACK_USER = "U0LOCALADMIN";
const SLACK_CHANNEL = "C0LOCAL";
let sequence = 0;

function slackDriver(stack: LocalStack): ChatDriver {
  async function slash(text: string): Promise<RecordedSlackMessage> {
    const id = `contract-${++sequence}`;
    const responseUrl = stack.slack.responseUrl(id, { channel: SLACK_CHANNEL, user: SLACK_USER });
    const body = slashCommandForm({ command: "/aml", text, userId: SLACK_USER, userName: "admin", channelId: SLACK_CHANNEL, responseUrl });
    const res = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body });
    expect(res.status).toBe(200);
    const ack = stack.slack.recordAck(responseUrl, await res.text());
    if (!ack) throw new Error("Slack answered the command with an empty body");
    return ack;
  }
  const live = new WeakMap<Live, RecordedSlackMessage>();
  return {
    stack,
    async command(text) {
      const message = await slash(text);
      const handle: Live = { view: () => slackView(message), firstView: () => slackView(message.history[0] ?? message) };
      live.set(handle, message);
      return handle;
    },
    async press(handle, verb) {
      const message = live.get(handle)!;
      const button = slackView(message).buttons.find((b) => b.verb === verb)!;
      const id = `contract-click-${++sequence}`;
      const responseUrl = stack.slack.responseUrl(id, { channel: SLACK_CHANNEL, user: SLACK_USER, original: message.ts });
      const payload = buttonClick({ actionId: verb, value: button.payloadId, userId: SLACK_USER, userName: "admin", channelId: SLACK_CHANNEL, responseUrl, messageTs: message.ts, triggerId: `trig-${id}` });
      const body = interactionBody(payload);
      const res = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body });
      expect(res.status).toBe(200);
    },
    async privateAnswer(text) {
      const before = stack.slack.messages.length;
      await slash(text);
      const answer = await stack.slack.waitFor((ms) => ms.slice(before).find((m) => m.visibility === "ephemeral" && m.user === SLACK_USER && !m.deleted), 15_000);
      return slackView(answer);
    },
  };
}

function teamsDriver(stack: LocalStack): ChatDriver {
  // The same display name as the Slack user, so "Requested by …" reads the same.
  const user = { aadObjectId: LOCAL_TEAMS.adminAadObjectId, name: "admin" };
  const live = new WeakMap<Live, RecordedTeamsMessage>();
  async function send(text: string): Promise<{ activity: Json; conversationId: string }> {
    const activity = teamsMessageActivity({ text, serviceUrl: stack.teams.url, user, scope: "channel" });
    const res = await fetch(`${stack.hostUrl}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    return { activity, conversationId: String((activity["conversation"] as Json)["id"]) };
  }
  return {
    stack,
    async command(text) {
      const { activity, conversationId } = await send(text);
      const message = await stack.teams.waitFor((ms) => ms.find((m) => m.conversationId === conversationId && m.replyToId === activity["id"]));
      const handle: Live = { view: () => teamsView(message), firstView: () => teamsView(message.history[0] ?? message) };
      live.set(handle, message);
      return handle;
    },
    async press(handle, verb) {
      const message = live.get(handle)!;
      const button = cardButtons(cardOf(message)).find((b) => b.verb === verb)!;
      const invoke = teamsCardActionInvoke({ serviceUrl: stack.teams.url, user, scope: "channel", conversationId: message.conversationId, replyToId: message.id, verb, data: { verb, payloadId: button.payloadId } });
      const res = await fetch(`${stack.hostUrl}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(invoke) });
      expect(res.status).toBe(200);
      expect(JSON.parse(await res.text())).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    },
    async privateAnswer(text) {
      const before = stack.teams.messages.length;
      await send(text);
      // Teams has no ephemeral messages in a channel: the answer goes to the requester's 1:1 chat with the bot.
      const personal = (id: string) => stack.teams.conversations.some((c) => c.id === id && c.members.some((m) => m.id === teamsUserId(user.aadObjectId)));
      const answer = await stack.teams.waitFor((ms) => ms.slice(before).find((m) => personal(m.conversationId)), 15_000);
      return teamsView(answer);
    },
  };
}

// ─── The suite ─────────────────────────────────────────────────────────────────

const quiet = { info() {}, warn() {}, error() {} };
let stacks: LocalStack[] = [];
let slack: Outcome;
let teams: Outcome;

async function newStack(): Promise<LocalStack> {
  let id = 0;
  return startLocalStack({
    ports: { host: 0 },
    emulatorLroDelayInMs: 30,
    logger: quiet,
    env: { AML_LRO_POLL_MS: "20" },
    maxPollIntervalInMs: 100,
    // The same id sequence on both platforms: previews get the same ids, so buttons can be compared as they are.
    runtimeOverrides: { newId: () => `pending-${String(++id).padStart(4, "0")}` },
  });
}

/** One platform at a time: a local host serves the process-wide runtime (as a Functions worker does). */
async function run(driver: (stack: LocalStack) => ChatDriver): Promise<Outcome> {
  const stack = await newStack();
  stacks.push(stack);
  try {
    return await contract(driver(stack));
  } finally {
    await stack.close();
    stacks = stacks.filter((s) => s !== stack);
  }
}

beforeAll(async () => {
  slack = await run(slackDriver);
  teams = await run(teamsDriver);
}, 90_000);
afterAll(() => Promise.all(stacks.map((s) => s.close())));

describe("the same command on Slack and Teams", () => {
  it("previews the change with the same text and the same Apply / Cancel buttons", () => {
    expect(teams.preview.summary).toBe(slack.preview.summary);
    expect(teams.preview.words).toEqual(slack.preview.words);
    expect(teams.preview.buttons).toEqual(slack.preview.buttons);
    expect(slack.preview.buttons.map((b) => b.verb)).toEqual(["apply", "cancel"]);
  });

  it("shows the same result in place of the preview after Apply", () => {
    expect(teams.applied.summary).toBe(slack.applied.summary);
    expect(teams.applied.words).toEqual(slack.applied.words);
    expect(teams.applied.buttons).toEqual(slack.applied.buttons);
    expect(slack.applied.buttons).toEqual([{ verb: "revert", payloadId: "pending-0001" }]);
  });

  it("makes the same change in Azure ML, with the same ARM writes", () => {
    expect(slack.traffic).toEqual({ live: { blue: 80, green: 20 }, mirror: expect.anything() });
    expect(teams.traffic).toEqual(slack.traffic);
    expect(teams.armWrites).toEqual(slack.armWrites);
    expect(slack.armWrites.length).toBeGreaterThan(0);
  });

  it("writes the same audit records: verb, text, outcome, before → after", () => {
    expect(teams.audit).toEqual(slack.audit);
    expect(slack.audit.map((r) => `${r["verb"]}:${r["outcome"]}`)).toEqual(["traffic:previewed", "apply:ok", "traffic:invalid", "invoke:ok"]);
  });

  it("answers an invoke with the same status, deployment and model output (timings and request ids aside)", () => {
    // Latencies and the service's request id differ from run to run; everything else must match word for word.
    const stable = (view: Rendered): string[] => view.words.filter((w) => !/^\d+(\.\d+)?$|^ms\b|^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(w));
    expect(stable(teams.invoked)).toEqual(stable(slack.invoked));
    expect(slack.invoked.words).toEqual(expect.arrayContaining(["200", "green"]));
    expect(slack.invoked.summary).toContain("green");
  });

  it("acks a slow verb with the verb's own line, never the command's arguments or body, on both platforms", () => {
    for (const ack of [slack.invokeAck, teams.invokeAck]) {
      const text = [ack.summary, ...ack.words].join(" ");
      expect(text).toMatch(/^⏳ Invoking fraud-scorer/);
      for (const argument of ["--deployment", "data", "[[1,2,3", "{"]) expect(text).not.toContain(argument);
    }
    expect(teams.invokeAck).toEqual(slack.invokeAck);
  });

  it("answers a mistake privately with the same text (Slack: ephemeral; Teams: the 1:1 chat)", () => {
    expect(teams.refusal.summary).toBe(slack.refusal.summary);
    expect(teams.refusal.words).toEqual(slack.refusal.words);
  });
});
