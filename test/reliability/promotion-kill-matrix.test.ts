/**
 * The kill -9 matrix for promotions: a promotion runs through real function hosts on Azurite's queues and tables
 * against the emulator, and the host is SIGKILLed at each point of a transition (issue 13 §2): after its intent is
 * written and before the traffic write; after the traffic write and before the row records the transition; after
 * the row and before the next transition is queued; after queueing and before the card is updated; and, on the last
 * transition (the one after the last step, reading that Azure ML applied it), after the row says it succeeded and
 * before the card does. A new host takes over once the killed
 * job's lease lapses (its watchdog copy, as in kill-matrix.test.ts). One more case has the queue deliver a
 * transition twice at once to two hosts. Each time: the promotion succeeds, Azure ML accepted exactly one traffic
 * write per step, the history has each step once, and the card's last version says it succeeded.
 *
 * The host is stopped between two storage calls by a proxy in front of Azurite (test/helpers/storage-proxy.ts), as
 * kill-matrix.test.ts stops it between two ARM calls with the emulator's latency faults. Each case has its own
 * endpoint and promotion, so all of them run on one host at once and are killed together once each is stopped at
 * its point: a kill costs a lease and the watchdog's margin (about 10 s), once for the file rather than once a case.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Promotion } from "../../commands/ports/promotions.port.js";
import { LOCAL_SLACK } from "../../src/config/config.js";
import { LOCAL_FILE_CONFIG } from "../../src/config/local-defaults.js";
import { TableJobLedger } from "../../src/storage/table.job-ledger.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import type { RecordedSlackMessage } from "../../tools/local/slack-api.stand-in.js";
import { signedSlackHeaders, slashCommandForm } from "../../tools/local/slack-signer.js";
import { HostProcesses, type HostProcess } from "../helpers/host-process.js";
import { buttonClick, interactionBody } from "../helpers/slack-requests.js";
import { StorageProxy, type StorageRequest, type StorageRule } from "../helpers/storage-proxy.js";
import { ReliabilityLog } from "./reliability-log.js";

const USER = "U0LOCALADMIN";
/** Three transitions, a second apart at 3600× (an hour of plan time is a second). */
const PLAN = '--steps "mirror 50% 1h, 50% 1h, 100%" --gate "p99 <= 3x"';
/** The same with step 2 held 10 s: its successor, already queued, must wait for the host's kill (all cases are killed at once). */
const SLOW_STEP_2 = '--steps "mirror 50% 1h, 50% 10h, 100%" --gate "p99 <= 3x"';
const STEPS = 3;
/** A transition a step, and one more that reads the endpoint to confirm the last step before calling it done. */
const TRANSITIONS = STEPS + 1;
const RECOVERY_LIMIT_IN_MS = 60_000;

interface KillPoint {
  readonly name: string;
  /** The transition the host is killed in. */
  readonly transition: number;
  /** Where: the storage request the host is stopped at. */
  readonly rule: (promotionId: string, endpoint: string) => StorageRule;
  /** The steps' holds, when the next transition must not be due before the host is killed (default PLAN). */
  readonly plan?: string;
}

/** A write of the promotion's record row (not its index row). */
function recordWrite(request: StorageRequest, endpoint: string): Record<string, unknown> | undefined {
  const row = request.entity;
  return request.service === "table" && request.method === "PUT" && row?.["endpoint"] === endpoint && typeof row["transition"] === "number" ? row : undefined;
}

function intentOf(row: Record<string, unknown>): number | undefined {
  return typeof row["intent"] === "string" ? (JSON.parse(row["intent"]) as { transition?: number }).transition : undefined;
}

/** The job of the promotion's transition `n`, as queued by the transition before it (not a watchdog copy). */
function queues(request: StorageRequest, promotionId: string, n: number): boolean {
  return request.service === "queue" && request.job?.id === `${promotionId}:e0:t${n}` && !request.job.watchdog;
}

