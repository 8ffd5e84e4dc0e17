/**
 * Run events end to end on the local stack (issue 16 §2): off unless a workspace's `events` rule turns them on; on,
 * each run is one line in the workspace's thread of the day, through /api/events, the queue and the notifier.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { LOCAL_EVENTS_SECRET } from "../../src/config/config.js";
import { LOCAL_FILE_CONFIG } from "../../src/config/local-defaults.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";

const TOPIC = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo";
const CHANNEL = "C0RUNS";

let stack: LocalStack;
beforeAll(async () => {
  const config = { ...LOCAL_FILE_CONFIG, events: [{ workspace: "demo", runs: true }] };
  stack = await startLocalStack({ ports: { host: 0 }, logger: { info() {}, warn() {}, error() {} }, env: { AML_CONFIG_JSON: JSON.stringify(config) }, maxPollIntervalInMs: 100 });
  await stack.runtime.app.deps.alertBindings.bind({ workspace: "demo", channel: { platform: "slack", id: CHANNEL }, boundBy: "test", boundAt: new Date() });
}, 30_000);
afterAll(() => stack?.close());

function runEvent(id: string, runId: string, type: "RunCompleted" | "RunStatusChanged", data: Record<string, unknown> = {}) {
  return { id, topic: TOPIC, subject: `experiments/x/runs/${runId}`, eventType: `Microsoft.MachineLearningServices.${type}`, eventTime: new Date().toISOString(), data: { RunId: runId, ExperimentName: "fraud-weekly", ...data }, dataVersion: "", metadataVersion: "1" };
}

it("posts a line per run, in one thread for the workspace's day, when the workspace's rule turns runs on", async () => {
  const post = async (events: unknown[]) =>
    (await fetch(`${stack.hostUrl}/api/events?code=${LOCAL_EVENTS_SECRET}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(events) })).json();
  expect(await post([runEvent("run-on-1", "r1", "RunCompleted")])).toEqual({ queued: 1, ignored: 0 });
  await expect.poll(() => stack.slack.messages.filter((m) => m.channel === CHANNEL).length, { timeout: 15_000 }).toBe(1);
  expect(await post([runEvent("run-on-2", "r2", "RunStatusChanged", { RunStatus: "Failed" })])).toEqual({ queued: 1, ignored: 0 });
  await expect.poll(() => stack.slack.messages.filter((m) => m.channel === CHANNEL).length, { timeout: 15_000 }).toBe(2);
  const [first, second] = stack.slack.messages.filter((m) => m.channel === CHANNEL);
  expect(first!.text).toContain("Run `r1` of fraud-weekly completed");
  expect(second!.text).toContain("Run `r2` of fraud-weekly is Failed");
  // The second is a reply in the thread the first started.
  expect(second!.threadTs).toBe(first!.ts);
}, 40_000);
