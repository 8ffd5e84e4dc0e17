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

let h: CoreHarness;
let chat: RecordingNotifier;
beforeAll(async () => {
  chat = recordingNotifier();
  h = await startCoreHarness({
    notifier: chat,
    realClock: true,
    env: { AML_PROMOTION_TIME_SCALE: "3600" },
    policy: {
      ...TEST_POLICY,
      // One request decides: the emulator's synthetic load is a few requests a minute per deployment.
      promotions: [{ workspace: "demo", minRequests: 1, maxExtensions: 2 }],
      approvals: [{ workspace: "demo", endpoints: ["churn-model"], verbs: ["promote"], approvers: { users: ["slack:UALICE"] } }],
    },
  });
});
afterAll(() => h.close());
beforeEach(() => {
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
    const done = await finished(promotion.id);
    expect(done.state, done.note).toBe("succeeded");
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
    const notice = chat.messages.find((m) => m.updateKey === undefined && m.versions[0]!.title?.includes("was reverted"));
    expect(notice, "a new message tells people").toBeDefined();
    expect(notice!.versions[0]!.notify?.users).toContain("slack:UOPS");
    expect(textOf(card(promotion.id))).toMatch(/❌ 4xx <= baseline \+ 10pt/);
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

async function waitFor(condition: () => Promise<boolean>, timeoutInMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutInMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
