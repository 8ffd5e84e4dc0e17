/**
 * Quiet hours on the local stack: a workspace whose `events` rule makes now quiet gets nothing posted, and the
 * event's job finishes as deferred (the job ledger's summary: the runtime then queued a copy due at their end).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { LOCAL_EVENTS_SECRET } from "../../src/config/config.js";
import { LOCAL_FILE_CONFIG } from "../../src/config/local-defaults.js";
import { eventJobId } from "../../src/events/event-jobs.js";
import { TableJobLedger } from "../../src/storage/table.job-ledger.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";

const TOPIC = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo";
const hhmm = (d: Date): string => d.toISOString().slice(11, 16);

let stack: LocalStack;
beforeAll(async () => {
  const now = Date.now();
  // Quiet from an hour ago to two hours ahead (UTC), wrapping midnight when it must.
  const quietHours = { from: hhmm(new Date(now - 3_600_000)), to: hhmm(new Date(now + 7_200_000)), timeZone: "UTC" };
  const config = { ...LOCAL_FILE_CONFIG, events: [{ workspace: "demo", runs: true, quietHours }] };
  stack = await startLocalStack({ ports: { host: 0 }, logger: { info() {}, warn() {}, error() {} }, env: { AML_CONFIG_JSON: JSON.stringify(config) }, maxPollIntervalInMs: 100 });
  await stack.runtime.app.deps.alertBindings.bind({ workspace: "demo", channel: { platform: "slack", id: "C0QUIET" }, boundBy: "test", boundAt: new Date() });
}, 30_000);
afterAll(() => stack?.close());

it("holds a run event back in quiet hours: no post, its job deferred to their end", async () => {
  const event = { id: "run-quiet-1", topic: TOPIC, subject: "experiments/x/runs/r1", eventType: "Microsoft.MachineLearningServices.RunCompleted", eventTime: new Date().toISOString(), data: { RunId: "r1", ExperimentName: "fraud-weekly" }, dataVersion: "", metadataVersion: "1" };
  const res = await fetch(`${stack.hostUrl}/api/events?code=${LOCAL_EVENTS_SECRET}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([event]) });
  expect(await res.json()).toEqual({ queued: 1, ignored: 0 });
  const ledger = new TableJobLedger(stack.runtime.storage.table(stack.runtime.names.jobLedgerTable));
  const id = eventJobId({ id: event.id, resource: { subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "ml-rg", workspace: "demo" } });
  await expect.poll(async () => (await ledger.get(id))?.resultSummary, { timeout: 15_000 }).toBe("workspace event deferred");
  expect(stack.slack.messages.filter((m) => m.channel === "C0QUIET")).toEqual([]);
}, 30_000);
