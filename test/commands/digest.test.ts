/**
 * The digest: gathered from a seeded emulator scenario through the real ports (fixed clock), built by the pure
 * `buildDigest`, rendered through the Slack, Teams and text renderers against golden files; and the rules on
 * their own, on hand-made inputs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderBlockKit } from "../../adapters/slack/block-kit.renderer.js";
import { renderAdaptiveCard } from "../../adapters/teams/adaptive-card.renderer.js";
import { renderText } from "../../adapters/terminal/text.renderer.js";
import { buildDigest, DIGEST_ENDPOINTS } from "../../commands/digest/digest.js";
import { gatherDigestData, type DigestInput } from "../../commands/digest/digest-data.js";
import { findAnomalies, findHints, findOutOfBand, parseChange } from "../../commands/digest/digest-rules.js";
import type { AuditRecord } from "../../commands/ports/audit-log.port.js";
import type { EmulatorScenario } from "../../tools/emulator/scenario.js";
import { command, startCoreHarness, textOf, VIEWER, type CoreHarness } from "../helpers/core-harness.js";

const NOW = new Date("2026-11-25T09:00:00Z");
const DAY = 86_400_000;

/** Four endpoints, each showing something a digest must call out. */
export function digestScenario(): EmulatorScenario {
  const deployment = (name: string, extra: Record<string, unknown> = {}) => ({ name, model: `azureml:${name}-model:1`, instanceType: "Standard_DS3_v2", capacity: 1, ...extra });
  return {
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    tenantId: "00000000-0000-0000-0000-0000000000aa",
    resourceGroup: "ml-rg",
    location: "westeurope",
    workspaces: [
      {
        name: "demo",
        endpoints: [
          { name: "fraud-scorer", authMode: "Key", traffic: { blue: 80, green: 20 }, deployments: [deployment("blue"), deployment("green")] },
          { name: "churn-model", authMode: "AMLToken", traffic: { main: 100 }, mirrorTraffic: { shadow: 10 }, deployments: [deployment("main", { capacity: 2 }), deployment("shadow")] },
          {
            name: "search-ranker",
            authMode: "Key",
            traffic: { blue: 100, green: 0 },
            deployments: [deployment("blue", { capacity: 2, scaleSettings: { scaleType: "TargetUtilization", minInstances: 1, maxInstances: 2 } }), deployment("green")],
          },
          { name: "payments", authMode: "Key", traffic: { blue: 50, green: 50 }, deployments: [deployment("blue"), deployment("green")] },
        ],
      },
    ],
    metrics: {
      seed: 42,
      peakRequestsPerMinute: { "fraud-scorer": 120, "churn-model": 60, "search-ranker": 300, payments: 40 },
      degradations: [
        { endpoint: "fraud-scorer", deployment: "green", since: new Date(NOW.getTime() - DAY).toISOString(), latencyFactor: 3, serverErrorShare: 0.08 },
        { endpoint: "payments", deployment: "green", requestFactor: 0 },
      ],
    },
  };
}

function audit(at: string, verb: string, endpoint: string, before: string, after: string): AuditRecord {
  return { at: new Date(at), correlationId: `c-${verb}-${endpoint}`, platform: "slack", userId: "UOPS", channelId: "C1", verb, text: `${verb} ${endpoint}`, workspace: "demo", endpoint, before, after, outcome: "ok" };
}

let harness: CoreHarness;

beforeAll(async () => {
  harness = await startCoreHarness({ scenario: digestScenario() });
  // The bot set these; live state now says otherwise for fraud-scorer's split and payments/blue's instances.
  await harness.audit.append(audit("2026-11-24T12:00:00Z", "traffic", "fraud-scorer", "blue=80 green=20", "blue=100 green=0"));
  await harness.audit.append(audit("2026-11-24T13:00:00Z", "apply", "payments", "blue=1", "blue=2"));
  await harness.audit.append(audit("2026-11-24T14:00:00Z", "mirror", "churn-model", "main=100", "main=100; mirror shadow=10"));
});
afterAll(() => harness?.close());

