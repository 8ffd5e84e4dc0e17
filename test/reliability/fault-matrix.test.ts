/**
 * The fault matrix: every change command (traffic, mirror, scale by button; traffic with --yes) under each fault
 * Azure can throw at it, through the real core, the real ARM SDK and the AML emulator. For every cell: one final
 * message, and it says what Azure ML really holds; no change lost (chat said applied, Azure has it) and none
 * duplicated (at most one write accepted); the mirror is never dropped.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Reply } from "../../commands/reply.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import { click, command, startCoreHarness, textOf, type CoreHarness } from "../helpers/core-harness.js";
import { ReliabilityLog, type ReliabilityRow } from "./reliability-log.js";

interface State {
  readonly traffic: Record<string, number>;
  readonly mirror: Record<string, number>;
  readonly red: number;
}

interface CommandCase {
  readonly name: string;
  readonly text: string;
  readonly yes: boolean;
  readonly target: State;
  /** The request a write fault hits, and the resource an operation fault fails. */
  readonly write: { readonly method: string; readonly path: string };
  readonly resource: { readonly resourceType: "endpoint" | "deployment"; readonly name: string };
  /** Someone else's edit between the preview and Apply, and the state it leaves. */
  readonly outOfBand: { readonly path: string; readonly change: Record<string, unknown>; readonly state: State };
}

const INITIAL: State = { traffic: { blue: 100 }, mirror: { green: 10 }, red: 1 };
const ENDPOINT_WRITE = { method: "PUT", path: "onlineEndpoints/fraud-scorer$" };
const ON_ENDPOINT = { resourceType: "endpoint", name: "fraud-scorer" } as const;
const TRAFFIC_EDITED = { path: "", change: { properties: { traffic: { blue: 50, green: 0, red: 50 } } }, state: { ...INITIAL, traffic: { blue: 50, red: 50 } } };
const COMMANDS: readonly CommandCase[] = [
  {
    name: "traffic (Apply)",
    text: "traffic fraud-scorer blue=70 red=30",
    yes: false,
    target: { ...INITIAL, traffic: { blue: 70, red: 30 } },
    write: ENDPOINT_WRITE,
    resource: ON_ENDPOINT,
    outOfBand: TRAFFIC_EDITED,
  },
  {
    name: "mirror (Apply)",
    text: "mirror fraud-scorer green=20",
    yes: false,
    target: { ...INITIAL, mirror: { green: 20 } },
    write: ENDPOINT_WRITE,
    resource: ON_ENDPOINT,
    outOfBand: { path: "", change: { properties: { mirrorTraffic: { green: 30 } } }, state: { ...INITIAL, mirror: { green: 30 } } },
  },
  {
    name: "scale (Apply)",
    text: "scale fraud-scorer red 2",
    yes: false,
    target: { ...INITIAL, red: 2 },
    write: { method: "PATCH", path: "deployments/red$" },
    resource: { resourceType: "deployment", name: "red" },
    outOfBand: { path: "/deployments/red", change: { sku: { capacity: 3 } }, state: { ...INITIAL, red: 3 } },
  },
  {
    name: "traffic --yes",
    text: "traffic fraud-scorer blue=60 red=40 --yes",
    yes: true,
    target: { ...INITIAL, traffic: { blue: 60, red: 40 } },
    write: ENDPOINT_WRITE,
    resource: ON_ENDPOINT,
    outOfBand: TRAFFIC_EDITED,
  },
];

interface FaultCase {
  readonly name: string;
  readonly expect: "applied" | "unchanged" | "stale";
  /** Writes Azure ML accepts: one for an applied change, and one for an operation that it accepted and then failed. */
  readonly writes: 0 | 1;
  /** Set up before Apply (after the preview). */
  arm(h: CoreHarness, c: CommandCase): void;
  /** Kill the first attempt after this long (a worker past its budget); the redelivery must finish it. */
  readonly budgetInMs?: number;
  readonly previewOnly?: boolean;
}

const FAULTS: readonly FaultCase[] = [
  { name: "none", expect: "applied", writes: 1, arm: () => undefined },
  { name: "429 once, Retry-After 1 s", expect: "applied", writes: 1, arm: (h, c) => h.emulator.faults.failRequests({ ...c.write, status: 429, retryAfterSeconds: 1, count: 1 }) },
  { name: "429 until the SDK gives up", expect: "unchanged", writes: 0, arm: (h, c) => h.emulator.faults.failRequests({ ...c.write, status: 429, retryAfterSeconds: 0, count: 20 }) },
  { name: "500 burst of 2", expect: "applied", writes: 1, arm: (h, c) => h.emulator.faults.failRequests({ ...c.write, status: 500, count: 2 }) },
  { name: "500 until the SDK gives up", expect: "unchanged", writes: 0, arm: (h, c) => h.emulator.faults.failRequests({ ...c.write, status: 500, count: 20 }) },
  { name: "operation ends Failed", expect: "unchanged", writes: 1, arm: (h, c) => h.emulator.faults.failOperations(c.resource) },
  { name: "write slower than the job's budget", expect: "applied", writes: 1, budgetInMs: 300, arm: (h, c) => h.emulator.faults.addLatency({ ...c.write, ms: 1_500, count: 1 }) },
  {
    name: "changed by someone else before Apply",
    expect: "stale",
    writes: 0,
    previewOnly: true,
    arm: (h, c) => h.emulator.faults.mutate(`${endpointId(h)}${c.outOfBand.path}`, c.outOfBand.change),
  },
];

