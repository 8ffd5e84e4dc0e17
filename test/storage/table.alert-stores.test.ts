/**
 * One contract for the alert bindings and the alert ledger, in Azure Tables (on a real Azurite) and in memory:
 * bindings per workspace; event claims as conditional inserts (a duplicate delivery is refused, a released or
 * expired claim can be taken again); burst writes conditional on the version read.
 */
import { describe, expect, it } from "vitest";
import { parseMonitorPayload } from "../../adapters/azure-monitor/azure-monitor.bridge.js";
import { AlertDispatcher } from "../../commands/alerts/alert-dispatcher.js";
import type { MonitorEvent } from "../../commands/alerts/monitor-event.js";
import type { ScaleBurst } from "../../commands/alerts/scale-burst.js";
import type { AlertBindings } from "../../commands/ports/alert-bindings.port.js";
import type { AlertLedger } from "../../commands/ports/alert-ledger.port.js";
import { MemoryAlertBindings } from "../../src/memory/memory.alert-bindings.js";
import { MemoryAlertLedger } from "../../src/memory/memory.alert-ledger.js";
import { TableAlertBindings } from "../../src/storage/table.alert-bindings.js";
import { TableAlertLedger } from "../../src/storage/table.alert-ledger.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";
import { autoscaleVariant, DEMO, type ScaleVariant } from "../helpers/azure-monitor-payloads.js";
import { textOf } from "../helpers/core-harness.js";
import { recordingNotifier } from "../helpers/recording-notifier.js";

const fixture = useAzurite();
const boundAt = new Date("2026-11-25T09:00:00Z");
const TEAMS_ID = "19:a/b#c?d@thread.tacv2";

async function table(prefix: string) {
  const name = uniqueTableName(prefix);
  await fixture.clients.ensure({ tables: [name] });
  return fixture.clients.table(name);
}

const bindingStores: [string, () => Promise<AlertBindings>][] = [
  ["TableAlertBindings (Azurite)", async () => new TableAlertBindings(await table("alertbind"))],
  ["MemoryAlertBindings", async () => new MemoryAlertBindings()],
];

describe.each(bindingStores)("%s", (_name, create) => {
  it("binds once, lists per workspace (sorted), unbinds once; Teams ids with characters Tables forbids round-trip", async () => {
    const store = await create();
    expect(await store.bind({ workspace: "demo", channel: { platform: "slack", id: "C2" }, boundBy: "ops", boundAt })).toBe(true);
    expect(await store.bind({ workspace: "demo", channel: { platform: "slack", id: "C2" }, boundBy: "someone else", boundAt })).toBe(false);
    await store.bind({ workspace: "demo", channel: { platform: "teams", id: TEAMS_ID }, boundBy: "ops", boundAt });
    await store.bind({ workspace: "demo", channel: { platform: "slack", id: "C1" }, boundBy: "ops", boundAt });
    await store.bind({ workspace: "prod", channel: { platform: "slack", id: "C1" }, boundBy: "ops", boundAt });
    expect((await store.list({ workspace: "demo" })).map((b) => `${b.channel.platform}:${b.channel.id}:${b.boundBy}`)).toEqual(["slack:C1:ops", "slack:C2:ops", `teams:${TEAMS_ID}:ops`]);
    expect((await store.list()).map((b) => b.workspace)).toEqual(["demo", "demo", "demo", "prod"]);
    expect((await store.list({ workspace: "prod" }))[0]).toEqual({ workspace: "prod", channel: { platform: "slack", id: "C1" }, boundBy: "ops", boundAt });
    expect(await store.unbind("demo", { platform: "teams", id: TEAMS_ID })).toBe(true);
    expect(await store.unbind("demo", { platform: "teams", id: TEAMS_ID })).toBe(false);
    expect(await store.list({ workspace: "demo" })).toHaveLength(2);
  });
});

const burst = (steps: number): ScaleBurst => ({
  id: "2026-11-25T07:31:00.000Z",
  workspace: "demo",
  endpoint: "fraud-scorer",
  startedAt: "2026-11-25T07:31:00.000Z",
  lastAt: "2026-11-25T07:31:00.000Z",
  steps: Array.from({ length: steps }, (_, i) => ({ deployment: "blue", direction: "out" as const, oldCapacity: 2 + i, newCapacity: 3 + i, at: "2026-11-25T07:31:00.000Z", dedupeKey: `k${i}` })),
  setting: "s",
});

