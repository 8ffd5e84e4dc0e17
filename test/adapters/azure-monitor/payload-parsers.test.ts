/**
 * The Azure Monitor payloads as published (the autoscale webhook and the common alert schema), and their
 * documented variants, into neutral events: what is read, what is derived when missing, and the dedupe keys.
 */
import { describe, expect, it } from "vitest";
import { parseMonitorPayload } from "../../../adapters/azure-monitor/azure-monitor.bridge.js";
import { parseEndpointResourceId } from "../../../adapters/azure-monitor/arm-resource.js";
import type { AlertEvent, AutoscaleEvent, MonitorEvent } from "../../../commands/alerts/monitor-event.js";
import { alertVariant, autoscaleVariant, endpointId, publishedAlertText, publishedAutoscaleText, type ScaleVariant } from "../../helpers/azure-monitor-payloads.js";

const RECEIVED = new Date("2026-11-25T09:00:00Z");

function events(body: string): readonly MonitorEvent[] {
  const parsed = parseMonitorPayload(body, RECEIVED);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.events;
}

function scale(variant: ScaleVariant = {}): AutoscaleEvent {
  const [event] = events(JSON.stringify(autoscaleVariant(variant)));
  expect(event?.kind).toBe("autoscale");
  return event as AutoscaleEvent;
}

describe("the published payloads, as they are", () => {
  it("accepts the published autoscale webhook and ignores it: its target is a classic cloud service role", () => {
    const parsed = parseMonitorPayload(publishedAutoscaleText(), RECEIVED);
    expect(parsed).toEqual({ ok: true, events: [], ignored: "not an Azure ML online deployment (microsoft.classiccompute/domainnames/slots/roles)" });
  });

  it("accepts the published metric alert (Resolved, on a VM) and ignores it: no Azure ML target", () => {
    const parsed = parseMonitorPayload(publishedAlertText(), RECEIVED);
    expect(parsed).toEqual({ ok: true, events: [], ignored: "no Azure ML online endpoint among the alert's targets" });
  });
});

describe("autoscale webhook", () => {
  it("reads an AML deployment's scale out: target, string capacities, reason from the webhook properties, time", () => {
    expect(scale()).toMatchObject({
      kind: "autoscale",
      resource: { subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "ml-rg", workspace: "demo", endpoint: "fraud-scorer", deployment: "blue" },
      direction: "out",
      oldCapacity: 2,
      newCapacity: 4,
      reason: "CPU > 70 % for 5 min",
      at: new Date("2026-11-25T07:31:04.583Z"),
      setting: "fraud-scorer-blue-autoscale",
    });
  });

  it("takes capacities as numbers too, and Scale In with its own reason", () => {
    expect(scale({ operation: "Scale In", oldCapacity: 4, newCapacity: 2 })).toMatchObject({ direction: "in", oldCapacity: 4, newCapacity: 2, reason: "CPU < 30 % for 10 min" });
  });

  it("reads the capacities from the details when the fields are missing", () => {
    const event = scale({ oldCapacity: "3", newCapacity: "5", drop: ["oldCapacity", "newCapacity"] });
    expect(event).toMatchObject({ oldCapacity: 3, newCapacity: 5 });
  });

  it("leaves capacities out when nothing says them, and still knows the direction from the operation", () => {
    const event = scale({ drop: ["oldCapacity", "newCapacity", "details"] });
    expect(event.oldCapacity).toBeUndefined();
    expect(event.newCapacity).toBeUndefined();
    expect(event.direction).toBe("out");
  });

  it("derives the direction from the capacities when the operation is missing", () => {
    expect(scale({ operation: null, oldCapacity: "6", newCapacity: "3" }).direction).toBe("in");
  });

  it("finds the deployment from the portal link, or from resourceType and resourceName, when resourceId is missing", () => {
    expect(scale({ drop: ["resourceId"] }).resource).toMatchObject({ endpoint: "fraud-scorer", deployment: "blue" });
    expect(scale({ drop: ["resourceId", "portalLink"] }).resource).toMatchObject({ workspace: "demo", endpoint: "fraud-scorer", deployment: "blue" });
  });

  it("posts without a reason when the webhook has no properties", () => {
    expect(scale({ properties: null }).reason).toBeUndefined();
  });

  it("keys an event by what it is: the same delivery twice gives one key, another step another", () => {
    expect(scale().dedupeKey).toBe(scale().dedupeKey);
    expect(scale({ timestamp: "2026-11-25T07:36:04Z", oldCapacity: "4", newCapacity: "6" }).dedupeKey).not.toBe(scale().dedupeKey);
  });

  it("falls back to the receipt time and a key of the body when the timestamp is missing", () => {
    const event = scale({ drop: ["timestamp"] });
    expect(event.at).toEqual(RECEIVED);
    expect(event.dedupeKey).toBe(scale({ drop: ["timestamp"] }).dedupeKey);
    expect(event.dedupeKey).toMatch(/^autoscale-body:/);
  });

  it("refuses an autoscale payload that says neither the operation nor the capacities", () => {
    const parsed = parseMonitorPayload(JSON.stringify(autoscaleVariant({ operation: null, drop: ["oldCapacity", "newCapacity", "details"] })), RECEIVED);
    expect(parsed).toEqual({ ok: false, problem: "autoscale payload without a Scale Out / Scale In operation or capacities" });
  });
});