async function seededDigest(endpoint?: string): Promise<DigestInput> {
  const workspace = harness.app.deps.workspaces[0]!;
  const result = await gatherDigestData(harness.app.deps, { workspace, ...(endpoint ? { endpoint } : {}) }, { lengthInMs: DAY });
  if (!result.ok) throw new Error(result.message);
  // systemData times come from the emulator's real clock, not the test's: drop them so goldens replay (the
  // out-of-band rule that reads them is tested below on a hand-made input).
  const endpoints = result.input.endpoints.map((e) => ({ ...e, endpoint: { ...e.endpoint, lastModifiedAt: undefined, lastModifiedBy: undefined } }));
  return { ...result.input, endpoints };
}

describe("digest of a seeded workspace", () => {
  it("gathers with few metrics calls and renders the same on every run", async () => {
    harness.emulator.reset();
    const input = await seededDigest();
    expect(input.period).toEqual({ start: new Date(NOW.getTime() - DAY), end: NOW });
    // 4 endpoints, 8 deployments: one call per query (requests, latency, resources).
    expect(harness.emulator.metrics.calls.batch).toBe(3);
    const reply = buildDigest(input);
    await expect(`${JSON.stringify(renderBlockKit(reply), null, 2)}\n`).toMatchFileSnapshot("./__golden__/digest-workspace.slack.json");
    await expect(`${JSON.stringify(renderAdaptiveCard(reply), null, 2)}\n`).toMatchFileSnapshot("./__golden__/digest-workspace.teams.json");
    await expect(`${renderText(reply)}\n`).toMatchFileSnapshot("./__golden__/digest-workspace.txt");
    expect(buildDigest(await seededDigest())).toEqual(reply);
  });

  it("calls out anomalies, hints and out-of-band changes", async () => {
    const reply = buildDigest(await seededDigest());
    const text = textOf(reply);
    expect(reply.tone).toBe("warning");
    expect(text).toMatch(/Latency up sharply on `fraud-scorer` \/ `green`/);
    expect(text).toMatch(/5xx errors up on `fraud-scorer` \/ `green`/);
    expect(text).toMatch(/`payments` \/ `green` has 50 % of live traffic but served no requests/);
    expect(text).toMatch(/`search-ranker` \/ `green` has had no requests for 2 d .* still bills 1 × Standard_DS3_v2/);
    expect(text).toMatch(/`search-ranker` \/ `blue` ran at its autoscale maximum of 2 instances/);
    expect(text).toMatch(/Live traffic on `fraud-scorer` is blue=80 green=20, but the bot last set blue=100 green=0/);
    expect(text).toMatch(/`payments` \/ `blue` runs 1 instance, but the bot last set 2/);
    expect(text).not.toMatch(/churn-model.*outside/); // its mirror is as the bot set it
    expect(text).not.toMatch(/`churn-model` \/ `shadow` has had no requests/); // mirrored: not idle
  });

  it("digests one endpoint by deployment", async () => {
    const reply = buildDigest(await seededDigest("fraud-scorer"));
    expect(reply.title).toBe("Digest · fraud-scorer · demo");
    await expect(`${JSON.stringify(renderBlockKit(reply), null, 2)}\n`).toMatchFileSnapshot("./__golden__/digest-endpoint.slack.json");
    await expect(`${JSON.stringify(renderAdaptiveCard(reply), null, 2)}\n`).toMatchFileSnapshot("./__golden__/digest-endpoint.teams.json");
  });

  it("runs as `aml digest now` for a workspace or an endpoint", async () => {
    const all = await harness.core.execute(command("digest now", VIEWER));
    expect(all.title).toBe("Digest · demo");
    const one = await harness.core.execute(command("digest now payments", VIEWER));
    expect(one.title).toBe("Digest · payments · demo");
    const missing = await harness.core.execute(command("digest now nowhere-to-be", VIEWER));
    expect(missing).toMatchObject({ title: "No digest", visibility: "requester" });
    const wrong = await harness.core.execute(command("digest", VIEWER));
    expect(textOf(wrong)).toMatch(/aml digest now/);
    const period = await harness.core.execute(command("digest now --period 90m", VIEWER));
    expect(textOf(period)).toMatch(/whole hours or days/);
  });
});

