/**
 * Slack end to end, on loopback: signed requests → `handleHttp` → Azure Storage queue (Azurite) → poller with the
 * real job ledger → `handleJob` → the real core (createApp) → ARM calls to the AML emulator → response URLs of the
 * Slack stand-in, whose conversation is what a user would see.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SlackAdapter } from "../../../adapters/slack/slack.adapter.js";
import type { ChatJobSink } from "../../../adapters/chat-job.js";
import type { App } from "../../../src/compose.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../../../tools/emulator/aml-emulator.js";
import { startSlackApiStandIn, type RecordedSlackMessage, type SlackApiStandIn } from "../../../tools/local/slack-api.stand-in.js";
import { TableAuditLog } from "../../../src/storage/table.audit-log.js";
import { TableChannelSettings } from "../../../src/storage/table.channel-settings.js";
import { TablePendingChanges } from "../../../src/storage/table.pending-changes.js";
import { uniqueTableName, useAzurite } from "../../helpers/azurite.js";
import { buttonClick, interactionBody, signedRequest, slashCommandBody } from "../../helpers/slack-requests.js";
import { createTestApp, createTestSlackAdapter, startJobPipeline } from "../../helpers/slack-stack.js";

const storage = useAzurite();
let emulator: RunningAmlEmulator;
let slack: SlackApiStandIn;
const ackTimes: number[] = [];

beforeAll(async () => {
  [emulator, slack] = await Promise.all([startAmlEmulator({ lroDelayInMs: 30, tlsCacheDir: false }), startSlackApiStandIn()]);
});
afterAll(async () => {
  await Promise.all([emulator?.close(), slack?.close()]);
  console.info(`slack ack latency (handleHttp, ms): ${ackTimes.map((t) => t.toFixed(1)).join(", ")}`);
});

const CHANNEL = "C0MLOPS";
const OPERATOR = { id: "U2147483697", name: "steve" };
const VIEWER = { id: "U0VIEWER", name: "vera" };
let app: App;
let pipeline: Awaited<ReturnType<typeof startJobPipeline>>;
let adapter: SlackAdapter;
let enqueuedAt: number[];
let seq = 0;

async function newStack(): Promise<{ app: App; adapter: SlackAdapter; sink: ChatJobSink }> {
  const [audit, pending, channels] = [uniqueTableName("audit"), uniqueTableName("pending"), uniqueTableName("channels")];
  await storage.clients.ensure({ tables: [audit, pending, channels] });
  const c = storage.clients;
  const a = createTestApp({
    armUrl: emulator.url,
    ca: emulator.ca,
    overrides: { audit: new TableAuditLog(c.table(audit)), pending: new TablePendingChanges(c.table(pending)), channels: new TableChannelSettings(c.table(channels)) },
  });
  const sink: ChatJobSink = { enqueue: async (job) => (enqueuedAt.push(Date.now()), pipeline.sink.enqueue(job)) };
  return { app: a, sink, adapter: createTestSlackAdapter({ app: a, slack, jobs: sink }) };
}

beforeEach(async () => {
  emulator.reset();
  enqueuedAt = [];
  pipeline = await startJobPipeline(storage.clients, (job) => adapter.handleJob(job));
  ({ app, adapter } = await newStack());
});
afterEach(async () => {
  await pipeline.stop();
});

async function slashCommand(text: string, user = OPERATOR, via: SlackAdapter = adapter, triggerId = `trig-${++seq}`) {
  const responseUrl = slack.responseUrl(`cmd-${triggerId}`, { channel: CHANNEL, user: user.id });
  const body = slashCommandBody({ command: "/aml", text, user_id: user.id, user_name: user.name, channel_id: CHANNEL, team_id: "T0LOCAL", response_url: responseUrl, trigger_id: triggerId });
  const started = performance.now();
  const res = await via.handleHttp(signedRequest(body));
  const ackMs = performance.now() - started;
  ackTimes.push(ackMs);
  // Slack shows the immediate answer as the first message of this response URL.
  const ack = slack.recordAck(responseUrl, res.body);
  return { res, ackMs, ack, body };
}

async function click(message: RecordedSlackMessage, verb: string, user = OPERATOR) {
  const button = buttons(message).find((b) => b.action_id === verb);
  if (!button) throw new Error(`no ${verb} button on the message`);
  const id = `click-${++seq}`;
  const responseUrl = slack.responseUrl(id, { channel: CHANNEL, user: user.id, original: message.ts });
  const payload = buttonClick({ actionId: verb, value: button.value, userId: user.id, userName: user.name, channelId: CHANNEL, responseUrl, messageTs: message.ts, triggerId: `trig-${id}` });
  const started = performance.now();
  const res = await adapter.handleHttp(signedRequest(interactionBody(payload)));
  ackTimes.push(performance.now() - started);
  return res;
}

function buttons(message: RecordedSlackMessage): { action_id: string; value: string }[] {
  return (message.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).flatMap((b) => (b.type === "actions" ? (b.elements ?? []) : []));
}

const shows = (message: RecordedSlackMessage | undefined, text: string): boolean => !!message && !message.deleted && JSON.stringify([message.text, message.blocks]).includes(text);

async function liveTraffic(): Promise<Record<string, number>> {
  const endpoint = await app.deps.endpoints.getEndpoint(app.deps.workspaces[0]!, "fraud-scorer");
  return { ...endpoint!.traffic };
}

describe("Slack on the Functions path, end to end", () => {
  it("/aml traffic … --yes: fast in-channel ack, job, Azure changed, the ack replaced by the result", async () => {
    const { res, ackMs, ack } = await slashCommand("traffic fraud-scorer blue=80 green=20 --yes");
    expect(res.status).toBe(200);
    expect(ackMs).toBeLessThan(1_000);
    expect(ack).toMatchObject({ visibility: "in_channel", text: "⏳ Shifting traffic on fraud-scorer…" });

    await slack.waitFor(() => shows(ack, "Traffic change on fraud-scorer: done"), 15_000);
    expect(await liveTraffic()).toEqual({ blue: 80, green: 20 });
    expect(ack!.visibility).toBe("in_channel");
    expect(ack!.history[0]!.text).toBe("⏳ Shifting traffic on fraud-scorer…");
    // No ARM request before the job was handed off: the ack did no Azure work.
    const firstArm = emulator.requests.find((r) => r.path.includes("onlineEndpoints"));
    expect(Date.parse(firstArm!.at)).toBeGreaterThanOrEqual(enqueuedAt[0]! - 5);
    expect(pipeline.runs).toHaveLength(1);
  });

  it("Apply button: preview replaces the ack, the click applies it and replaces the preview", async () => {
    const { ack } = await slashCommand("traffic fraud-scorer blue=50 green=50");
    await slack.waitFor(() => buttons(ack!).length === 2, 15_000);
    expect(ack!.visibility).toBe("in_channel");
    expect(await liveTraffic()).toEqual({ blue: 100, green: 0 });

    const res = await click(ack!, "apply");
    expect(res).toEqual({ status: 200, body: "" });
    await slack.waitFor(() => shows(ack, "Traffic change on fraud-scorer: done"), 15_000);
    // Apply and Cancel are gone; the applied change offers its Revert.
    expect(buttons(ack!).map((b) => b.action_id)).toEqual(["revert"]);
    expect(await liveTraffic()).toEqual({ blue: 50, green: 50 });
  });

  it("a user without the role clicking Apply changes nothing and is told so privately", async () => {
    const { ack } = await slashCommand("traffic fraud-scorer blue=60 green=40");
    await slack.waitFor(() => buttons(ack!).length === 2, 15_000);
    const versions = ack!.history.length;
    const pendingId = buttons(ack!)[0]!.value;

    await click(ack!, "apply", VIEWER);
    const note = await slack.waitFor((ms) => ms.find((m) => m.user === VIEWER.id && shows(m, "Not allowed")), 15_000);
    expect(note.visibility).toBe("ephemeral");
    expect(ack!.history.length).toBe(versions);
    expect(buttons(ack!)).toHaveLength(2);
    expect(await liveTraffic()).toEqual({ blue: 100, green: 0 });
    expect((await app.deps.pending.get(pendingId))?.state).toBe("pending");
  });

  it("an ARM failure ends in a clear message, without a stack trace, and the channel keeps no ⏳", async () => {
    emulator.faults.failOperations({ name: "fraud-scorer", action: "update" });
    const { ack } = await slashCommand("traffic fraud-scorer blue=30 green=70 --yes");
    const failure = await slack.waitFor((ms) => ms.find((m) => m.user === OPERATOR.id && m.visibility === "ephemeral" && shows(m, "The change failed in Azure ML")), 15_000);
    const text = JSON.stringify(failure.blocks);
    expect(text).toContain("InternalServerError");
    expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
    expect(text).not.toMatch(/xox[bp]-|Bearer/);
    // Either the ack was removed, or (progress had shown in the channel) it now states the outcome.
    expect(ack!.deleted || (shows(ack, "The change failed in Azure ML") && !shows(ack, "⏳"))).toBe(true);
    expect(await liveTraffic()).toEqual({ blue: 100, green: 0 });
  });

  it("a redelivered command reaching two instances is queued twice under one id and runs once", async () => {
    const second = await newStack();
    const { ack, body } = await slashCommand("traffic fraud-scorer blue=70 green=30 --yes", OPERATOR, adapter, "trig-retry");
    const retry = await second.adapter.handleHttp(signedRequest(body, { headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } }));
    expect(retry.status).toBe(200);
    expect(enqueuedAt).toHaveLength(2);
    await slack.waitFor(() => shows(ack, "Traffic change on fraud-scorer: done"), 15_000);
    await slack.waitFor(() => pipeline.runs.length + pipeline.skipped.length === 2 || undefined, 15_000);
    expect(pipeline.runs).toEqual(["slack:T0LOCAL:trig-retry"]);
    expect(pipeline.skipped).toHaveLength(1);
    expect(await liveTraffic()).toEqual({ blue: 70, green: 30 });
  });

  it("roles bound to a Slack usergroup work: the worker resolves the groups", async () => {
    slack.setUsergroups([{ id: "S0OPS", handle: "ml-ops", users: ["U0GROUPOPS"] }]);
    const { ack } = await slashCommand("traffic fraud-scorer blue=90 green=10 --yes", { id: "U0GROUPOPS", name: "grace" });
    await slack.waitFor(() => shows(ack, "Traffic change on fraud-scorer: done"), 15_000);
    expect(await liveTraffic()).toEqual({ blue: 90, green: 10 });
  });
});
