/**
 * `aml promote` in both chats, end to end through the real local stack (see `chat-drivers.ts`): a promotion is
 * asked for in the channel, its card follows each transition in place, people steer it with the card's buttons,
 * and it says so in a new message, mentioning the people concerned, when it stops on its own. Plan time runs 3600×
 * faster (an hour's hold takes a second: the queue's visibility delay is in whole seconds), and the emulator's
 * candidate metrics follow its scoring knobs and degradations, so a gate passes, fails or cannot decide on purpose.
 * The same flow runs on Slack and on Teams, each on its own stack with the same ids, and what people saw is compared.
 *
 * The local config is used as it is: churn-model's approval rule names `promote` and `delete`, and its promotion
 * defaults ask for 5 requests a step. The emulator's scenario is the default one with three changes, so that the
 * gates decide the same whatever the time of day: churn-model gets a second deployment to promote, both endpoints a
 * busier day (120 requests a minute at the peak, so a 50 % shadow stage has more than 5 requests in its first
 * minute even at night), and no stray errors (one odd 4xx among a dozen requests would cross an error bound).
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditRecord } from "../../commands/ports/audit-log.port.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import type { LocalStack } from "../../tools/local/local-stack.js";
import type { Rendered } from "./chat-views.js";
import { armWrites, closeStacks, expectSays, newStack, run, says, slackDriver, teamsDriver, until, verbs, type ChatDriver, type Message } from "./chat-drivers.js";

const GATES = '--gate "p99 <= 1.5x, 4xx <= baseline + 10pt, 5xx <= baseline + 10pt"';
const CONTROLS = ["promotion-pause", "promotion-now", "promotion-abort"];
const PAUSED_CONTROLS = ["promotion-resume", "promotion-now", "promotion-abort"];

// ─── The flow ──────────────────────────────────────────────────────────────────

interface Outcome {
  readonly full: Awaited<ReturnType<typeof fullPromotion>>;
  readonly degraded: Awaited<ReturnType<typeof degradedCandidate>>;
  readonly inconclusive: Awaited<ReturnType<typeof inconclusiveThenPass>>;
  readonly steering: Awaited<ReturnType<typeof steeredFromTheCard>>;
  readonly outOfBand: Awaited<ReturnType<typeof changedOutOfBand>>;
  readonly underRule: Awaited<ReturnType<typeof hurriedUnderARule>>;
  readonly degradedUnderRule: Awaited<ReturnType<typeof degradedUnderARule>>;
}

async function flow(chat: ChatDriver): Promise<Outcome> {
  return {
    full: await fullPromotion(chat),
    degraded: await degradedCandidate(chat),
    inconclusive: await inconclusiveThenPass(chat),
    steering: await steeredFromTheCard(chat),
    outOfBand: await changedOutOfBand(chat),
    underRule: await hurriedUnderARule(chat),
    degradedUnderRule: await degradedUnderARule(chat),
  };
}

/** 1 and 6: a healthy candidate through a shadow stage and three live steps to 100 %; with --retire, blue is deleted after the soak. */
async function fullPromotion(chat: ChatDriver) {
  const { stack } = chat;
  stack.emulator.reset();
  const { preview, card } = await start(chat, `promote fraud-scorer green --steps "mirror 50% 1h, 25% 1h, 50% 1h, 100%" ${GATES} --retire`);
  const deletion = await chat.posted(
    (v) => v.summary.endsWith(" blue on fraud-scorer"),
    () => until(card, (v) => v.summary.startsWith("✅ Promoted:") && says(v, "Retiring the old deployments:")),
  );
  const deleted = await until(deletion, (v) => v.summary === "Deleted: blue on fraud-scorer");
  return {
    preview,
    titles: card.versions().map((v) => v.summary),
    card: card.view(),
    trafficWrites: endpointWrites(stack, "fraud-scorer"),
    deletes: armWrites(stack).filter((w) => w.startsWith("DELETE")),
    traffic: await traffic(stack, "fraud-scorer"),
    deleted,
    blueExists: await exists(stack, "fraud-scorer", "blue"),
    audit: (await audit(stack, "fraud-scorer")).filter((r) => r.verb === "promote" && r.userId === "aml-chatops").map((r) => `${r.after}: ${r.text}`),
  };
}