describe("digest rules", () => {
  const base = (): DigestInput => ({
    target: { workspace: { alias: "demo", subscriptionId: "s", resourceGroup: "r", workspace: "demo" } },
    period: { start: new Date(NOW.getTime() - DAY), end: NOW },
    generatedAt: NOW,
    since: new Date(NOW.getTime() - DAY),
    audit: [],
    endpoints: [
      {
        endpoint: { name: "e1", workspace: { alias: "demo", subscriptionId: "s", resourceGroup: "r", workspace: "demo" }, authMode: "Key", provisioningState: "Succeeded", traffic: { a: 100 }, mirrorTraffic: {} },
        deployments: [{ name: "a", endpointName: "e1", capacity: 1, provisioningState: "Succeeded" }],
      },
    ],
  });

  it("reads audit `after` texts as traffic or capacity", () => {
    expect(parseChange("blue=80 green=20; mirror green=10")).toEqual({ kind: "traffic", traffic: { blue: 80, green: 20 }, mirror: { green: 10 } });
    expect(parseChange("main=100")).toEqual({ kind: "traffic", traffic: { main: 100 }, mirror: {} });
    expect(parseChange("green=3")).toEqual({ kind: "capacity", deployment: "green", capacity: 3 });
  });

  it("reports an endpoint modified since the last digest without a change of the bot's at that time", () => {
    const input = base();
    const modified = { ...input.endpoints[0]!, endpoint: { ...input.endpoints[0]!.endpoint, lastModifiedAt: new Date(NOW.getTime() - 3_600_000), lastModifiedBy: "alice@contoso.com" } };
    const findings = findOutOfBand({ ...input, endpoints: [modified] });
    expect(findings.map((f) => f.text)).toEqual(["`e1` was changed outside the bot at 2026-11-25 08:00 UTC by alice@contoso.com; live traffic is now a=100."]);
    const byBot = audit("2026-11-25T08:02:00Z", "traffic", "e1", "a=0", "a=100");
    expect(findOutOfBand({ ...input, endpoints: [modified], audit: [byBot] })).toEqual([]);
    expect(findOutOfBand({ ...input, endpoints: [modified], since: NOW })).toEqual([]);
  });

  it("lays endpoints out as blocks of fields, not a table, and counts those past the first DIGEST_ENDPOINTS", () => {
    const input = base();
    const template = input.endpoints[0]!;
    const endpoints = Array.from({ length: DIGEST_ENDPOINTS + 2 }, (_, i) => ({ ...template, endpoint: { ...template.endpoint, name: `e${String(i).padStart(2, "0")}` } }));
    const reply = buildDigest({ ...input, endpoints });
    expect(reply.sections.some((s) => s.kind === "table")).toBe(false);
    const names = reply.sections.flatMap((s) => (s.kind === "text" && /^\*e\d+\* · /.test(s.text) ? [s.text] : []));
    expect(names).toHaveLength(DIGEST_ENDPOINTS);
    expect(names[0]).toBe("*e00* · live a 100 %");
    const fields = reply.sections.filter((s) => s.kind === "fields");
    expect(fields).toHaveLength(DIGEST_ENDPOINTS);
    // No metrics: the same labels as any block, each value a dash; the instances come from the deployment.
    expect(fields[0]).toEqual({ kind: "fields", fields: [{ label: "Requests", value: "–" }, { label: "P50 / P90 / P99", value: "–" }, { label: "4xx", value: "–" }, { label: "5xx", value: "–" }, { label: "Instances", value: "a 1" }] });
    expect(reply.sections.at(-1)).toEqual({ kind: "text", text: "_…and 2 more endpoints with fewer requests and nothing to report._" });
  });

  it("says nothing without metrics, and nothing about autoscaled instance counts", () => {
    const input = base();
    expect(findAnomalies(input)).toEqual([]);
    expect(findHints(input)).toEqual([]);
    const autoscaled = { ...input.endpoints[0]!, deployments: [{ ...input.endpoints[0]!.deployments[0]!, capacity: 3, scale: { type: "TargetUtilization" as const, minInstances: 1, maxInstances: 5 } }] };
    expect(findOutOfBand({ ...input, endpoints: [autoscaled], audit: [audit("2026-11-24T10:00:00Z", "scale", "e1", "a=1", "a=2")] })).toEqual([]);
  });
});
