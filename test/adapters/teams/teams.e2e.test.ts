/**
 * Teams end to end on the local stack `npm start` runs: activities posted over HTTP to the Functions host as the
 * Bot Framework would, the queue (Azurite) and job ledger, the real core against the AML emulator, and replies
 * through botbuilder's connector client to the connector stand-in, whose record is what Teams users would see.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RecordedTeamsMessage } from "../../../tools/local/teams-connector.stand-in.js";
import { LOCAL_FILE_CONFIG } from "../../../src/config/local-defaults.js";
import { startLocalStack, type LocalStack } from "../../../tools/local/local-stack.js";
import { MemoryAuditLog } from "../../../src/memory/memory.audit-log.js";
import { teamsCardActionInvoke, teamsMessageActivity, teamsUserId, type LocalTeamsScope, type LocalTeamsUser } from "../../../tools/local/teams-activities.js";
import { invokeOfLength } from "../../helpers/long-commands.js";
import { cardButtons, cardOf } from "../../helpers/teams-requests.js";

const OPERATOR: LocalTeamsUser = { aadObjectId: "0c0c0c0c-0000-4000-8000-00000000000c", name: "Olga Operator" };
const VIEWER: LocalTeamsUser = { aadObjectId: "0v0v0v0v-0000-4000-8000-00000000000v", name: "Vera Viewer" };

let stack: LocalStack;
/** In memory, so that a long command's text is kept whole (the Table audit log cuts texts at 16,000 characters). */
const audit = new MemoryAuditLog();
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "aml-teams-e2e-"));
  const configFile = join(dir, "config.json");
  const policy = { defaultRole: "viewer", bindings: [{ role: "operator", users: [`teams:${OPERATOR.aadObjectId}`] }] };
  await writeFile(configFile, JSON.stringify({ workspaces: LOCAL_FILE_CONFIG.workspaces, policy }));
  stack = await startLocalStack({
    ports: { host: 0 },
    emulatorLroDelayInMs: 30,
    logger: { info() {}, warn() {}, error() {} },
    env: { AML_CONFIG_FILE: configFile, AML_LRO_POLL_MS: "20" },
    maxPollIntervalInMs: 100,
    runtimeOverrides: { audit },
  });
}, 30_000);
afterAll(() => stack?.close());
beforeEach(() => stack.emulator.reset());

async function post(activity: Record<string, unknown>): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${stack.hostUrl}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
  return { status: res.status, body: await res.text(), ms: performance.now() - started };
}

async function say(text: string, user = OPERATOR, scope: LocalTeamsScope = "channel"): Promise<{ activity: Record<string, unknown>; conversationId: string; ack: RecordedTeamsMessage; ms: number }> {
  const activity = teamsMessageActivity({ text, serviceUrl: stack.teams.url, user, scope });
  const conversationId = String((activity["conversation"] as { id: string }).id);
  const res = await post(activity);
  expect(res.status).toBe(200);
  const ack = await stack.teams.waitFor((ms) => ms.find((m) => m.conversationId === conversationId && m.replyToId === activity["id"]), 5_000);
  return { activity, conversationId, ack, ms: res.ms };
}

const shows = (message: RecordedTeamsMessage | undefined, text: string): boolean => !!message && JSON.stringify(cardOf(message)).includes(text);

async function liveTraffic(): Promise<Record<string, number>> {
  const endpoint = await stack.runtime.app.deps.endpoints.getEndpoint(stack.runtime.app.deps.workspaces[0]!, "fraud-scorer");
  return { ...endpoint!.traffic };
}

