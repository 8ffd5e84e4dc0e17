/**
 * `aml invoke` from Slack, end to end on loopback: a signed slash command → `handleHttp` (in-channel ack) →
 * Azure Storage queue (Azurite) → poller with the real job ledger → `handleJob` → the real core → ARM
 * `listKeys` and the scoring URI of the AML emulator → the ack replaced by the answer in the Slack stand-in.
 * Samples live in the real Table store. No message the channel sees, and no log line, holds a key or token.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SlackAdapter } from "../../../adapters/slack/slack.adapter.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../../../tools/emulator/aml-emulator.js";
import { startSlackApiStandIn, type RecordedSlackMessage, type SlackApiStandIn } from "../../../tools/local/slack-api.stand-in.js";
import { MemoryAuditLog } from "../../../src/memory/memory.audit-log.js";
import { TableSampleStore } from "../../../src/storage/table.samples.js";
import { ArmTestClient } from "../../emulator/helpers/arm-http.js";
import { uniqueTableName, useAzurite } from "../../helpers/azurite.js";
import { invokeOfLength } from "../../helpers/long-commands.js";
import { capturingLogger, JWT_PATTERN, SKLEARN_JSON } from "../../helpers/scoring-harness.js";
import { signedRequest, slashCommandBody } from "../../helpers/slack-requests.js";
import { createTestApp, createTestSlackAdapter, startJobPipeline } from "../../helpers/slack-stack.js";

const storage = useAzurite();
let emulator: RunningAmlEmulator;
let slack: SlackApiStandIn;
let pipeline: Awaited<ReturnType<typeof startJobPipeline>>;
let adapter: SlackAdapter;
let audit: MemoryAuditLog;
const logs: string[] = [];

const CHANNEL = "C0MLOPS";
const OPERATOR = { id: "U2147483697", name: "steve" };
const VIEWER = { id: "U0VIEWER", name: "vera" };
let seq = 0;

beforeAll(async () => {
  [emulator, slack] = await Promise.all([startAmlEmulator({ lroDelayInMs: 30, tlsCacheDir: false }), startSlackApiStandIn()]);
});
afterAll(async () => {
  // Every message the stand-in recorded, every version of it, and every log line: no key, no token.
  const arm = new ArmTestClient(emulator);
  const keys = (await arm.post(`${arm.endpointPath("fraud-scorer")}/listKeys`)).json;
  const everything = JSON.stringify([slack.messages.map((m) => [m.text, m.blocks, m.history]), slack.calls, logs]);
  expect(everything).not.toContain(keys.primaryKey);
  expect(everything).not.toContain(keys.secondaryKey);
  expect(everything).not.toMatch(JWT_PATTERN);
  await Promise.all([emulator?.close(), slack?.close()]);
});

beforeEach(async () => {
  emulator.reset();
  const samples = uniqueTableName("samples");
  await storage.clients.ensure({ tables: [samples] });
  audit = new MemoryAuditLog();
  const app = createTestApp({ armUrl: emulator.url, ca: emulator.ca, overrides: { samples: new TableSampleStore(storage.clients.table(samples)), logger: capturingLogger(logs), audit } });
  pipeline = await startJobPipeline(storage.clients, (job) => adapter.handleJob(job));
  adapter = createTestSlackAdapter({ app, slack, jobs: pipeline.sink });
});
afterEach(async () => {
  await pipeline.stop();
});

async function slashCommand(text: string, user = OPERATOR) {
  const triggerId = `trig-invoke-${++seq}`;
  const responseUrl = slack.responseUrl(`cmd-${triggerId}`, { channel: CHANNEL, user: user.id });
  const body = slashCommandBody({ command: "/aml", text, user_id: user.id, user_name: user.name, channel_id: CHANNEL, team_id: "T0LOCAL", response_url: responseUrl, trigger_id: triggerId });
  const res = await adapter.handleHttp(signedRequest(body));
  return { res, ack: slack.recordAck(responseUrl, res.body) };
}

const shows = (message: RecordedSlackMessage | undefined, text: string): boolean => !!message && !message.deleted && JSON.stringify([message.text, message.blocks]).includes(text);

describe("aml invoke through Slack", () => {
  it("acks in the channel at once, then replaces the ack with the status, the deployment and the answer", async () => {
    const { res, ack } = await slashCommand(`invoke fraud-scorer ${SKLEARN_JSON}`);
    expect(res.status).toBe(200);
    expect(ack).toMatchObject({ visibility: "in_channel", text: "⏳ Invoking fraud-scorer…" });
    await slack.waitFor(() => shows(ack, "fraud-scorer → blue: 200 OK"), 15_000);
    expect(shows(ack, "blue (live traffic)")).toBe(true);
    expect(shows(ack, "2.03")).toBe(true);
    expect(emulator.scoring.stats().find((s) => s.deployment === "blue")?.live).toBe(1);
  });

  it("a sample saved from Slack is sent as @name, compared across blue and green", async () => {
    const { ack: saved } = await slashCommand(`sample save fraud-scorer small ${SKLEARN_JSON}`);
    await slack.waitFor(() => shows(saved, "Sample @small saved for fraud-scorer"), 15_000);
    const { ack } = await slashCommand("invoke fraud-scorer @small --compare blue,green");
    expect(ack).toMatchObject({ text: "⏳ Comparing blue and green…" });
    await slack.waitFor(() => shows(ack, "Compare on fraud-scorer: blue vs green"), 15_000);
    expect(shows(ack, "2 differences")).toBe(true);
    expect(emulator.scoring.stats().map((s) => [s.deployment, s.pinned])).toEqual([["blue", 1], ["green", 1]]);
  });

  it("a viewer is told privately, and nothing is scored", async () => {
    // Slack roles may come from usergroups, which the worker resolves: the denial comes from the job.
    await slashCommand(`invoke fraud-scorer ${SKLEARN_JSON}`, VIEWER);
    const note = await slack.waitFor((ms) => ms.find((m) => m.user === VIEWER.id && shows(m, "Not allowed")), 15_000);
    expect(note.visibility).toBe("ephemeral");
    expect(emulator.scoring.stats()).toEqual([]);
  });
});

describe("long commands through Slack", () => {
  it.each([4_238, 20_000])("an invoke of %i characters reaches the core intact through the queue and is scored", async (length) => {
    const { text, rows } = invokeOfLength(length);
    const { res, ack } = await slashCommand(text);
    expect(res.status).toBe(200);
    expect(ack).toMatchObject({ visibility: "in_channel", text: "⏳ Invoking fraud-scorer…" });
    await slack.waitFor(() => shows(ack, "fraud-scorer → blue: 200 OK"), 15_000);
    // The core ran the command exactly as typed: every character, through the signature, the queue and the worker.
    expect(audit.records.filter((r) => r.verb === "invoke").map((r) => r.text)).toEqual([text]);
    expect(shows(ack, `of ${rows + 2} lines`)).toBe(true); // the answer: one prediction per row between brackets, cut for chat
    expect(pipeline.runs).toHaveLength(1);
  });

  it("a command too long for the queue is answered at once with its size, the limit and what to do; nothing runs", async () => {
    const { text } = invokeOfLength(60_000);
    const { res, ack } = await slashCommand(text);
    expect(res.status).toBe(200);
    expect(ack).toMatchObject({ visibility: "ephemeral" });
    const said = JSON.stringify([ack?.text, ack?.blocks]);
    expect(said).toContain("Command too long");
    expect(said).toMatch(/This command is 60,000 characters: 5\d\.\d KiB once packed for the bot's worker, which takes at most 47\.0 KiB\. Nothing was done\./);
    expect(said).toContain("split a batch over several `aml invoke` calls");
    expect(said).toContain("`aml curl` with the endpoint's name prints a curl command");
    expect(said).not.toContain("could not read");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pipeline.runs).toEqual([]);
    expect(audit.records).toEqual([]);
    expect(emulator.scoring.stats()).toEqual([]);
  });
});