/** 2: a candidate 400 ms slower on every request (its p99 over 1.5x the baseline's), reverted at the end of the shadow stage, with a new message. */
async function degradedCandidate(chat: ChatDriver) {
  const { stack } = chat;
  stack.emulator.reset();
  stack.emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "green" }, { latencyMs: 400 });
  const { card } = await start(chat, `promote fraud-scorer green --steps "mirror 50% 1h, 50% 1h, 100%" ${GATES}`);
  const notice = await chat.posted((v) => v.summary.endsWith("was reverted"), () => until(card, (v) => v.summary.startsWith("↩ Reverted")));
  const promotion = await stack.runtime.app.deps.promotions.get(idOf(card.view()));
  const p99 = promotion?.lastGates?.find((g) => g.gate.metric === "p99");
  return { card: card.view(), notice: notice.view(), p99: [p99?.value, p99?.baseline], trafficWrites: endpointWrites(stack, "fraud-scorer").length, traffic: await traffic(stack, "fraud-scorer") };
}

/** 3: no request reaches the candidate at first, so the step waits longer; once they do, the gates pass and it goes on. */
async function inconclusiveThenPass(chat: ChatDriver) {
  const { stack } = chat;
  stack.emulator.reset();
  stack.emulator.metrics.degrade({ endpoint: "fraud-scorer", deployment: "green", requestFactor: 0 });
  const { card } = await start(chat, `promote fraud-scorer green --steps "mirror 50% 1h, 100%" ${GATES}`);
  const waiting = await until(card, (v) => says(v, "inconclusive"));
  stack.emulator.metrics.clear(); // the run-time degradation only: the scenario's stay
  const done = await until(card, (v) => v.summary.startsWith("✅ Promoted:"));
  const promotion = await stack.runtime.app.deps.promotions.get(idOf(done));
  return { waiting, card: done, history: promotion?.history.map((e) => e.text) ?? [], traffic: await traffic(stack, "fraud-scorer") };
}

/** 4 and 7: Pause, Resume, Promote now and Abort on the card; while it runs, the endpoint is locked. */
async function steeredFromTheCard(chat: ChatDriver) {
  const { stack } = chat;
  stack.emulator.reset();
  const { card } = await start(chat, `promote fraud-scorer green --steps "mirror 50% 12h, 50% 12h, 100%" ${GATES}`);
  const running = await until(card, (v) => v.summary.includes("step 1 of 3"));
  const writesBeforePause = armWrites(stack).length;
  const pauseAnswer = await chat.press(card, "promotion-pause", "operator");
  const paused = { answer: pauseAnswer, card: await until(card, (v) => v.summary.startsWith("⏸ Paused")), writes: armWrites(stack).length - writesBeforePause };
  const resumeAnswer = await chat.press(card, "promotion-resume", "operator");
  const resumed = { answer: resumeAnswer, card: await until(card, (v) => v.summary.startsWith("⏳ Promoting")) };
  const hurryAnswer = await chat.press(card, "promotion-now", "operator");
  const hurried = { answer: hurryAnswer, card: await until(card, (v) => v.summary.includes("step 2 of 3")), traffic: await traffic(stack, "fraud-scorer") };

  const id = idOf(running);
  const writesBeforeLock = armWrites(stack).length;
  const refused = await chat.privateAnswer("traffic fraud-scorer blue=40 green=60 --yes", "operator");
  const lock = {
    refused,
    writes: armWrites(stack).length - writesBeforeLock,
    listed: await answerTo(chat, "promotions fraud-scorer"),
    status: await answerTo(chat, `promotion status ${id}`),
  };

  const abortAnswer = await chat.press(card, "promotion-abort", "operator");
  const aborted = { answer: abortAnswer, card: await until(card, (v) => v.summary.startsWith("Aborted")), traffic: await traffic(stack, "fraud-scorer") };
  const unlocked = await until(await chat.command("traffic fraud-scorer blue=90 green=10", "operator"), (v) => verbs(v).includes("apply"));
  return { id, running, paused, resumed, hurried, lock, aborted, unlocked };
}