describe("Teams on the local stack", () => {
  it("aml traffic … --yes in a channel: ⏳ card at once, job, Azure changed, the same message updated with the result", async () => {
    const { ack, ms } = await say("aml traffic fraud-scorer blue=80 green=20 --yes");
    expect(ms).toBeLessThan(3_000);
    expect(ack.via).toBe("reply");
    await stack.teams.waitFor(() => shows(ack, "Traffic change on fraud-scorer: done"), 15_000);
    expect(JSON.stringify(ack.history[0]!.attachments)).toContain("⏳ Shifting traffic on fraud-scorer…");
    expect(await liveTraffic()).toEqual({ blue: 80, green: 20 });
  });

  it("Apply: the click returns the refreshed card at once, and the job's result updates the original message", async () => {
    const { ack, conversationId } = await say("traffic fraud-scorer blue=50 green=50");
    await stack.teams.waitFor(() => cardButtons(cardOf(ack)).length > 0, 15_000);
    const apply = cardButtons(cardOf(ack)).find((b) => b.verb === "apply")!;
    expect(await liveTraffic()).toEqual({ blue: 100, green: 0 });
    const versions = ack.history.length;

    const invoke = teamsCardActionInvoke({ serviceUrl: stack.teams.url, user: OPERATOR, scope: "channel", conversationId, replyToId: ack.id, verb: "apply", data: { verb: "apply", payloadId: apply.payloadId } });
    const res = await post(invoke);
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3_000);
    const body = JSON.parse(res.body) as { statusCode: number; type: string; value: unknown };
    expect(body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(body.value)).toContain("⏳ Applying the change… (Olga Operator)");
    expect(JSON.stringify(body.value)).toContain("Traffic change on fraud-scorer");
    expect(cardButtons(body.value)).toEqual([]);

    await stack.teams.waitFor(() => shows(ack, "Traffic change on fraud-scorer: done"), 15_000);
    expect(ack.history.length).toBeGreaterThan(versions);
    // Apply and Cancel are gone; the applied change offers its Revert.
    expect(cardButtons(cardOf(ack)).map((b) => b.verb)).toEqual(["revert"]);
    expect(await liveTraffic()).toEqual({ blue: 50, green: 50 });
    expect(stack.teams.messages.filter((m) => m.conversationId === conversationId)).toHaveLength(1);
  });

  it("a viewer's click changes nothing: the card stays as it was and the refusal goes to the viewer's 1:1 chat", async () => {
    const { ack, conversationId } = await say("traffic fraud-scorer blue=60 green=40");
    await stack.teams.waitFor(() => cardButtons(cardOf(ack)).length > 0, 15_000);
    const buttons = cardButtons(cardOf(ack));
    const payloadId = buttons[0]!.payloadId;

    const invoke = teamsCardActionInvoke({ serviceUrl: stack.teams.url, user: VIEWER, scope: "channel", conversationId, replyToId: ack.id, verb: "apply", data: { verb: "apply", payloadId } });
    expect((await post(invoke)).status).toBe(200);
    const personal = await stack.teams.waitFor(() => stack.teams.conversations.find((c) => c.members.some((m) => m.id === teamsUserId(VIEWER.aadObjectId))), 15_000);
    const refusal = await stack.teams.waitFor((ms) => ms.find((m) => m.conversationId === personal.id && shows(m, "Not allowed")), 15_000);
    expect(JSON.stringify(cardOf(refusal))).toContain("operator");
    // The card was put back as it was (which also ends the viewer's own "⏳" view): same buttons, still live.
    await stack.teams.waitFor(() => ack.history.length >= 2 && cardButtons(cardOf(ack)).length === buttons.length, 5_000);
    expect(cardButtons(cardOf(ack))).toEqual(buttons);
    expect(await liveTraffic()).toEqual({ blue: 100, green: 0 });
    expect((await stack.runtime.app.deps.pending.get(payloadId))?.state).toBe("pending");
    const audit = await stack.runtime.app.deps.audit.list({ limit: 5 });
    expect(audit.find((r) => r.platform === "teams" && r.userId === VIEWER.aadObjectId)).toMatchObject({ verb: "apply", outcome: "denied" });
  });

  it("Cancel: the card says so for everyone and nothing changes in Azure", async () => {
    const { ack, conversationId } = await say("scale fraud-scorer green 3");
    await stack.teams.waitFor(() => cardButtons(cardOf(ack)).length > 0, 15_000);
    const cancel = cardButtons(cardOf(ack)).find((b) => b.verb === "cancel")!;
    const invoke = teamsCardActionInvoke({ serviceUrl: stack.teams.url, user: OPERATOR, scope: "channel", conversationId, replyToId: ack.id, verb: "cancel", data: { verb: "cancel", payloadId: cancel.payloadId } });
    const body = JSON.parse((await post(invoke)).body) as { value: unknown };
    expect(JSON.stringify(body.value)).toContain("⏳ Cancelling… (Olga Operator)");
    await stack.teams.waitFor(() => shows(ack, "Cancelled: scale on fraud-scorer"), 15_000);
    expect(cardButtons(cardOf(ack))).toEqual([]);
    expect(stack.emulator.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("in a personal chat the ack becomes the answer, without an @mention", async () => {
    const { ack } = await say("show fraud-scorer", OPERATOR, "personal");
    await stack.teams.waitFor(() => shows(ack, "Live traffic") && !shows(ack, "⏳"), 15_000);
    expect(JSON.stringify(cardOf(ack))).toContain("fraud-scorer");
  });
});

describe("long commands through Teams", () => {
  it.each([4_238, 20_000])("an invoke of %i characters reaches the core intact through the queue and is scored", async (length) => {
    const { text, rows } = invokeOfLength(length);
    const { ack } = await say(text, OPERATOR, "personal");
    await stack.teams.waitFor(() => shows(ack, "fraud-scorer → blue: 200 OK"), 15_000);
    // The core ran the command exactly as typed: every character, through the host, the queue and the worker.
    expect(audit.records.filter((r) => r.verb === "invoke" && r.platform === "teams").map((r) => r.text)).toContainEqual(text);
    expect(shows(ack, `of ${rows + 2} lines`)).toBe(true); // one prediction per row between brackets, cut for chat
  });

  it("a command too long for the queue is answered at once with its size, the limit and what to do; nothing runs", async () => {
    const { text } = invokeOfLength(60_000);
    const { ack } = await say(text, OPERATOR, "personal");
    const said = JSON.stringify(cardOf(ack));
    expect(said).toContain("Command too long");
    expect(said).toMatch(/This command is 60,000 characters: 5\d\.\d KiB once packed for the bot's worker, which takes at most 47\.0 KiB\. Nothing was done\./);
    expect(said).toContain("split a batch over several `aml invoke` calls");
    expect(said).not.toContain("could not read");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(audit.records.filter((r) => r.text === text)).toEqual([]);
    expect(stack.emulator.scoring.stats()).toEqual([]);
  });
});