const POINTS: readonly KillPoint[] = [
  {
    // The first step runs in the Apply's job rather than from the queue: its queued copy (or its claim's watchdog)
    // carries it on.
    name: "in the Apply's first step, after its intent is written, before the traffic write",
    transition: 1,
    rule: (_, endpoint) => ({
      hold: "response",
      match: (r) => {
        const row = recordWrite(r, endpoint);
        return row?.["transition"] === 0 && intentOf(row) === 1;
      },
    }),
  },
  {
    name: "after the intent is written, before the traffic write",
    transition: 2,
    rule: (_, endpoint) => ({
      hold: "response",
      match: (r) => {
        const row = recordWrite(r, endpoint);
        return row?.["transition"] === 1 && intentOf(row) === 2;
      },
    }),
  },
  {
    name: "after the traffic write, before the row records it",
    transition: 2,
    rule: (_, endpoint) => ({ hold: "request", match: (r) => recordWrite(r, endpoint)?.["transition"] === 2 }),
  },
  {
    name: "after the row, before the next transition is queued",
    transition: 2,
    rule: (id) => ({ hold: "request", match: (r) => queues(r, id, 3) }),
  },
  {
    name: "after the next transition is queued, before the card is updated",
    transition: 2,
    rule: (id) => ({ hold: "response", match: (r) => queues(r, id, 3) }),
    plan: SLOW_STEP_2,
  },
  {
    name: "on the last step, after the row says succeeded, before the card does",
    transition: TRANSITIONS,
    rule: (_, endpoint) => ({ hold: "response", match: (r) => recordWrite(r, endpoint)?.["transition"] === TRANSITIONS }),
  },
];

let stack: LocalStack;
let proxy: StorageProxy;
let ledger: TableJobLedger;
let env: Record<string, string>;
const hosts = new HostProcesses();
const log = new ReliabilityLog("promotion-kill-matrix");
const endpointOf = (i: number): string => `promo-kill-${i}`;
const DUPLICATE = POINTS.length;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "aml-promotion-kill-"));
  const scenario = defaultScenario();
  const endpoints = scenario.workspaces[0]!.endpoints;
  const fraudScorer = endpoints.find((e) => e.name === "fraud-scorer")!;
  for (let i = 0; i <= DUPLICATE; i++) endpoints.push({ ...structuredClone(fraudScorer), name: endpointOf(i) });
  await writeFile(join(dir, "scenario.json"), JSON.stringify(scenario));
  stack = await startLocalStack({
    ports: { host: 0 },
    emulatorLroDelayInMs: 300,
    logger: { info() {}, warn() {}, error() {} },
    env: { AML_LRO_POLL_MS: "50", AML_EMULATOR_SCENARIO: join(dir, "scenario.json") },
  });
  await writeFile(join(dir, "ca.pem"), stack.emulator.ca);
  proxy = await StorageProxy.start(stack.azurite);
  ledger = new TableJobLedger(stack.runtime.storage.table(stack.runtime.names.jobLedgerTable));
  // The emulator's synthetic load is a few requests a minute: one request decides a gate, so no step waits.
  const config = { ...LOCAL_FILE_CONFIG, policy: { ...LOCAL_FILE_CONFIG.policy, promotions: [{ workspace: "demo", minRequests: 1, maxExtensions: 10 }] } };
  env = {
    AML_MODE: "local",
    AML_CONFIG_JSON: JSON.stringify(config),
    AzureWebJobsStorage: proxy.connectionString,
    AML_EMULATOR_URL: stack.emulator.url,
    AML_EMULATOR_CA_FILE: join(dir, "ca.pem"),
    SLACK_API_URL: stack.slack.url,
    AML_PROMOTION_TIME_SCALE: "3600",
    AML_JOB_LEASE_SECONDS: "5",
    AML_LOCAL_VISIBILITY_TIMEOUT_MS: "600000",
    AML_JOB_QUEUE: "promotion-kill",
    AML_LOCAL_MAX_POLL_MS: "200",
    // Every case's held job at once, and room for the others' work beside them.
    AML_LOCAL_CONCURRENCY: "16",
    AML_LRO_POLL_MS: "50",
  };
}, 60_000);
afterAll(async () => {
  hosts.killAll();
  log.flush();
  await proxy?.close();
  await stack?.close();
});