describe("common alert schema", () => {
  function alert(variant: Parameters<typeof alertVariant>[0] = {}): AlertEvent {
    const [event] = events(JSON.stringify(alertVariant(variant)));
    expect(event?.kind).toBe("alert");
    return event as AlertEvent;
  }

  it("reads a fired latency alert on an endpoint, with the deployment from its dimension and the threshold given as a string", () => {
    expect(alert()).toMatchObject({
      kind: "alert",
      resource: { workspace: "demo", endpoint: "fraud-scorer", deployment: "blue" },
      rule: "fraud-scorer latency P99",
      state: "fired",
      severity: "Sev2",
      conditions: [{ metric: "RequestLatency_P99", value: 412.3, operator: "GreaterThan", threshold: 300, timeAggregation: "Average", windowSize: "PT5M" }],
      at: new Date("2026-11-25T08:10:00Z"),
      firedAt: new Date("2026-11-25T08:10:00Z"),
    });
  });

  it("reads a Resolved alert at its resolution time, as another event than the Fired one", () => {
    const resolved = alert({ condition: "Resolved" });
    expect(resolved).toMatchObject({ state: "resolved", at: new Date("2026-11-25T08:25:00Z") });
    expect(resolved.dedupeKey).not.toBe(alert().dedupeKey);
    expect(alert().dedupeKey).toBe(alert().dedupeKey);
  });

  it("takes the deployment from a deployment target (CPU on the deployment itself)", () => {
    const event = alert({ targetId: endpointId("fraud-scorer", "green"), metricName: "CpuUtilizationPercentage", metricValue: 83.4, threshold: "70", deploymentDimension: "" });
    expect(event.resource).toMatchObject({ endpoint: "fraud-scorer", deployment: "green" });
    expect(event.conditions[0]).toMatchObject({ metric: "CpuUtilizationPercentage", value: 83.4, threshold: 70 });
  });

  it("refuses another schema and an unknown monitor condition", () => {
    expect(parseMonitorPayload(JSON.stringify({ schemaId: "Microsoft.Insights/activityLogs", data: {} }), RECEIVED)).toMatchObject({ ok: false });
    const odd = alertVariant();
    (odd["data"] as { essentials: Record<string, unknown> }).essentials["monitorCondition"] = "Acknowledged";
    expect(parseMonitorPayload(JSON.stringify(odd), RECEIVED)).toEqual({ ok: false, problem: 'unknown monitorCondition "Acknowledged"' });
  });

  it("refuses what is not JSON or neither kind", () => {
    expect(parseMonitorPayload("not json", RECEIVED)).toEqual({ ok: false, problem: "the body is not JSON" });
    expect(parseMonitorPayload("[1,2]", RECEIVED)).toMatchObject({ ok: false });
  });
});

describe("ARM resource ids", () => {
  it("reads endpoints and deployments in any case, and nothing else", () => {
    expect(parseEndpointResourceId(endpointId("fraud-scorer", "blue").toLowerCase())).toEqual({ subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "ml-rg", workspace: "demo", endpoint: "fraud-scorer", deployment: "blue" });
    expect(parseEndpointResourceId(endpointId("fraud-scorer"))).toEqual({ subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "ml-rg", workspace: "demo", endpoint: "fraud-scorer" });
    expect(parseEndpointResourceId("/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Web/serverfarms/plan")).toBeUndefined();
  });
});