/** 5: someone lowers the shadow share in the portal during the stage; the promotion pauses and says what changed. */
async function changedOutOfBand(chat: ChatDriver) {
  const { stack } = chat;
  stack.emulator.reset();
  // Two seconds' hold: the portal's change must land before the stage ends, even when the card's update is slow.
  const { card } = await start(chat, `promote fraud-scorer green --steps "mirror 50% 2h, 100%" ${GATES}`);
  await until(card, (v) => v.summary.includes("step 1 of 2"));
  const writes = armWrites(stack).length;
  stack.emulator.faults.mutate(endpointId(stack, "fraud-scorer"), { properties: { mirrorTraffic: { green: 20 } } });
  const notice = await chat.posted((v) => v.summary.endsWith(" paused"), () => until(card, (v) => v.summary.startsWith("⏸ Paused")));
  const paused = { card: card.view(), notice: notice.view(), writes: armWrites(stack).length - writes, traffic: await traffic(stack, "fraud-scorer") };
  await chat.press(card, "promotion-abort", "operator");
  return { paused, aborted: await until(card, (v) => v.summary.startsWith("Aborted")), traffic: await traffic(stack, "fraud-scorer") };
}

/** 4 and 6 under churn-model's rule: Promote now is for an approver other than the requester; --retire asks to approve the deletion. */
async function hurriedUnderARule(chat: ChatDriver) {
  const { stack } = chat;
  stack.emulator.reset();
  const { request, card } = await requestAndApprove(chat, `promote churn-model next --steps "mirror 50% 12h, 100%" ${GATES} --retire`);
  const running = await until(card, (v) => v.summary.includes("step 1 of 2"));
  const ownHurry = await chat.press(card, "promotion-now", "operator");
  const writes = endpointWrites(stack, "churn-model").length;
  let hurry: Rendered | undefined;
  const retirement = await chat.posted(
    (v) => verbs(v).includes("approve"),
    async () => (hurry = await chat.press(card, "promotion-now", "approver")),
  );
  return {
    request,
    running,
    ownHurry,
    writesAfterOwnHurry: writes,
    hurry: hurry!,
    card: await until(card, (v) => v.summary.startsWith("✅ Promoted:") && says(v, "Retiring the old deployments:")),
    retirement: retirement.view(),
    deletes: armWrites(stack).filter((w) => w.startsWith("DELETE")),
    mainExists: await exists(stack, "churn-model", "main"),
    traffic: await traffic(stack, "churn-model"),
  };
}

/** 2 under the rule: a failing model (424s) reverted; the new message mentions the requester and the approvers. */
async function degradedUnderARule(chat: ChatDriver) {
  const { stack } = chat;
  stack.emulator.reset();
  stack.emulator.scoring.setKnobs({ endpoint: "churn-model", deployment: "next" }, { errorRate: 0.9 });
  let card: Message | undefined;
  const notice = await chat.posted(
    (v) => v.summary.endsWith("was reverted"),
    async () => {
      ({ card } = await requestAndApprove(chat, `promote churn-model next --steps "mirror 50% 1h, 100%" ${GATES}`));
      await until(card, (v) => v.summary.startsWith("↩ Reverted"));
    },
  );
  return { card: card!.view(), notice: notice.view(), traffic: await traffic(stack, "churn-model") };
}

// ─── Helpers ───────────────────────────────────────────────────────────────────

/** A card of a promotion (its context names the time scale), not the answers around it. */
const isPromotionCard = (view: Rendered): boolean => says(view, "Plan time runs 3600× faster here");

/** The promotion's id, from its card's context (`aml promotion status <id>`). */
function idOf(card: Rendered): string {
  const id = card.words.find((w) => /^request-\d{4}$/.test(w));
  if (!id) throw new Error(`no promotion id on ${JSON.stringify(card)}`);
  return id;
}

/** `aml promote` previewed, then applied by the operator: the preview and the promotion's card. */
async function start(chat: ChatDriver, text: string): Promise<{ preview: Rendered; card: Message }> {
  const answer = await chat.command(text, "operator");
  const preview = await until(answer, (v) => verbs(v).includes("apply"));
  const card = await chat.posted(isPromotionCard, () => chat.click(answer, "apply", "operator"));
  return { preview, card };
}

/** `aml promote` under an approval rule: the operator asks, the approver approves; the request card, and the promotion's card. */
async function requestAndApprove(chat: ChatDriver, text: string): Promise<{ request: Rendered; card: Message }> {
  const asked = await chat.request(text, "operator");
  const request = asked.card.view();
  const card = await chat.posted(isPromotionCard, () => chat.press(asked.card, "approve", "approver"));
  return { request, card };
}