async function post(host: HostProcess, body: string): Promise<Response> {
  return fetch(`${host.url}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body });
}

/** Asks for the promotion; its preview's Apply button, whose change id is the promotion's id once applied. */
async function preview(host: HostProcess, channel: string, endpoint: string, plan = PLAN): Promise<{ ts: string; changeId: string }> {
  const responseUrl = stack.slack.responseUrl(`preview-${channel}`, { channel, user: USER });
  const body = slashCommandForm({ command: "/aml", text: `promote ${endpoint} green ${plan}`, userId: USER, channelId: channel, responseUrl });
  stack.slack.recordAck(responseUrl, await (await post(host, body)).text());
  return stack.slack.waitFor((messages) => {
    for (const m of messages) {
      const apply = m.channel === channel && !m.deleted ? applyButtonOf(m) : undefined;
      if (apply) return { ts: m.ts, changeId: apply };
    }
    return undefined;
  }, 30_000);
}

async function apply(host: HostProcess, channel: string, shown: { ts: string; changeId: string }): Promise<void> {
  const responseUrl = stack.slack.responseUrl(`click-${channel}`, { channel, user: USER, original: shown.ts });
  const payload = buttonClick({ actionId: "apply", value: shown.changeId, userId: USER, channelId: channel, responseUrl, messageTs: shown.ts, triggerId: `trigger-${channel}` });
  expect((await post(host, interactionBody(payload))).status).toBe(200);
}

function applyButtonOf(message: RecordedSlackMessage): string | undefined {
  for (const block of message.blocks as { type?: string; elements?: { action_id?: string; value?: string }[] }[]) {
    const button = block.type === "actions" ? block.elements?.find((e) => e.action_id === "apply") : undefined;
    if (button?.value) return button.value;
  }
  return undefined;
}

function acceptedWrites(endpoint: string): number {
  const path = new RegExp(`onlineEndpoints/${endpoint}$`, "i");
  return stack.emulator.requests.filter((r) => (r.method === "PUT" || r.method === "PATCH") && path.test(r.path) && r.status >= 200 && r.status < 300).length;
}

/**
 * The promotion's cards (one, updated in place, is right): the first version of each says it is promoting (its first
 * step, run in the Apply, posts it; "starting" when that step is left to the queue).
 */
function cards(channel: string, endpoint: string): RecordedSlackMessage[] {
  const first = `⏳ Promoting green on ${endpoint}: `;
  return stack.slack.messages.filter((m) => m.channel === channel && !m.deleted && (m.history[0]?.text ?? m.text).startsWith(first));
}

type Killed = Outcome & { readonly successorBeforeKill: boolean };

interface Outcome {
  readonly promotion?: Promotion;
  readonly writes: number;
  readonly cards: RecordedSlackMessage[];
  readonly traffic: Record<string, number>;
  readonly mirror: Record<string, number>;
  readonly seconds: number;
}

/**
 * Waits until the promotion is over and, when a host was killed in one of its transitions, that transition's job
 * was run to its end by the new host; then what Azure ML, the promotion's row and chat hold.
 */
async function outcome(endpoint: string, channel: string, promotionId: string, since: number, killedJob?: string): Promise<Outcome> {
  await vi
    .waitFor(
      async () => {
        const p = await stack.runtime.app.deps.promotions.get(promotionId);
        expect(p && !["running", "reverting"].includes(p.state), p?.note).toBe(true);
        if (killedJob) expect((await ledger.get(killedJob))?.state).toBe("done");
      },
      { timeout: RECOVERY_LIMIT_IN_MS, interval: 100 },
    )
    .catch(() => undefined); // the assertions below say what was missing
  const seconds = (Date.now() - since) / 1000;
  // Anything still to come (a second write, another card version) would arrive in this time.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const now = await stack.runtime.app.deps.endpoints.getEndpoint(stack.runtime.app.deps.workspaces[0]!, endpoint);
  const promotion = await stack.runtime.app.deps.promotions.get(promotionId);
  return { ...(promotion ? { promotion } : {}), writes: acceptedWrites(endpoint), cards: cards(channel, endpoint), traffic: now?.traffic ?? {}, mirror: now?.mirrorTraffic ?? {}, seconds };
}

function record(command: string, fault: string, o: Outcome): void {
  log.add({
    command,
    fault,
    said: o.cards.length === 1 && o.cards[0]!.text.startsWith("✅ Promoted: green serves 100 %") ? "applied" : "other",
    azure: o.traffic["green"] === 100 && Object.values(o.mirror).every((v) => v === 0) ? "applied" : "other",
    finalMessages: o.cards.length,
    acceptedWrites: o.writes,
    expectedWrites: STEPS,
    mirrorKept: Object.values(o.mirror).every((v) => v === 0),
    seconds: o.seconds,
  });
}

function expectExactlyOnce(o: Outcome, endpoint: string): void {
  expect(o.promotion?.state, o.promotion?.note).toBe("succeeded");
  expect(o.promotion!.transition).toBe(TRANSITIONS);
  // Each step once, in order: no transition ran twice, none was skipped.
  expect(o.promotion!.history.map((e) => e.text).filter((t) => /^step \d+:/.test(t))).toEqual(["step 1: blue=100; mirror green=50", "step 2: green=50 blue=50", "step 3: green=100"]);
  expect(o.writes).toBe(STEPS);
  expect(o.traffic).toMatchObject({ green: 100 });
  expect(o.cards).toHaveLength(1);
  expect(o.cards[0]!.text).toBe(`✅ Promoted: green serves 100 % of ${endpoint}`);
}

/**
 * All the kill points at once, on one queue: one host starts a promotion per point, each stopped at its point;
 * once all are stopped the host is killed and two others started. The promotions are independent (own endpoint, own
 * jobs), so each one meets the kill at its own point, and one lease covers all. While the new hosts wait for it,
 * they run the duplicate case.
 */
async function killAtEveryPoint(): Promise<{ killed: Map<number, Killed>; twice: Outcome & { readonly claims?: number } }> {
  const first = await hosts.start(env);
  const started = await Promise.all(
    POINTS.map(async (point, i) => {
      const channel = `C0PROMOKILL${i}`;
      const shown = await preview(first, channel, endpointOf(i), point.plan);
      const held = proxy.arm(point.rule(shown.changeId, endpointOf(i)));
      await apply(first, channel, shown);
      return { point, i, channel, id: shown.changeId, held };
    }),
  );
  await Promise.all(started.map((s) => s.held));
  // Each promotion is at its point and no further: the transition after the killed one has not been claimed.
  const successors = await Promise.all(started.map((s) => ledger.get(`${s.id}:e0:t${s.point.transition + 1}`)));
  first.child.kill("SIGKILL");
  const killedAt = Date.now();
  const [second, third] = await Promise.all([hosts.start(env), hosts.start(env)]);
  const [twice, outcomes] = await Promise.all([
    deliverTwice(second!, third!),
    Promise.all(
      started.map(async (s, k): Promise<[number, Killed]> => {
        const o = await outcome(endpointOf(s.i), s.channel, s.id, killedAt, `${s.id}:e0:t${s.point.transition}`);
        return [s.i, { ...o, successorBeforeKill: successors[k] !== undefined }];
      }),
    ),
  ]);
  return { killed: new Map(outcomes), twice };
}

/** The queue delivers transition 2 twice (two messages, due together), with two hosts polling it. */
async function deliverTwice(host: HostProcess, other: HostProcess): Promise<Outcome & { readonly claims?: number }> {
  expect(other.child.exitCode).toBeNull();
  const channel = `C0PROMOKILL${DUPLICATE}`;
  const shown = await preview(host, channel, endpointOf(DUPLICATE));
  const doubled = proxy.arm({ duplicate: true, match: (r) => queues(r, shown.changeId, 2) });
  const startedAt = Date.now();
  await apply(host, channel, shown);
  await doubled;
  const o = await outcome(endpointOf(DUPLICATE), channel, shown.changeId, startedAt);
  // Claimed once: the other copy found it held or done (the job ledger), never took it over.
  const claims = (await ledger.get(`${shown.changeId}:e0:t2`))?.attempts;
  return { ...o, ...(claims !== undefined ? { claims } : {}) };
}

describe("a promotion whose host is SIGKILLed mid-transition resumes it exactly once", () => {
  let killed: Map<number, Killed>;
  let twice: Outcome & { readonly claims?: number };
  beforeAll(async () => {
    ({ killed, twice } = await killAtEveryPoint());
    POINTS.forEach((point, i) => record("promote (3 steps), host SIGKILLed", point.name, killed.get(i)!));
    record("promote (3 steps), two hosts", "transition 2 queued twice, both copies due at once", twice);
  }, 150_000);

  POINTS.forEach((point, i) => {
    it(`killed ${point.name}: it succeeds, one write a step, each step once, the card says so`, () => {
      const o = killed.get(i)!;
      expect(o.successorBeforeKill, "the next transition had started before the kill").toBe(false);
      expectExactlyOnce(o, endpointOf(i));
      expect(o.seconds * 1000).toBeLessThan(RECOVERY_LIMIT_IN_MS);
    });
  });

  it("a transition delivered twice at once, to two hosts: one write", () => {
    expectExactlyOnce(twice, endpointOf(DUPLICATE));
    expect(twice.claims).toBe(1);
  });
});
