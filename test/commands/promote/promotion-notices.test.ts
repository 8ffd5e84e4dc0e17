/**
 * What a promotion says when it stops on its own, through the real core and the AML emulator: the revert's new
 * message carries a chart of the candidate against the baseline during the promotion. Azure Monitor (and the
 * emulator) report points on whole minutes, and the chart's grid starts at its window's start, so a window that
 * starts when the promotion did (never on a whole minute) matched no point and showed "no data" everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InProcessFollowUps } from "../../../src/memory/in-process.follow-ups.js";
import type { Section } from "../../../commands/reply.js";
import { click, command, startCoreHarness, TEST_POLICY, type CoreHarness } from "../../helpers/core-harness.js";
import { recordingNotifier, type RecordingNotifier } from "../../helpers/recording-notifier.js";

let h: CoreHarness;
let chat: RecordingNotifier;
beforeAll(async () => {
  chat = recordingNotifier();
  h = await startCoreHarness({
    notifier: chat,
    realClock: true,
    env: { AML_PROMOTION_TIME_SCALE: "3600" },
    policy: { ...TEST_POLICY, promotions: [{ workspace: "demo", minRequests: 1 }] },
  });
});
afterAll(() => h.close());

describe("a reverted promotion's notice", () => {
  it("charts the baseline's numbers during the promotion on whole minutes, as Azure Monitor reports them", async () => {
    h.emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "green" }, { errorRate: 0.9 });
    const preview = await h.core.execute(command('promote fraud-scorer green --steps "mirror 50% 1m, 100%" --gate "4xx <= baseline + 10pt"'));
    await h.core.press(click(preview.buttons!.find((b) => b.label === "Apply")!));
    await (h.app.deps.followUps as InProcessFollowUps).settled();

    const notice = chat.messages.find((m) => m.updateKey?.startsWith("promote-stop:") && m.versions[0]!.title?.endsWith("was reverted"));
    expect(notice, chat.messages.map((m) => m.versions.at(-1)!.title).join(", ")).toBeDefined();
    const chart = notice!.versions[0]!.sections.find((s): s is Extract<Section, { kind: "chart" }> => s.kind === "chart");
    expect(chart, "the notice has a chart").toBeDefined();
    const names = chart!.chart.panels.flatMap((p) => p.series.filter((s) => s.values.some((v) => v !== null)).map((s) => `${p.title}: ${s.name}`));
    expect(chart!.chart.times.length).toBeGreaterThan(0);
    expect(chart!.chart.times.every((t) => t.endsWith(":00.000Z")), chart!.chart.times.join(", ")).toBe(true);
    // blue served all along. (The emulator files a minute under the last split written in it, so green's mirrored
    // minute, reverted within that minute at this time scale, reads as none: in Azure ML it would show too.)
    expect(names).toEqual(expect.arrayContaining(["Latency P99: blue", "Requests: blue"]));
  });
});