/** A slow verb's answer, once it took the place of its "⏳" ack. */
async function answerTo(chat: ChatDriver, text: string): Promise<Rendered> {
  return until(await chat.command(text, "viewer"), (v) => !v.summary.startsWith("⏳ Reading"));
}

function endpointId(stack: LocalStack, endpoint: string): string {
  return `/subscriptions/${stack.emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/${endpoint}`;
}

/** Writes to the endpoint itself (its traffic), not to its deployments. */
function endpointWrites(stack: LocalStack, endpoint: string): string[] {
  return armWrites(stack).filter((w) => w.toLowerCase().endsWith(`/onlineendpoints/${endpoint}`));
}

async function traffic(stack: LocalStack, endpoint: string): Promise<unknown> {
  const deps = stack.runtime.app.deps;
  const found = await deps.endpoints.getEndpoint(deps.workspaces[0]!, endpoint);
  return { live: found?.traffic, mirror: found?.mirrorTraffic ?? {} };
}

async function exists(stack: LocalStack, endpoint: string, deployment: string): Promise<boolean> {
  const deps = stack.runtime.app.deps;
  return (await deps.endpoints.getDeployment(deps.workspaces[0]!, endpoint, deployment)) !== undefined;
}

/** The audit log of the endpoint, oldest first. */
async function audit(stack: LocalStack, endpoint: string): Promise<AuditRecord[]> {
  return (await stack.runtime.app.deps.audit.list({ endpoint, limit: 200 })).reverse();
}

// ─── The suite ─────────────────────────────────────────────────────────────────

let slack: Outcome;
let teams: Outcome;

beforeAll(async () => {
  const scenario = defaultScenario();
  const [fraud, churn] = scenario.workspaces[0]!.endpoints;
  const main = churn!.deployments![0]!;
  churn!.deployments!.push({ ...main, name: "next" });
  churn!.traffic = { main: 100, next: 0 };
  scenario.metrics = {
    peakRequestsPerMinute: { [fraud!.name]: 120, [churn!.name]: 120 },
    degradations: [fraud!.name, churn!.name].map((endpoint) => ({ endpoint, clientErrorShare: 0, serverErrorShare: 0 })),
  };
  const file = join(await mkdtemp(join(tmpdir(), "aml-promotions-")), "scenario.json");
  await writeFile(file, JSON.stringify(scenario));
  const start = () => newStack({ env: { AML_PROMOTION_TIME_SCALE: "3600", AML_FOLLOW_UP_INTERVAL_MS: "250", AML_EMULATOR_SCENARIO: file } });
  slack = await run(start, (stack) => flow(slackDriver(stack)));
  teams = await run(start, (stack) => flow(teamsDriver(stack)));
}, 300_000);
afterAll(closeStacks);

