/**
 * `aml promote` through the real core, the real ARM and metrics ports and the AML emulator, with the promotion
 * machine's transitions run as in-process follow-ups. Plan time runs 3600× faster (a minute's hold is 17 ms), and
 * the clock is the real one, because the emulator's metrics follow the traffic split minute by minute in real time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Promotion } from "../../../commands/ports/promotions.port.js";
import type { Reply } from "../../../commands/reply.js";
import type { InProcessFollowUps } from "../../../src/memory/in-process.follow-ups.js";
import { armWrites, click, command, startCoreHarness, storedTraffic, textOf, TEST_POLICY, type CoreHarness } from "../../helpers/core-harness.js";
import { recordingNotifier, type RecordingNotifier } from "../../helpers/recording-notifier.js";
import { defaultScenario } from "../../../tools/emulator/scenario.js";

let h: CoreHarness;
let chat: RecordingNotifier;
beforeAll(async () => {
  chat = recordingNotifier();
  h = await startCoreHarness({
    notifier: chat,
    realClock: true,
    env: { AML_PROMOTION_TIME_SCALE: "3600" },
    // Enough load that a gate reads hundreds of requests: at a few a minute, one 4xx drawn for a healthy candidate
    // was a 4xx share of 100 % and failed "4xx <= baseline + 10pt" now and then.
    scenario: { ...defaultScenario(), metrics: { peakRequestsPerMinute: { "fraud-scorer": 6000 } } },
    policy: {
      ...TEST_POLICY,
      promotions: [{ workspace: "demo", minRequests: 100, maxExtensions: 2 }],
      approvals: [{ workspace: "demo", endpoints: ["churn-model"], verbs: ["promote"], approvers: { users: ["slack:UALICE"] } }],
    },
  });
});
afterAll(() => h.close());
beforeEach(async () => {
  await followUps().settled();
  // A test that failed halfway must not leave its promotion holding the endpoint for the next one.
  for (const p of await h.app.deps.promotions.list({ active: true })) await h.app.deps.promotions.update(p.id, () => ({ state: "failed", updatedAt: new Date() }));
  h.emulator.reset();
  chat.messages.length = 0;
});

const followUps = (): InProcessFollowUps => h.app.deps.followUps as InProcessFollowUps;
const SHORT = '--steps "mirror 20% 1m, 20% 1m, 50% 1m, 100%" --gate "p99 <= 2x, 4xx <= baseline + 10pt, 5xx <= baseline + 10pt"';

async function startPromotion(text: string): Promise<Promotion> {
  const preview = await h.core.execute(command(text));
  const apply = preview.buttons?.find((b) => b.label === "Apply");
  expect(apply, textOf(preview)).toBeDefined();
  await h.core.press(click(apply!));
  const [promotion] = await h.app.deps.promotions.list({ endpoint: "fraud-scorer" });
  expect(promotion).toBeDefined();
  return promotion!;
}

function card(id: string): Reply {
  const message = chat.messages.find((m) => m.updateKey === `promote:${id}`);
  expect(message, "the promotion's card was posted").toBeDefined();
  return message!.versions.at(-1)!;
}

async function finished(id: string): Promise<Promotion> {
  await followUps().settled();
  expect(followUps().failures).toEqual([]);
  return (await h.app.deps.promotions.get(id))!;
}

describe("aml promote", () => {
  it("previews the plan, what each step sends and the gates, and changes nothing", async () => {
    const preview = await h.core.execute(command(`promote fraud-scorer green ${SHORT}`));
    expect(preview.title).toBe("Promote green on fraud-scorer");
    const text = textOf(preview);
    expect(text).toContain("1. mirror 20 % · 1m → blue=100; mirror green=20");
    expect(text).toContain("3. 50 % live · 1m → green=50 blue=50");
    expect(text).toContain("4. 100 % live → green=100");
    expect(text).toContain("p99 <= 2x");
    expect(armWrites(h)).toEqual([]);
  });

  it("refuses a plan that does not parse, naming the problem", async () => {
    const reply = await h.core.execute(command('promote fraud-scorer green --steps "mirror 80% 1m, 100%"'));
    expect(textOf(reply)).toMatch(/50 %/);
    expect(armWrites(h)).toEqual([]);
  });

  it("runs a healthy candidate through the shadow stage and every live step to 100 %, one write a step", async () => {
    const promotion = await startPromotion(`promote fraud-scorer green ${SHORT}`);
    const from = h.emulator.requests.length;
    const done = await finished(promotion.id);
    expect(done.state, done.note).toBe("succeeded");
    // Per step: one read of the endpoint and the PUT, which returns once Azure ML accepted it (no polls, no read
    // back; the next step's read sees whether it landed), and one read confirming the last step; a read that finds
    // Azure ML still busy looks again later, as a transition of its own (on a loaded machine the 30 ms the emulator
    // takes can outlast a 17 ms hold). So: one read a transition at most, one PUT a step, nothing else. Metrics come
    // from Azure Monitor, not ARM.
    const arm = h.emulator.requests.slice(from).filter((r) => r.path.includes("/providers/Microsoft.MachineLearningServices/"));
    const reads = arm.filter((r) => r.method === "GET" && /onlineEndpoints\/fraud-scorer$/i.test(r.path));
    const puts = arm.filter((r) => r.method === "PUT");
    expect(arm.filter((r) => !reads.includes(r) && !puts.includes(r))).toEqual([]);
    expect(done.transition).toBeGreaterThanOrEqual(4 + 1);
    expect(reads.length).toBeLessThanOrEqual(done.transition);
    expect(puts).toHaveLength(4);
    expect(await storedTraffic(h, "fraud-scorer")).toEqual({ traffic: { green: 100 }, mirrorTraffic: {} });
    expect(armWrites(h).filter((w) => w.startsWith("PUT") || w.startsWith("PATCH"))).toHaveLength(4);
    const versions = chat.messages.find((m) => m.updateKey === `promote:${promotion.id}`)!.versions.map((v) => v.title);
    expect(versions).toContain("⏳ Promoting green on fraud-scorer: step 1 of 4 (mirror 20 %)");
    expect(versions).toContain("⏳ Promoting green on fraud-scorer: step 3 of 4 (50 % live)");
    expect(card(promotion.id).title).toBe("✅ Promoted: green serves 100 % of fraud-scorer");
    expect(textOf(card(promotion.id))).toContain("✅ p99 <= 2x");
  });

  it("reverts a degraded candidate to the split before the promotion, says which gate failed, and mentions the requester", async () => {
    h.emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "green" }, { errorRate: 0.6 });
    const promotion = await startPromotion(`promote fraud-scorer green ${SHORT}`);
    const done = await finished(promotion.id);
    expect(done.state).toBe("reverted");
    expect(done.note).toContain("gate failed: 4xx <= baseline + 10pt");
    expect(await storedTraffic(h, "fraud-scorer")).toEqual({ traffic: { blue: 100, green: 0 }, mirrorTraffic: {} });
    const notice = chat.messages.find((m) => m.versions[0]!.title?.includes("was reverted"));
    expect(notice, "a new message tells people").toBeDefined();
    expect(notice!.versions[0]!.notify?.users).toContain("slack:UOPS");
    expect(textOf(card(promotion.id))).toMatch(/❌ 4xx <= baseline \+ 10pt/);
    // The revert's transition delivered again, as when its worker died after the row was written and before the
    // notice went out: the notice is posted then, and a further delivery updates it rather than repeating it.
    chat.messages.splice(chat.messages.indexOf(notice!), 1);
    const again = { id: "again", kind: "promotion-step" as const, payload: { promotionId: done.id, epoch: done.epoch, transition: done.transition } };
    await h.core.followUp(again);
    await h.core.followUp(again);
    expect(chat.messages.filter((m) => m.versions[0]!.title?.includes("was reverted"))).toHaveLength(1);
  });

  it("pauses when Azure ML accepts a step and then fails it, says so, and sends the step again on Resume", async () => {
    const promotion = await startPromotion(`promote fraud-scorer green --steps "mirror 20% 10m, 20% 10m, 100%" --gate "p99 <= 3x"`);
    await waitFor(async () => (await h.app.deps.promotions.get(promotion.id))?.step === 0);
    // Step 2's write is accepted (201), then its operation ends Failed and Azure ML puts step 1's split back.
    h.emulator.faults.failOperations({ resourceType: "endpoint", name: "fraud-scorer", action: "update" });
    const paused = await finished(promotion.id);
    expect(paused.state).toBe("paused");
    expect(paused.note).toContain("Azure ML did not apply step 2");
    expect(paused.note).not.toContain("changed outside the promotion");
    expect(paused.step).toBe(0);
    expect(await storedTraffic(h, "fraud-scorer")).toEqual({ traffic: { blue: 100 }, mirrorTraffic: { green: 20 } });
    expect(chat.messages.some((m) => m.versions[0]!.notify !== undefined && textOf(m.versions[0]!).includes("did not apply step 2"))).toBe(true);

    await h.core.press(click(card(promotion.id).buttons!.find((b) => b.label === "Resume")!));
    const done = await finished(promotion.id);
    expect(done.state, done.note).toBe("succeeded");
    expect(await storedTraffic(h, "fraud-scorer")).toEqual({ traffic: { green: 100 }, mirrorTraffic: {} });
  });

  it("confirms the last step with one read, and pauses instead of succeeding when Azure ML failed it", async () => {
    const promotion = await startPromotion(`promote fraud-scorer green --steps "20% 10m, 100%" --gate "p99 <= 3x"`);
    await waitFor(async () => (await h.app.deps.promotions.get(promotion.id))?.step === 0);
    h.emulator.faults.failOperations({ resourceType: "endpoint", name: "fraud-scorer", action: "update" });
    const paused = await finished(promotion.id);
    expect(paused.state).toBe("paused");
    expect(paused.note).toContain("Azure ML did not apply step 2");
    expect(paused.step).toBe(0);
    expect(await storedTraffic(h, "fraud-scorer")).toEqual({ traffic: { green: 20, blue: 80 }, mirrorTraffic: {} });
  });

  it("pauses on a change made outside it, and Abort puts the split from before back", async () => {
    const promotion = await startPromotion(`promote fraud-scorer green --steps "mirror 20% 10m, 20% 10m, 100%"`);
    // The first step lands, then someone changes the endpoint in the portal during its hold.
    await waitFor(async () => (await h.app.deps.promotions.get(promotion.id))?.step === 0);
    const id = `/subscriptions/${h.emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer`;
    h.emulator.faults.mutate(id, { properties: { traffic: { blue: 90, green: 10 }, mirrorTraffic: {} } });
    const paused = await finished(promotion.id);
    expect(paused.state).toBe("paused");
    expect(paused.note).toContain("changed outside the promotion");
    const abort = card(promotion.id).buttons?.find((b) => b.label === "Abort");
    expect(abort).toBeDefined();
    const answer = await h.core.press(click(abort!));
    expect(answer.visibility).toBe("requester");
    const aborted = await finished(promotion.id);
    // Abort is a person's choice, made with the pause's note in front of them: it puts the split from before back.
    expect(aborted.state).toBe("aborted");
    expect(await storedTraffic(h, "fraud-scorer")).toEqual({ traffic: { blue: 100, green: 0 }, mirrorTraffic: {} });
  });
});

describe("steering a promotion", () => {
  const LONG = '--steps "mirror 20% 60m, 20% 60m, 100%" --gate "p99 <= 3x"'; // a minute's hold is a second here

  it("locks the endpoint while it runs, lists it, and pauses and resumes from its card", async () => {
    const promotion = await startPromotion(`promote fraud-scorer green ${LONG}`);
    await waitFor(async () => (await h.app.deps.promotions.get(promotion.id))?.step === 0);
    const refused = await h.core.execute(command("scale fraud-scorer blue 2 --yes"));
    expect(refused.title).toBe("fraud-scorer is being promoted");
    // In the shadow stage green is mirrored to, so a split giving it live traffic breaks Azure ML's mirror rule:
    // the promotion is still the answer, not that rule.
    expect((await h.core.execute(command("traffic fraud-scorer blue=90 green=10"))).title).toBe("fraud-scorer is being promoted");
    expect(textOf(refused)).toContain(`aml promotion status ${promotion.id}`);
    const listed = textOf(await h.core.execute(command("promotions fraud-scorer")));
    expect(listed).toContain("*fraud-scorer*: green · running · step 1 of 3");
    expect(listed).toContain(`\`${promotion.id}\` · started `);

    // Pressed as the terminal shows the button: `aml promotion-pause <id>`.
    const pause = card(promotion.id).buttons?.find((b) => b.label === "Pause");
    expect((await h.core.execute(command(`${pause!.verb} ${pause!.payloadId}`))).title).toBe("Promotion paused");
    const writes = armWrites(h).length;
    await followUps().settled(); // the transition queued before the pause comes, finds an older epoch, does nothing
    const paused = (await h.app.deps.promotions.get(promotion.id))!;
    expect(paused).toMatchObject({ state: "paused", step: 0, note: "Paused by ops." });
    expect(armWrites(h)).toHaveLength(writes);
    expect(card(promotion.id).buttons?.map((b) => b.label)).toEqual(["Resume", "Promote now", "Abort"]);

    await h.core.press(click(card(promotion.id).buttons!.find((b) => b.label === "Resume")!));
    const done = await finished(promotion.id);
    expect(done.state, done.note).toBe("succeeded");
    expect(done.history.map((e) => e.text)).toEqual(expect.arrayContaining(["paused by ops", "resumed by ops", "step 3: green=100"]));
    const status = await h.core.execute(command(`promotion status ${promotion.id}`));
    expect(textOf(status)).toContain("*History*");
    expect(textOf(await h.core.execute(command(`promote status ${promotion.id}`)))).toBe(textOf(status)); // as the issue types it
    expect(textOf(await h.core.execute(command("promote fraud-scorer not!a-name")))).toContain("Deployment names are 1–32");
  });

  it("is undone by aml revert once it is over: the split from before, previewed and applied like a traffic change", async () => {
    const promotion = await startPromotion('promote fraud-scorer green --steps "20% 1m, 100%" --gate "p99 <= 3x"');
    expect((await finished(promotion.id)).state).toBe("succeeded");
    const preview = await h.core.execute(command("revert fraud-scorer"));
    expect(textOf(preview)).toContain("blue 0→100");
    await h.core.press(click(preview.buttons!.find((b) => b.label === "Apply")!));
    expect(await storedTraffic(h, "fraud-scorer")).toEqual({ traffic: { blue: 100, green: 0 }, mirrorTraffic: {} });
  });

  it("keeps the old deployment while paused in the soak, and retires it once resumed", async () => {
    const promotion = await startPromotion('promote fraud-scorer green --steps "20% 1m, 100%" --gate "p99 <= 3x" --retire');
    await waitFor(async () => (await h.app.deps.promotions.get(promotion.id))?.intent?.action === "retire");
    expect((await h.core.execute(command(`promotion pause ${promotion.id}`))).title).toBe("Promotion paused");
    await followUps().settled(); // the retirement queued before the pause finds an older epoch
    expect(armWrites(h).some((w) => w.startsWith("DELETE"))).toBe(false);
    expect((await h.core.execute(command(`promotion resume ${promotion.id}`))).title).toBe("Promotion resumed");
    const done = await finished(promotion.id);
    expect(done.state, done.note).toBe("succeeded");
    expect(armWrites(h)).toContainEqual(expect.stringMatching(/^DELETE .*deployments\/blue$/));
  });

  it("retires the old deployment after the soak, as a deletion of its own with a status card", async () => {
    const promotion = await startPromotion('promote fraud-scorer green --steps "20% 1m, 100%" --gate "p99 <= 3x" --retire');
    const done = await finished(promotion.id);
    expect(done.state, done.note).toBe("succeeded");
    expect(done.note).toContain("Retiring the old deployments: `blue`");
    expect(armWrites(h)).toContainEqual(expect.stringMatching(/^DELETE .*onlineEndpoints\/fraud-scorer\/deployments\/blue$/));
    expect(chat.messages.some((m) => m.updateKey?.startsWith("deploy:") && m.versions.at(-1)!.title === "Deleted: blue on fraud-scorer")).toBe(true);
  });

  it("with --scale-down, scales the old deployment to its minimum after the soak instead of deleting it", async () => {
    await h.core.execute(command("scale fraud-scorer blue 2 --yes"));
    await followUps().settled();
    const scaled = await h.app.deps.endpoints.getDeployment(h.app.deps.workspaces[0]!, "fraud-scorer", "blue");
    expect(scaled?.capacity).toBe(2);
    const preview = await h.core.execute(command('promote fraud-scorer green --steps "20% 1m, 100%" --gate "p99 <= 3x" --scale-down'));
    expect(textOf(preview)).toContain("Then the old deployments are scaled down to their minimum instances after 30m at 0 % (approval per policy).");
    const promotion = await startPromotion('promote fraud-scorer green --steps "20% 1m, 100%" --gate "p99 <= 3x" --scale-down');
    const from = armWrites(h).length;
    const done = await finished(promotion.id);
    expect(done.state, done.note).toBe("succeeded");

    // Its autoscale profile's minimum (1 in the emulator's scenario), kept warm: nothing deleted.
    expect((await h.app.deps.endpoints.getDeployment(h.app.deps.workspaces[0]!, "fraud-scorer", "blue"))?.capacity).toBe(1);
    expect(armWrites(h).slice(from).filter((w) => w.startsWith("DELETE"))).toEqual([]);
    expect(done.note).toBe("Scaling down the old deployments: blue on fraud-scorer now runs 1 instance(s) (was 2).");
  });

  it("refuses --retire with --scale-down, and changes nothing", async () => {
    const reply = await h.core.execute(command("promote fraud-scorer green --retire --scale-down"));
    expect(textOf(reply)).toContain("give one of them");
    expect(armWrites(h)).toEqual([]);
  });
});

describe("a promotion under an approval rule", () => {
  let g: CoreHarness;
  let notes: RecordingNotifier;
  const ALICE = { platform: "slack" as const, userId: "UALICE", displayName: "alice", groups: [] };
  beforeAll(async () => {
    notes = recordingNotifier();
    g = await startCoreHarness({
      notifier: notes,
      realClock: true,
      env: { AML_PROMOTION_TIME_SCALE: "3600" },
      policy: {
        ...TEST_POLICY,
        bindings: [...TEST_POLICY.bindings, { role: "operator", users: ["slack:UALICE"] }],
        promotions: [{ workspace: "demo", minRequests: 1 }],
        approvals: [{ workspace: "demo", endpoints: ["fraud-scorer"], verbs: ["promote"], approvers: { users: ["slack:UALICE"] } }],
      },
    });
  });
  afterAll(() => g.close());

  it("asks for approval with the plan, runs once approved, and lets only another approver hurry it", async () => {
    await g.core.execute(command('promote fraud-scorer green --steps "mirror 20% 60m, 100%" --gate "p99 <= 3x" --reason "new features"'));
    const request = notes.messages.find((m) => m.versions[0]!.title?.startsWith("Approval needed"));
    expect(request, notes.messages.map((m) => m.versions[0]!.title).join(", ")).toBeDefined();
    const requestCard = request!.versions[0]!;
    expect(textOf(requestCard)).toContain("1. mirror 20 % · 1h → blue=100; mirror green=20");
    expect(requestCard.notify?.users).toEqual(["slack:UALICE"]);
    await g.core.press(click(requestCard.buttons!.find((b) => b.label === "Approve")!, ALICE));
    const [promotion] = await g.app.deps.promotions.list({ endpoint: "fraud-scorer" });
    await waitFor(async () => (await g.app.deps.promotions.get(promotion!.id))?.step === 0);

    const hurry = { verb: "promotion-now", payloadId: promotion!.id };
    expect(textOf(await g.core.press(click(hurry)))).toContain("not the requester");
    expect((await g.core.press(click(hurry, ALICE))).title).toBe("Promotion moved on to the next step");
    await (g.app.deps.followUps as InProcessFollowUps).settled();
    const done = (await g.app.deps.promotions.get(promotion!.id))!;
    expect(done.state).toBe("succeeded");
    expect(done.notify.users).toEqual(["slack:UOPS", "slack:UALICE"]);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutInMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutInMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
