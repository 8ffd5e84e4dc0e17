/**
 * The alert dispatcher on its ports: the in-memory bindings and ledger and a recording notifier (the real one is
 * covered end to end on the local stack). Events come from the published payloads' variants, parsed as in production.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { parseMonitorPayload } from "../../../adapters/azure-monitor/azure-monitor.bridge.js";
import { AlertDispatcher } from "../../../commands/alerts/alert-dispatcher.js";
import type { MonitorEvent } from "../../../commands/alerts/monitor-event.js";
import type { WorkspaceRef } from "../../../commands/domain/endpoint.js";
import { MemoryAlertBindings } from "../../../src/memory/memory.alert-bindings.js";
import { MemoryAlertLedger } from "../../../src/memory/memory.alert-ledger.js";
import { alertVariant, autoscaleVariant, DEMO, type ScaleVariant } from "../../helpers/azure-monitor-payloads.js";
import { textOf } from "../../helpers/core-harness.js";
import { recordingNotifier, type RecordingNotifier } from "../../helpers/recording-notifier.js";

const WORKSPACES: WorkspaceRef[] = [{ alias: "demo", ...DEMO }, { alias: "prod", subscriptionId: "sub-prod", resourceGroup: "rg-prod", workspace: "ml-prod" }];
const quiet = { info() {}, warn() {}, error() {} };
const SLACK = { platform: "slack", id: "C0ALERTS" } as const;
const TEAMS = { platform: "teams", id: "19:alerts@thread.tacv2" } as const;

function event(payload: Record<string, unknown>): MonitorEvent {
  const parsed = parseMonitorPayload(JSON.stringify(payload), new Date("2026-11-25T09:00:00Z"));
  if (!parsed.ok || parsed.events.length !== 1) throw new Error("expected one event");
  return parsed.events[0]!;
}

const step = (v: ScaleVariant): MonitorEvent => event(autoscaleVariant(v));

let bindings: MemoryAlertBindings;
let ledger: MemoryAlertLedger;
let notifier: RecordingNotifier;
let dispatcher: AlertDispatcher;

beforeEach(async () => {
  bindings = new MemoryAlertBindings();
  ledger = new MemoryAlertLedger();
  notifier = recordingNotifier();
  dispatcher = new AlertDispatcher({ bindings, ledger, notifier, workspaces: WORKSPACES, logger: quiet, burstWindowInMs: 10 * 60_000 });
  const boundAt = new Date("2026-11-24T00:00:00Z");
  await bindings.bind({ workspace: "demo", channel: SLACK, boundBy: "ops", boundAt });
  await bindings.bind({ workspace: "demo", channel: TEAMS, boundBy: "ops", boundAt });
  await bindings.bind({ workspace: "prod", channel: { platform: "slack", id: "C0PROD" }, boundBy: "ops", boundAt });
});

describe("routing", () => {
  it("posts to every channel bound to the event's workspace, and to no other", async () => {
    expect(await dispatcher.dispatch(step({}))).toEqual({ kind: "posted", channels: 2, unreachable: 0 });
    expect(notifier.calls.map((c) => c.channel.id)).toEqual(["C0ALERTS", "19:alerts@thread.tacv2"]);
    expect(textOf(notifier.calls[0]!.reply)).toContain("*blue* scaled out 2 → 4 (CPU > 70 % for 5 min)");
  });

  it("ignores a workspace that is not configured, or one no channel is bound to", async () => {
    const elsewhere = event({ ...autoscaleVariant(), context: { ...(autoscaleVariant()["context"] as object), resourceId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.MachineLearningServices/workspaces/z/onlineEndpoints/e/deployments/d" } });
    expect(await dispatcher.dispatch(elsewhere)).toEqual({ kind: "ignored", reason: "workspace z is not configured" });
    await bindings.unbind("demo", SLACK);
    await bindings.unbind("demo", TEAMS);
    expect(await dispatcher.dispatch(step({}))).toEqual({ kind: "ignored", reason: "no channel is bound to workspace demo" });
    expect(notifier.calls).toEqual([]);
  });

  it("counts a channel the bot cannot reach and still posts to the others", async () => {
    notifier.unreachable.add("slack:C0ALERTS");
    expect(await dispatcher.dispatch(step({}))).toEqual({ kind: "posted", channels: 2, unreachable: 1 });
    expect(notifier.inChannel("teams:19:alerts@thread.tacv2")).toHaveLength(1);
  });
});

describe("threads", () => {
  it("puts an endpoint's notifications of one UTC day in one thread, and the next day in another", async () => {
    await dispatcher.dispatch(step({ timestamp: "2026-11-25T07:31:00Z" }));
    await dispatcher.dispatch(event(alertVariant()));
    await dispatcher.dispatch(step({ timestamp: "2026-11-26T00:05:00Z", oldCapacity: "4", newCapacity: "2", operation: "Scale In" }));
    await dispatcher.dispatch(step({ endpoint: "churn-model", deployment: "main", timestamp: "2026-11-25T07:40:00Z" }));
    const slack = notifier.inChannel("slack:C0ALERTS");
    expect(slack.map((m) => m.threadKey)).toEqual([
      "alerts:demo:fraud-scorer:2026-11-25",
      "alerts:demo:fraud-scorer:2026-11-25",
      "alerts:demo:fraud-scorer:2026-11-26",
      "alerts:demo:churn-model:2026-11-25",
    ]);
    expect(slack[1]!.threadOf).toBe(slack[0]!.id);
    expect(slack[2]!.threadOf).toBeUndefined();
    expect(slack[3]!.threadOf).toBeUndefined();
  });
});

describe("bursts", () => {
  it("collapses a burst of scale steps of one endpoint into one message that is updated: blue 2 → 4 → 6", async () => {
    await dispatcher.dispatch(step({ timestamp: "2026-11-25T07:31:00Z", oldCapacity: "2", newCapacity: "4" }));
    await dispatcher.dispatch(step({ timestamp: "2026-11-25T07:36:00Z", oldCapacity: "4", newCapacity: "6" }));
    await dispatcher.dispatch(step({ timestamp: "2026-11-25T07:37:00Z", deployment: "green", oldCapacity: "1", newCapacity: "2" }));
    const slack = notifier.inChannel("slack:C0ALERTS");
    expect(slack).toHaveLength(1);
    expect(slack[0]!.versions).toHaveLength(3);
    const shown = textOf(slack[0]!.versions.at(-1)!);
    expect(shown).toContain("*blue* scaled out 2 → 4 → 6 (CPU > 70 % for 5 min)");
    expect(shown).toContain("*green* scaled out 1 → 2");
    expect(shown).toContain("3 steps, 07:31–07:37 UTC");
  });

  it("starts a new message when a step comes after the window", async () => {
    await dispatcher.dispatch(step({ timestamp: "2026-11-25T07:31:00Z" }));
    await dispatcher.dispatch(step({ timestamp: "2026-11-25T07:52:00Z", oldCapacity: "4", newCapacity: "2", operation: "Scale In" }));
    const slack = notifier.inChannel("slack:C0ALERTS");
    expect(slack).toHaveLength(2);
    expect(slack[1]!.updateKey).not.toBe(slack[0]!.updateKey);
    expect(slack[1]!.threadOf).toBe(slack[0]!.id);
    expect(textOf(slack[1]!.versions[0]!)).toContain("*blue* scaled in 4 → 2 (CPU < 30 % for 10 min)");
  });

  it("orders a late step into its burst by time", async () => {
    await dispatcher.dispatch(step({ timestamp: "2026-11-25T07:36:00Z", oldCapacity: "4", newCapacity: "6" }));
    await dispatcher.dispatch(step({ timestamp: "2026-11-25T07:31:00Z", oldCapacity: "2", newCapacity: "4" }));
    const [message] = notifier.inChannel("slack:C0ALERTS");
    expect(textOf(message!.versions.at(-1)!)).toContain("scaled out 2 → 4 → 6");
  });
});

describe("duplicates", () => {
  it("posts an event delivered twice once", async () => {
    expect(await dispatcher.dispatch(step({}))).toMatchObject({ kind: "posted" });
    expect(await dispatcher.dispatch(step({}))).toEqual({ kind: "duplicate" });
    expect(await dispatcher.dispatch(event(alertVariant()))).toMatchObject({ kind: "posted" });
    expect(await dispatcher.dispatch(event(alertVariant()))).toEqual({ kind: "duplicate" });
    expect(notifier.calls).toHaveLength(4);
  });

  it("releases an event whose posting failed, so the retry posts it (into the same message)", async () => {
    notifier.failNext(1);
    await expect(dispatcher.dispatch(step({}))).rejects.toThrow("chat API outage");
    expect(await dispatcher.dispatch(step({}))).toMatchObject({ kind: "posted" });
    const slack = notifier.inChannel("slack:C0ALERTS");
    expect(slack).toHaveLength(1);
    expect(textOf(slack[0]!.versions.at(-1)!)).toContain("scaled out 2 → 4");
    expect(textOf(slack[0]!.versions.at(-1)!)).not.toContain("→ 4 → 4");
  });

  it("posts Fired and Resolved of one alert as two messages in the thread", async () => {
    await dispatcher.dispatch(event(alertVariant()));
    await dispatcher.dispatch(event(alertVariant({ condition: "Resolved" })));
    const slack = notifier.inChannel("slack:C0ALERTS");
    expect(slack.map((m) => m.versions[0]!.title)).toEqual(["Alert: fraud-scorer latency P99", "Resolved: fraud-scorer latency P99"]);
    expect(slack[1]!.threadOf).toBe(slack[0]!.id);
  });
});