let h: CoreHarness;
const log = new ReliabilityLog("fault-matrix");

function threeDeployments() {
  const scenario = defaultScenario();
  const endpoint = scenario.workspaces[0]!.endpoints[0]!;
  endpoint.deployments!.push({ name: "red", model: "azureml:fraud-model:5", instanceType: "Standard_DS3_v2", capacity: 1 });
  return scenario;
}

function endpointId(harness: CoreHarness): string {
  return `/subscriptions/${harness.emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer`;
}

beforeAll(async () => {
  h = await startCoreHarness({ scenario: threeDeployments() });
});
afterAll(async () => {
  log.flush();
  await h.close();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.faults.mutate(endpointId(h), { properties: { mirrorTraffic: { green: 10 } } });
  h.emulator.requests.length = 0;
});

async function azureState(): Promise<State> {
  const ws = h.app.deps.workspaces[0]!;
  const endpoint = await h.app.deps.endpoints.getEndpoint(ws, "fraud-scorer");
  const red = await h.app.deps.endpoints.getDeployment(ws, "fraud-scorer", "red");
  const nonZero = (split: Record<string, number>) => Object.fromEntries(Object.entries(split).filter(([, v]) => v !== 0));
  return { traffic: nonZero({ ...endpoint!.traffic }), mirror: nonZero({ ...endpoint!.mirrorTraffic }), red: red!.capacity };
}

function classify(state: State, c: CommandCase): ReliabilityRow["azure"] {
  const same = (a: State, b: State) => JSON.stringify(a) === JSON.stringify(b);
  if (same(state, c.target)) return "applied";
  if (same(state, INITIAL)) return "unchanged";
  if (same(state, c.outOfBand.state)) return "stale";
  return "other";
}

function expectedState(c: CommandCase, fault: FaultCase): State {
  return fault.expect === "applied" ? c.target : fault.expect === "stale" ? c.outOfBand.state : INITIAL;
}

function said(reply: Reply): ReliabilityRow["said"] {
  const text = textOf(reply);
  if (reply.tone === "success" && /: done$/.test(reply.title ?? "")) return "applied";
  if (text.includes("Nothing changed: Azure ML still reports")) return "unchanged";
  if (reply.title === "Not applied: the endpoint changed") return "stale";
  return "other";
}

function acceptedWrites(c: CommandCase): number {
  const path = new RegExp(c.write.path, "i");
  return h.emulator.requests.filter((r) => r.method === c.write.method && path.test(r.path) && r.status >= 200 && r.status < 300).length;
}

/** Runs the command (preview + Apply, or --yes) once, as the chat job would, redelivering it if its budget ran out. */
async function run(c: CommandCase, fault: FaultCase): Promise<Reply[]> {
  const finals: Reply[] = [];
  const attempt = async (send: (signal?: AbortSignal) => Promise<Reply>) => {
    if (fault.budgetInMs !== undefined) {
      await expect(send(AbortSignal.timeout(fault.budgetInMs))).rejects.toThrow();
    }
    finals.push(await send());
  };
  if (c.yes) {
    fault.arm(h, c);
    const invocation = command(c.text);
    await attempt((abortSignal) => h.core.execute(invocation, abortSignal ? { abortSignal } : {}));
    return finals;
  }
  const preview = await h.core.execute(command(c.text));
  expect(preview.buttons?.[0]?.label).toBe("Apply");
  fault.arm(h, c);
  const apply = click(preview.buttons![0]!);
  await attempt((abortSignal) => h.core.press(apply, abortSignal ? { abortSignal } : {}));
  return finals;
}

describe("every change command under every fault ends in one true message", () => {
  for (const c of COMMANDS) {
    for (const fault of FAULTS) {
      if (fault.previewOnly && c.yes) continue;
      it(`${c.name} · ${fault.name} → ${fault.expect}`, async () => {
        const started = performance.now();
        const finals = await run(c, fault);
        const state = await azureState();
        const row: ReliabilityRow = {
          command: c.name,
          fault: fault.name,
          said: said(finals.at(-1)!),
          azure: classify(state, c),
          finalMessages: finals.length,
          acceptedWrites: acceptedWrites(c),
          mirrorKept: JSON.stringify(state.mirror) === JSON.stringify(expectedState(c, fault).mirror),
          seconds: (performance.now() - started) / 1000,
        };
        log.add(row);
        expect(row.finalMessages).toBe(1);
        expect(row.said).toBe(fault.expect);
        expect(row.azure).toBe(fault.expect);
        expect(row.acceptedWrites).toBe(fault.writes);
        expect(row.mirrorKept).toBe(true);
      });
    }
  }
});