describe.each([
  ["Slack", () => slack],
  ["Teams", () => teams],
])("promotions on %s", (_platform, outcome) => {
  it("previews a promotion with its plan, what each step sends and its gates, with Apply", () => {
    const { preview } = outcome().full;
    expect(preview.summary).toBe("Proposed: promote green on fraud-scorer in 4 steps");
    expect(verbs(preview)).toEqual(["apply", "cancel"]);
    expectSays(preview, "1. mirror 50 % · 1h → blue=100; mirror green=50");
    expectSays(preview, "2. 25 % live · 1h → green=25 blue=75");
    expectSays(preview, "4. 100 % live → green=100");
    expectSays(preview, "• p99 <= 1.5x");
    expectSays(preview, "Then the old deployments are deleted after 2m at 0 %");
  });

  it("runs a shadow stage and three live steps to 100 %, one traffic write each, its card updated in place to Promoted", () => {
    const { full } = outcome();
    expect(full.titles).toEqual(
      expect.arrayContaining([
        "⏳ Promoting green on fraud-scorer: step 1 of 4 (mirror 50 %)",
        "⏳ Promoting green on fraud-scorer: step 2 of 4 (25 % live)",
        "⏳ Promoting green on fraud-scorer: step 3 of 4 (50 % live)",
        "✅ Promoted green on fraud-scorer: retiring the old deployments",
      ]),
    );
    expect(full.card.summary).toBe("✅ Promoted: green serves 100 % of fraud-scorer");
    expect(verbs(full.card)).toEqual([]);
    for (const gate of ["✅ p99 <= 1.5x:", "✅ 4xx <= baseline + 10pt: 0 %", "✅ 5xx <= baseline + 10pt: 0 %"]) expectSays(full.card, gate);
    expect(full.trafficWrites).toHaveLength(4);
    expect(full.traffic).toEqual({ live: { green: 100 }, mirror: {} });
    expect(full.audit).toEqual([
      "running: step 1: blue=100; mirror green=50",
      "running: step 2: green=25 blue=75",
      "running: step 3: green=50 blue=50",
      "running: step 4: green=100",
      "succeeded: Retiring the old deployments: `blue`: Deleting blue on fraud-scorer.",
    ]);
  });

  it("retires blue after the soak with --retire: a deletion of its own, with its status card, in the requester's name", () => {
    const { full } = outcome();
    expectSays(full.card, "Retiring the old deployments: blue:");
    expect(full.deleted.summary).toBe("Deleted: blue on fraud-scorer");
    expectSays(full.deleted, "Requested by operator");
    expect(full.deletes).toEqual([expect.stringMatching(/\/onlineEndpoints\/fraud-scorer\/deployments\/blue$/)]);
    expect(full.blueExists).toBe(false);
  });

  it("reverts a slow candidate at the shadow stage, naming the gate with both numbers, in a new message that mentions the requester", () => {
    const { degraded } = outcome();
    expect(degraded.card.summary).toBe("↩ Reverted: green on fraud-scorer");
    expectSays(degraded.card, "gate failed: p99 <= 1.5x");
    expect(degraded.card.words.some((w) => w === "❌")).toBe(true);
    expect(verbs(degraded.card)).toEqual([]);
    expect(degraded.traffic).toEqual({ live: { blue: 100, green: 0 }, mirror: {} });
    expect(degraded.trafficWrites).toBe(2); // the shadow stage, then the revert
    expect(degraded.notice.summary).toBe("Promotion of green on fraud-scorer was reverted");
    expect(degraded.notice.mentions).toEqual(["operator"]);
    expectSays(degraded.notice, "cc operator");
    // Both numbers: the candidate's p99 (400 ms of model time on top of its serving time), and the baseline's.
    expectSays(degraded.notice, "• p99 <= 1.5x: p99 at ms, the baseline's ms; 1.5x allowed");
    const [candidateP99, baselineP99] = degraded.p99;
    expect(candidateP99).toBeGreaterThan(400);
    expect(candidateP99).toBeGreaterThan(1.5 * baselineP99!);
    for (const value of degraded.p99) expect(degraded.notice.words).toContain(String(Math.round(value!)));
    expectSays(degraded.notice, "fraud-scorer: green against the baseline (UTC)");
  });

  it("waits longer while the candidate has too few requests for a verdict, then goes on once the gates pass", () => {
    const { inconclusive } = outcome();
    expect(inconclusive.waiting.summary).toBe("⏳ Promoting green on fraud-scorer: step 1 of 2 (mirror 50 %)");
    expectSays(inconclusive.waiting, "⏳ p99 <= 1.5x: inconclusive (0 requests, 5 needed)");
    expect(verbs(inconclusive.waiting)).toEqual(CONTROLS);
    // Once at least (a busy machine may look again before the test lets the requests through), then on.
    expect(inconclusive.history.slice(0, 3)).toEqual(["started by operator (the command)", "step 1: blue=100; mirror green=50", "step 1 inconclusive (0 requests, 5 needed); waiting 60 min more"]);
    expect(inconclusive.history.at(-1)).toBe("step 2: green=100");
    expect(inconclusive.card.summary).toBe("✅ Promoted: green serves 100 % of fraud-scorer");
    expect(inconclusive.traffic).toEqual({ live: { green: 100 }, mirror: {} });
  });

  it("pauses from the card without sending anything, resumes, and moves on at once with Promote now", () => {
    const { steering } = outcome();
    expect(verbs(steering.running)).toEqual(CONTROLS);
    expect(steering.paused.answer.summary).toBe("Promotion of green paused");
    expect(steering.paused.card.summary).toBe("⏸ Paused: promotion of green on fraud-scorer at step 1 of 3 (mirror 50 %)");
    expectSays(steering.paused.card, "Paused by operator.");
    expect(verbs(steering.paused.card)).toEqual(PAUSED_CONTROLS);
    expect(steering.paused.writes).toBe(0);
    expect(steering.resumed.answer.summary).toBe("Promotion of green resumed");
    expect(verbs(steering.resumed.card)).toEqual(CONTROLS);
    expect(steering.hurried.answer.summary).toBe("Promotion of green moved on to the next step");
    expect(steering.hurried.card.summary).toBe("⏳ Promoting green on fraud-scorer: step 2 of 3 (50 % live)");
    expect(steering.hurried.traffic).toEqual({ live: { green: 50, blue: 50 }, mirror: {} });
  });

  it("aborts from the card, putting the split from before back, and frees the endpoint", () => {
    const { steering } = outcome();
    expect(steering.aborted.answer.summary).toBe("Promotion of green aborted");
    expect(steering.aborted.card.summary).toBe("Aborted: promotion of green on fraud-scorer");
    expectSays(steering.aborted.card, "aborted by operator");
    expect(verbs(steering.aborted.card)).toEqual([]);
    expect(steering.aborted.traffic).toEqual({ live: { blue: 100, green: 0 }, mirror: {} });
    expect(steering.unlocked.summary).toMatch(/^Proposed on fraud-scorer: /);
  });

  it("locks the endpoint while it runs: aml traffic is refused naming the promotion; aml promotions and aml promotion status show it", () => {
    const { lock, id } = outcome().steering;
    expect(lock.refused.summary).toMatch(/^fraud-scorer is being promoted: A promotion of `green` holds fraud-scorer \(running, step 2 of 3; started by operator at \d{2}:\d{2} UTC\)\.$/);
    expectSays(lock.refused, `aml promotion status ${id};`);
    expectSays(lock.refused, "Nothing was changed.");
    expect(lock.writes).toBe(0);
    expect(lock.listed.summary).toBe("4 promotion(s) on fraud-scorer");
    for (const row of [`${id} fraud-scorer: green running step 2 of 3`, "request-0001 fraud-scorer: green succeeded step 4 of 4", "request-0002 fraud-scorer: green reverted step 1 of 3"]) expectSays(lock.listed, row);
    expect(lock.status.summary).toBe("⏳ Promoting green on fraud-scorer: step 2 of 3 (50 % live)");
    expectSays(lock.status, "History");
    expectSays(lock.status, "paused by operator");
    expectSays(lock.status, "resumed by operator");
  });

  it("pauses on a change made outside it, saying what changed, with Resume and Abort; Abort puts the split from before back over it", () => {
    const { outOfBand } = outcome();
    expect(outOfBand.paused.card.summary).toBe("⏸ Paused: promotion of green on fraud-scorer at step 1 of 2 (mirror 50 %)");
    expectSays(outOfBand.paused.card, "fraud-scorer was changed outside the promotion: it holds blue=100; mirror green=20, the promotion left blue=100; mirror green=50.");
    expect(verbs(outOfBand.paused.card)).toEqual(PAUSED_CONTROLS);
    expect(outOfBand.paused.writes).toBe(0);
    expect(outOfBand.paused.traffic).toEqual({ live: { blue: 100 }, mirror: { green: 20 } });
    expect(outOfBand.paused.notice.summary).toBe("Promotion of green on fraud-scorer paused");
    expect(outOfBand.paused.notice.mentions).toEqual(["operator"]);
    expectSays(outOfBand.paused.notice, "changed outside the promotion");
    expect(outOfBand.aborted.summary).toBe("Aborted: promotion of green on fraud-scorer");
    expect(outOfBand.traffic).toEqual({ live: { blue: 100, green: 0 }, mirror: {} });
  });

  it("under an approval rule, refuses Promote now to the requester and lets an approver press it", () => {
    const { underRule } = outcome();
    expect(underRule.request.summary).toBe("Approval needed: Proposed: promote next on churn-model in 2 steps");
    expect(underRule.request.mentions).toEqual(["approver", "admin"]);
    expect(verbs(underRule.running)).toEqual(CONTROLS);
    expect(underRule.ownHurry.summary).toBe("Not allowed: Promote now skips the gates of a promotion that needed approval: someone else among its approvers may press it, not the requester.");
    expect(underRule.writesAfterOwnHurry).toBe(1); // the shadow stage only
    expect(underRule.hurry.summary).toBe("Promotion of next moved on to the next step");
    expect(underRule.card.summary).toBe("✅ Promoted: next serves 100 % of churn-model");
    expect(underRule.traffic).toEqual({ live: { next: 100 }, mirror: {} });
  });

  it("under a rule naming delete, --retire asks the approvers to approve the deletion, in the requester's name, and deletes nothing yet", () => {
    const { underRule } = outcome();
    expect(underRule.retirement.summary).toBe("Approval needed: Retire main on churn-model after the promotion of next");
    expect(verbs(underRule.retirement)).toEqual(["approve", "reject", "cancel"]);
    expect(underRule.retirement.mentions).toEqual(["approver", "admin"]);
    expectSays(underRule.retirement, "Requested by operator");
    expectSays(underRule.card, "Retiring the old deployments: main:");
    expect(underRule.deletes).toEqual([]);
    expect(underRule.mainExists).toBe(true);
  });

  it("under a rule, reverts a failing candidate and mentions the requester and the approvers", () => {
    const { degradedUnderRule } = outcome();
    expect(degradedUnderRule.card.summary).toBe("↩ Reverted: next on churn-model");
    expectSays(degradedUnderRule.card, "gate failed: 4xx <= baseline + 10pt");
    expect(degradedUnderRule.traffic).toEqual({ live: { main: 100, next: 0 }, mirror: {} });
    expect(degradedUnderRule.notice.summary).toBe("Promotion of next on churn-model was reverted");
    expect(degradedUnderRule.notice.mentions).toEqual(["operator", "approver", "admin"]);
    expectSays(degradedUnderRule.notice, "• 4xx <= baseline + 10pt: 4xx at %, pt above the baseline's 0 %; 10 pt allowed");
  });
});

