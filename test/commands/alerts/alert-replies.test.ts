/**
 * Autoscale bursts and alerts as Replies, through the Slack, Teams and text renderers against golden files. Every
 * time comes from the events (fixed UTC), so the goldens replay; and the wording on its own.
 */
import { describe, expect, it } from "vitest";
import { renderBlockKit } from "../../../adapters/slack/block-kit.renderer.js";
import { renderAdaptiveCard } from "../../../adapters/teams/adaptive-card.renderer.js";
import { renderText } from "../../../adapters/terminal/text.renderer.js";
import { describeCondition, formatIsoDuration } from "../../../commands/alerts/alert-metric.js";
import { alertReply, alertThreadKey, scaleBurstReply } from "../../../commands/alerts/alert-replies.js";
import type { AlertEvent, AutoscaleEvent } from "../../../commands/alerts/monitor-event.js";
import { addToBurst, burstUpdateKey, type ScaleBurst } from "../../../commands/alerts/scale-burst.js";
import type { Reply } from "../../../commands/reply.js";

const RESOURCE = { subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "ml-rg", workspace: "demo", endpoint: "fraud-scorer" };
const WINDOW = 10 * 60_000;

function scale(at: string, deployment: string, oldCapacity: number | undefined, newCapacity: number | undefined, direction: "out" | "in" = "out"): AutoscaleEvent {
  return {
    kind: "autoscale",
    resource: { ...RESOURCE, deployment },
    direction,
    ...(oldCapacity !== undefined ? { oldCapacity } : {}),
    ...(newCapacity !== undefined ? { newCapacity } : {}),
    reason: direction === "out" ? "CPU > 70 % for 5 min" : "CPU < 30 % for 10 min",
    at: new Date(at),
    setting: `fraud-scorer-${deployment}-autoscale`,
    dedupeKey: `k-${at}-${deployment}`,
  };
}

function burstOf(...events: AutoscaleEvent[]): ScaleBurst {
  return events.reduce<ScaleBurst | undefined>((burst, e) => addToBurst(burst, "demo", e, WINDOW), undefined)!;
}

const latencyAlert: AlertEvent = {
  kind: "alert",
  resource: { ...RESOURCE, deployment: "blue" },
  rule: "fraud-scorer latency P99",
  state: "fired",
  severity: "Sev2",
  conditions: [{ metric: "RequestLatency_P99", value: 412.3, operator: "GreaterThan", threshold: 300, timeAggregation: "Average", windowSize: "PT5M" }],
  description: "P99 latency of the scoring path above its SLO",
  at: new Date("2026-11-25T08:10:00Z"),
  firedAt: new Date("2026-11-25T08:10:00Z"),
  dedupeKey: "alert:1",
};

const goldens: Record<string, Reply> = {
  "scale-single": scaleBurstReply(burstOf(scale("2026-11-25T07:31:04Z", "blue", 2, 4))),
  "scale-burst": scaleBurstReply(
    burstOf(scale("2026-11-25T07:31:04Z", "blue", 2, 4), scale("2026-11-25T07:36:10Z", "blue", 4, 6), scale("2026-11-25T07:38:00Z", "green", 1, 2)),
  ),
  "alert-fired": alertReply("demo", latencyAlert),
  "alert-resolved": alertReply("demo", { ...latencyAlert, state: "resolved", severity: "Sev1", description: undefined, at: new Date("2026-11-25T08:25:00Z") }),
};

describe("golden replies", () => {
  it.each(Object.entries(goldens))("%s through Slack, Teams and text", async (name, reply) => {
    const { blocks, ...rest } = renderBlockKit(reply);
    await expect(`${JSON.stringify({ blocks, ...rest }, null, 2)}\n`).toMatchFileSnapshot(`./__golden__/${name}.slack.json`);
    await expect(`${JSON.stringify(renderAdaptiveCard(reply), null, 2)}\n`).toMatchFileSnapshot(`./__golden__/${name}.teams.json`);
    await expect(`${renderText(reply)}\n`).toMatchFileSnapshot(`./__golden__/${name}.txt`);
  });
});

describe("wording", () => {
  it("says blue scaled out 2 → 4 with the reason, in the endpoint's thread of the day", () => {
    const reply = goldens["scale-single"]!;
    expect(reply.sections).toEqual([{ kind: "text", text: "*blue* scaled out 2 → 4 (CPU > 70 % for 5 min)" }]);
    expect(reply.summary).toBe("fraud-scorer: blue scaled out 2 → 4");
    expect(reply.threadKey).toBe("alerts:demo:fraud-scorer:2026-11-25");
  });

  it("chains a burst per deployment and shows unknown capacities as ?", () => {
    expect(goldens["scale-burst"]!.summary).toBe("fraud-scorer: blue scaled out 2 → 4 → 6; green scaled out 1 → 2");
    const mixed = scaleBurstReply(burstOf(scale("2026-11-25T07:31:00Z", "blue", 2, 4), scale("2026-11-25T07:35:00Z", "blue", undefined, 3, "in")));
    expect(mixed.summary).toBe("fraud-scorer: blue scaled 2 → 4 → 3");
    const blind = scaleBurstReply(burstOf(scale("2026-11-25T07:31:00Z", "blue", undefined, undefined)));
    expect(blind.summary).toBe("fraud-scorer: blue scaled out");
  });

  it("keeps a burst's message key when a late step moves its start earlier", () => {
    const later = burstOf(scale("2026-11-25T07:36:00Z", "blue", 4, 6));
    const withEarlier = addToBurst(later, "demo", scale("2026-11-25T07:31:00Z", "blue", 2, 4), WINDOW);
    expect(burstUpdateKey(withEarlier)).toBe(burstUpdateKey(later));
    expect(withEarlier.startedAt).toBe("2026-11-25T07:31:00.000Z");
  });

  it("describes metric conditions the way people say them", () => {
    expect(describeCondition({ metric: "CpuUtilizationPercentage", value: 83.4, operator: "GreaterThan", threshold: 70, windowSize: "PT5M" })).toBe("CPU 83 % (> 70 % over 5 min)");
    expect(describeCondition({ metric: "Percentage CPU", value: 7.727, operator: "GreaterThan", threshold: 25 })).toBe("CPU 7.7 % (> 25 %)");
    expect(describeCondition({ metric: "RequestLatency_P99", value: 412.3 })).toBe("latency P99 412 ms");
    expect(describeCondition({ metric: "SomethingNew" })).toBe("SomethingNew");
    expect(formatIsoDuration("PT1H30M")).toBe("1 h 30 min");
    expect(formatIsoDuration("P1D")).toBe("1 d");
  });

  it("makes one thread key per endpoint and UTC day", () => {
    expect(alertThreadKey("demo", "Fraud-Scorer", new Date("2026-11-25T23:59:59Z"))).toBe("alerts:demo:fraud-scorer:2026-11-25");
  });
});