const ledgers: [string, (clock: { now(): Date }) => Promise<AlertLedger>][] = [
  ["TableAlertLedger (Azurite)", async (clock) => new TableAlertLedger(await table("alertledger"), { clock, leaseInMs: 60_000 })],
  ["MemoryAlertLedger", async () => new MemoryAlertLedger()],
];

describe.each(ledgers)("%s", (_name, create) => {
  it("claims an event once; a released claim can be claimed again, a completed one never", async () => {
    const ledger = await create({ now: () => boundAt });
    expect(await ledger.claim("autoscale:abc")).toBe("claimed");
    expect(await ledger.claim("autoscale:abc")).toBe("duplicate");
    await ledger.release("autoscale:abc");
    expect(await ledger.claim("autoscale:abc")).toBe("claimed");
    await ledger.complete("autoscale:abc");
    await ledger.release("autoscale:abc");
    expect(await ledger.claim("autoscale:abc")).toBe("duplicate");
  });

  it("writes a burst only against the version it read", async () => {
    const ledger = await create({ now: () => boundAt });
    expect(await ledger.getBurst("demo", "fraud-scorer")).toBeUndefined();
    const v1 = await ledger.saveBurst(burst(1), undefined);
    expect(v1).toBeDefined();
    expect(await ledger.saveBurst(burst(1), undefined)).toBeUndefined();
    expect(await ledger.getBurst("DEMO", "Fraud-Scorer")).toEqual({ burst: burst(1), version: v1 });
    const v2 = await ledger.saveBurst(burst(2), v1);
    expect(v2).toBeDefined();
    expect(v2).not.toBe(v1);
    expect(await ledger.saveBurst(burst(3), v1)).toBeUndefined();
    expect((await ledger.getBurst("demo", "fraud-scorer"))?.burst.steps).toHaveLength(2);
  });
});

describe("TableAlertLedger (Azurite) leases", () => {
  // Only the Tables ledger has leases: the in-memory one lives and dies with its process, and so do its claims.
  it("lets a later delivery take over a claim whose holder died (lease expired)", async () => {
    let now = boundAt;
    const ledger = new TableAlertLedger(await table("alertledger"), { clock: { now: () => now }, leaseInMs: 60_000 });
    expect(await ledger.claim("alert:dead")).toBe("claimed");
    now = new Date(boundAt.getTime() + 30_000);
    expect(await ledger.claim("alert:dead")).toBe("duplicate");
    now = new Date(boundAt.getTime() + 61_000);
    expect(await ledger.claim("alert:dead")).toBe("claimed");
  });
});

describe("the dispatcher on the Tables ledger (Azurite)", () => {
  const step = (v: ScaleVariant): MonitorEvent => {
    const parsed = parseMonitorPayload(JSON.stringify(autoscaleVariant(v)), boundAt);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.events[0]!;
  };

  async function dispatcher() {
    const bindings = new MemoryAlertBindings();
    await bindings.bind({ workspace: "demo", channel: { platform: "slack", id: "C0ALERTS" }, boundBy: "ops", boundAt });
    const notifier = recordingNotifier();
    const ledger = new TableAlertLedger(await table("alertdispatch"));
    const quiet = { info() {}, warn() {}, error() {} };
    return { notifier, dispatcher: new AlertDispatcher({ bindings, ledger, notifier, workspaces: [{ alias: "demo", ...DEMO }], logger: quiet, burstWindowInMs: 600_000 }) };
  }

  it("posts one of two concurrent deliveries of an event (conditional insert)", async () => {
    const { notifier, dispatcher: d } = await dispatcher();
    const outcomes = await Promise.all([d.dispatch(step({})), d.dispatch(step({}))]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["duplicate", "posted"]);
    expect(notifier.calls).toHaveLength(1);
  });

  it("lands concurrent steps of one endpoint in the one message, the last version showing all of them", async () => {
    const { notifier, dispatcher: d } = await dispatcher();
    await Promise.all([
      d.dispatch(step({ timestamp: "2026-11-25T07:31:00Z", oldCapacity: "2", newCapacity: "4" })),
      d.dispatch(step({ timestamp: "2026-11-25T07:33:00Z", oldCapacity: "4", newCapacity: "6" })),
      d.dispatch(step({ timestamp: "2026-11-25T07:35:00Z", oldCapacity: "6", newCapacity: "8" })),
    ]);
    const messages = notifier.inChannel("slack:C0ALERTS");
    expect(messages).toHaveLength(1);
    expect(textOf(messages[0]!.versions.at(-1)!)).toContain("*blue* scaled out 2 → 4 → 6 → 8");
  });
});
