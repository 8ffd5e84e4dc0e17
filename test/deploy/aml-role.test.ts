/**
 * Least privilege, checked against the code (issue 15 §2). Every method of the four Azure ports (endpoint control,
 * lifecycle, scoring, metrics), and the ARM calls of `aml doctor`'s diagnostics, are called as the composition root
 * builds them, against the AML emulator; every
 * request the emulator saw is mapped to the RBAC action Azure would check (tools/emulator/rbac-actions.ts). The
 * custom roles in deploy/workspace-access.bicep and deploy/quota-access.bicep must grant exactly those actions,
 * each in the role assigned at the scope Azure checks it at. No Bicep compiler here: the roles are read as text.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkspaceRef } from "../../commands/domain/endpoint.js";
import type { OperationHandle } from "../../commands/ports/endpoint-lifecycle.port.js";
import { NEEDED_ARM_ACTIONS } from "../../commands/doctor/needed-access.js";
import type { RecordedRequest } from "../../tools/emulator/aml-emulator.js";
import { PERMISSIONS_READ, RbacActionMap, type RbacScope } from "../../tools/emulator/rbac-actions.js";
import { startCoreHarness, type CoreHarness } from "../helpers/core-harness.js";
import { scoringScenario } from "../helpers/scoring-harness.js";

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const workspaceBicep = read("deploy/workspace-access.bicep");
const quotaBicep = read("deploy/quota-access.bicep");

/** The quoted strings of a multi-line `var <name> = [ … ]`, one a line. */
function listVar(bicep: string, name: string): string[] {
  const body = new RegExp(`^var ${name} = \\[\\n([\\s\\S]*?)\\n\\]`, "m").exec(bicep)?.[1];
  if (body === undefined) throw new Error(`no multi-line 'var ${name} = [ … ]'`);
  return body.split("\n").map((line) => /^\s*'([^']+)'\s*$/.exec(line)?.[1] ?? `unparsed: ${line.trim()}`);
}

/** The method names of an exported interface of a port file. */
function portMethods(file: string, name: string): string[] {
  const body = new RegExp(`^export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`, "m").exec(read(file))?.[1];
  if (body === undefined) throw new Error(`${file} has no interface ${name}`);
  return [...body.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]!);
}