/**
 * What both platforms must show alike. Each platform's run reads the emulator's metrics in other minutes, so the
 * numbers a gate read differ (as do times of day and dates); the words around them, the buttons and the mentions
 * must not.
 */
function steady(view: Rendered): Rendered {
  const varying = /^\d{2}:\d{2}|^\d{4}-\d{2}-\d{2}$|^─+$|^[(]?\d+(\.\d+)?x?[),.;:]*$/;
  return {
    summary: view.summary.replace(/\d{2}:\d{2}/g, "hh:mm"),
    words: view.words.filter((w) => !varying.test(w)),
    buttons: view.buttons,
    ...(view.mentions ? { mentions: view.mentions } : {}),
  };
}

describe("promotions on Slack and Teams", () => {
  it("show the same messages at every step", () => {
    const views = (o: Outcome): [string, Rendered][] => [
      ["preview", o.full.preview],
      ["promoted", o.full.card],
      ["deleted", o.full.deleted],
      ["reverted", o.degraded.card],
      ["revert notice", o.degraded.notice],
      ["inconclusive", o.inconclusive.waiting],
      ["running", o.steering.running],
      ["paused", o.steering.paused.card],
      ["pause answer", o.steering.paused.answer],
      ["resumed", o.steering.resumed.card],
      ["hurried", o.steering.hurried.card],
      ["locked", o.steering.lock.refused],
      ["listed", o.steering.lock.listed],
      ["status", o.steering.lock.status],
      ["aborted", o.steering.aborted.card],
      ["out of band", o.outOfBand.paused.card],
      ["out-of-band notice", o.outOfBand.paused.notice],
      ["request", o.underRule.request],
      ["own hurry", o.underRule.ownHurry],
      ["hurry", o.underRule.hurry],
      ["promoted under a rule", o.underRule.card],
      ["retirement request", o.underRule.retirement],
      ["reverted under a rule", o.degradedUnderRule.card],
      ["revert notice under a rule", o.degradedUnderRule.notice],
    ];
    const onTeams = new Map(views(teams));
    for (const [step, view] of views(slack)) expect(steady(onTeams.get(step)!), step).toEqual(steady(view));
  });

  it("write the same to Azure ML and the audit log", () => {
    expect(teams.full.trafficWrites).toEqual(slack.full.trafficWrites);
    expect(teams.full.deletes).toEqual(slack.full.deletes);
    expect(teams.full.audit).toEqual(slack.full.audit);
  });
});