/** A port whose method calls are recorded by name. */
function recorded<T extends object>(port: T, prefix: string, calls: Set<string>): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.add(`${prefix}.${String(property)}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Every action the Bicep roles grant. */
function grantedActions(): string[] {
  return [...listVar(workspaceBicep, "workspaceActions"), ...listVar(workspaceBicep, "operationActions"), ...listVar(quotaBicep, "quotaActions")];
}

let h: CoreHarness;
let requests: RecordedRequest[];
const calls = new Set<string>();

async function until(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("still not done after 5 s");
}

async function settle(handle: OperationHandle): Promise<void> {
  await until(async () => (await ports().lifecycle.getOperationStatus(handle)).state !== "running");
}

function ports() {
  const { endpoints, lifecycle, scoring, metrics, diagnostics } = h.app.deps;
  return {
    endpoints: recorded(endpoints, "EndpointControl", calls),
    lifecycle: recorded(lifecycle, "EndpointLifecycle", calls),
    scoring: recorded(scoring, "EndpointScoring", calls),
    metrics: recorded(metrics, "EndpointMetricsSource", calls),
    diagnostics: recorded(diagnostics, "BotDiagnostics", calls),
  };
}

function ok<T>(outcome: { kind: string; value?: T }): T {
  expect(outcome.kind).toBe("ok");
  return outcome.value as T;
}

beforeAll(async () => {
  // The emulator enforces exactly what the roles grant (rbac-enforcement.ts), as Azure would once they are assigned.
  const scenario = { ...scoringScenario(), permissions: [{ clientId: "*", actions: grantedActions() }] };
  h = await startCoreHarness({ scenario });
  const ws: WorkspaceRef = h.app.deps.workspaces[0]!;
  const { endpoints, lifecycle, scoring, metrics, diagnostics } = ports();

  await endpoints.listEndpoints(ws);
  await endpoints.listDeployments(ws, "fraud-scorer");
  await endpoints.getDeployment(ws, "fraud-scorer", "blue");
  await endpoints.previewTrafficUpdate(ws, "fraud-scorer", { traffic: { blue: 90, green: 10 } });
  ok(await endpoints.updateTraffic(ws, "fraud-scorer", { traffic: { blue: 90, green: 10 } }));
  ok(await endpoints.beginTrafficUpdate(ws, "fraud-scorer", { traffic: { blue: 80, green: 20 } }));
  await until(async () => (await endpoints.getEndpoint(ws, "fraud-scorer"))?.provisioningState === "Succeeded");
  ok(await endpoints.updateCapacity(ws, "fraud-scorer", "green", 2));

  await lifecycle.listModelVersions(ws, "fraud-model");
  const spec = (await lifecycle.getDeploymentSpec(ws, "fraud-scorer", "blue"))!;
  expect(await lifecycle.getComputeQuota(ws, spec.instanceType)).toBeDefined();
  await settle(ok(await lifecycle.beginCreateDeployment(ws, { ...spec, name: "canary" })));
  await lifecycle.getDeploymentLogs(ws, "fraud-scorer", "canary", "InferenceServer", 5);
  await settle(ok(await lifecycle.beginDeleteDeployment(ws, "fraud-scorer", "canary")));
  await settle(ok(await lifecycle.beginCreateEndpoint(ws, "fresh-endpoint", { authMode: "Key" })));
  ok(await lifecycle.regenerateKey(ws, "fraud-scorer", "Secondary"));

  // One endpoint of each auth mode: a key (listKeys), an Azure ML token (token), an Entra token (score/action).
  for (const name of ["fraud-scorer", "churn-model", "doc-classifier"]) {
    const endpoint = (await endpoints.getEndpoint(ws, name))!;
    const body = name === "doc-classifier" ? { data: [[2, 3]] } : name === "churn-model" ? { data: [[24, 80, 0]] } : { data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] };
    expect((await scoring.score(endpoint, { body, timeoutInMs: 5_000 })).kind).toBe("ok");
    await scoring.forgetCredentials(ws, name);
  }

  const end = new Date();
  const [fraud] = await metrics.getEndpointMetrics(ws, [{ endpoint: "fraud-scorer", deployments: ["blue", "green"], location: h.emulator.scenario.location }], {
    window: { start: new Date(end.getTime() - 3_600_000), end },
    granularityInMs: 300_000,
    resources: true,
    series: true,
  });
  expect(fraud!.problems).toEqual([]);

  // aml doctor's calls that reach ARM or its token endpoint (the others read storage, Slack and settings).
  expect((await diagnostics.checkToken()).status).toBe("ok");
  expect((await diagnostics.getPermissions(ws)).ok).toBe(true);
  requests = [...h.emulator.requests];
}, 60_000);

afterAll(() => h?.close());

/** The actions the recorded requests need, with the scope each is checked at. Scoring needs one only with an Entra token. */
function usedActions(): Map<string, RbacScope> {
  const map = new RbacActionMap();
  const authModes = new Map(h.emulator.scenario.workspaces.flatMap((w) => w.endpoints.map((e) => [`${w.name}/${e.name}`, e.authMode] as const)));
  const used = new Map<string, RbacScope>();
  const unknown: string[] = [];
  for (const request of requests) {
    const match = map.match(request.method, request.path);
    if (match.kind === "unknown") unknown.push(`${request.method} ${request.path}`);
    if (match.kind !== "action") continue;
    const scoring = /^\/inference\/([^/]+)\/([^/]+)\/score$/.exec(request.path);
    if (scoring && authModes.get(`${scoring[1]}/${scoring[2]}`) !== "AADToken") continue;
    used.set(match.action, match.scope);
  }
  expect(unknown, "requests tools/emulator/rbac-actions.ts does not know: add the action Azure checks for each").toEqual([]);
  return used;
}

describe("the bot's custom roles", () => {
  it("called every method of the Azure ports", () => {
    const expected = [
      ...portMethods("commands/ports/endpoint-control.port.ts", "EndpointControl").map((m) => `EndpointControl.${m}`),
      ...portMethods("commands/ports/endpoint-lifecycle.port.ts", "EndpointLifecycle").map((m) => `EndpointLifecycle.${m}`),
      ...portMethods("commands/ports/endpoint-scoring.port.ts", "EndpointScoring").map((m) => `EndpointScoring.${m}`),
      ...portMethods("commands/ports/metrics.port.ts", "EndpointMetricsSource").map((m) => `EndpointMetricsSource.${m}`),
    ];
    expect(expected.length).toBeGreaterThan(15);
    expect([...calls].filter((c) => !c.startsWith("BotDiagnostics.")).sort()).toEqual(expected.sort());
    expect([...calls].filter((c) => c.startsWith("BotDiagnostics.")).sort()).toEqual(["BotDiagnostics.checkToken", "BotDiagnostics.getPermissions"]);
  });

  it("grant every action the ports' requests need, and none they never use", () => {
    const used = usedActions();
    const granted = grantedActions();
    // Under the emulator's enforcement of exactly these, nothing the ports sent was refused.
    expect(requests.filter((r) => r.status === 403).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(new Set(granted).size, "an action granted twice").toBe(granted.length);
    expect(granted.filter((a) => !used.has(a)), "granted but never sent: take it out of the role").toEqual([]);
    expect([...used.keys()].filter((a) => !granted.includes(a)), "sent but not granted: Azure would answer 403").toEqual([]);
  });

  it("put each action in the role assigned where Azure checks it: workspace, its resource group, or the subscription", () => {
    const used = usedActions();
    const byScope = (scope: RbacScope) => [...used].filter(([, s]) => s === scope).map(([a]) => a).sort();
    expect(listVar(workspaceBicep, "workspaceActions").sort()).toEqual(byScope("workspace"));
    expect(listVar(workspaceBicep, "operationActions").sort()).toEqual(byScope("resourceGroup"));
    expect(listVar(quotaBicep, "quotaActions").sort()).toEqual(byScope("subscription"));
    // Where the assignments sit: the workspace itself, the resource group (no scope = the deployment's), the subscription.
    expect(workspaceBicep).toMatch(/resource workspaceAccess '[^']+' = \{\n[^\n]*\n\s*scope: workspace\n[\s\S]*?roleDefinitionId: workspaceRole\.id/);
    expect(workspaceBicep).toMatch(/resource operationAccess '[^']+' = \{\n[^\n]*\n\s*properties: \{[\s\S]*?roleDefinitionId: operationRole\.id/);
    expect(workspaceBicep).toMatch(/actions: workspaceActions,/);
    expect(workspaceBicep).toMatch(/actions: operationActions,/);
    expect(workspaceBicep).not.toContain("targetScope");
    expect(quotaBicep).toContain("targetScope = 'subscription'");
    expect(quotaBicep).toMatch(/actions: quotaActions,/);
    // No wildcard and no built-in role: the grant is exactly the list.
    for (const bicep of [workspaceBicep, quotaBicep]) {
      expect(bicep).not.toMatch(/'[^']*\*[^']*'/);
      expect(bicep).not.toMatch(/roleDefinitionId: subscriptionResourceId/);
    }
  });

  it("are what aml doctor checks, each at the same scope, plus the permissions read doctor's check is made with", () => {
    // Doctor asks ARM's permissions API for these (commands/doctor/needed-access.ts) and names the template of a
    // missing one by its scope: a role change here must change what doctor checks, and the reverse. Reading the
    // permissions is the check itself: without it the permissions API answers 403 rather than a list.
    const doctor = NEEDED_ARM_ACTIONS.map((a) => `${a.action} @ ${a.scope}`).sort();
    const used = [...usedActions()].map(([action, scope]) => `${action} @ ${scope}`);
    expect(used).toContain(`${PERMISSIONS_READ} @ workspace`);
    expect(doctor).toEqual(used.filter((a) => a !== `${PERMISSIONS_READ} @ workspace`).sort());
  });
});
