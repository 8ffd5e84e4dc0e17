/**
 * Revert through the real core, the real ARM port and the AML emulator: `aml revert` (and an applied change's Revert
 * button) proposes the change that restores what the last change replaced, previewed and applied by the same
 * ETag-guarded machine, approved per policy, and refused when someone changed the endpoint since.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Reply } from "../../commands/reply.js";
import { armWrites, click, command, startCoreHarness, storedTraffic, textOf, VIEWER, type CoreHarness } from "../helpers/core-harness.js";

let h: CoreHarness;
beforeAll(async () => {
  h = await startCoreHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.emulator.reset();
  h.audit.records.length = 0;
});

const endpointId = (name: string): string =>
  `/subscriptions/${h.emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/${name}`;

function button(reply: Reply, label: string): { verb: string; payloadId: string } {
  const found = reply.buttons?.find((b) => b.label === label);
  if (!found) throw new Error(`no ${label} button on "${reply.title}": ${JSON.stringify(reply.buttons)}`);
  return found;
}

async function capacityOf(endpoint: string, deployment: string): Promise<number | undefined> {
  return (await h.app.deps.endpoints.getDeployment(h.app.deps.workspaces[0]!, endpoint, deployment))?.capacity;
}

describe("aml revert", () => {
  it("previews a traffic change's undo before → after, and Apply restores the split", async () => {
    await h.core.execute(command("traffic fraud-scorer blue=30 green=70 --yes"));
    const preview = await h.core.execute(command("revert fraud-scorer"));
    expect(preview.title).toBe("Revert: traffic change on fraud-scorer");
    expect(textOf(preview)).toContain("blue 30→100");
    expect(textOf(preview)).toContain("green 70→0");
    expect(textOf(preview)).toContain("Reverts change `now-");
    expect(preview.buttons?.map((b) => b.label)).toEqual(["Apply", "Cancel"]);
    expect(armWrites(h)).toHaveLength(1);

    const done = await h.core.press(click(button(preview, "Apply")));
    expect(done.title).toBe("Revert: traffic change on fraud-scorer: done");
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toMatchObject({ blue: 100 });
    expect(armWrites(h)).toHaveLength(2);
    const applied = h.audit.records.find((r) => r.verb === "apply" && r.outcome === "ok");
    expect(applied).toMatchObject({ endpoint: "fraud-scorer", before: "blue=30 green=70", after: expect.stringContaining("blue=100") });
    expect(h.audit.records.find((r) => r.verb === "revert")).toMatchObject({ outcome: "previewed", before: "blue=30 green=70", after: "blue=100 green=0" });
  });

  it("turns a mirror change's mirror back off, and leaves live traffic alone", async () => {
    await h.core.execute(command("mirror fraud-scorer green=10 --yes"));
    expect((await storedTraffic(h, "fraud-scorer")).mirrorTraffic).toEqual({ green: 10 });
    const done = await h.core.execute(command("revert fraud-scorer --yes"));
    expect(done.title).toBe("Revert: mirror change on fraud-scorer: done");
    expect(await storedTraffic(h, "fraud-scorer")).toMatchObject({ traffic: { blue: 100 }, mirrorTraffic: {} });
  });

  it("puts a scaled deployment back to its instance count before", async () => {
    await h.core.execute(command("scale churn-model main 4 --yes"));
    expect(await capacityOf("churn-model", "main")).toBe(4);
    const done = await h.core.execute(command("revert churn-model --yes"));
    expect(done.title).toBe("Revert: scaling main on churn-model: done");
    expect(textOf(done)).toContain("Instances: 4 → 2");
    expect(await capacityOf("churn-model", "main")).toBe(2);
  });

  it("undoes the last change only: the one applied most recently on that endpoint", async () => {
    await h.core.execute(command("traffic fraud-scorer blue=30 green=70 --yes"));
    await h.core.execute(command("traffic fraud-scorer blue=60 green=40 --yes"));
    await h.core.execute(command("scale churn-model main 3 --yes"));
    await h.core.execute(command("revert fraud-scorer --yes"));
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toEqual({ blue: 30, green: 70 });
  });

  it("refuses after someone changed the endpoint since: says what the change left and what Azure ML holds, and sends nothing", async () => {
    await h.core.execute(command("traffic fraud-scorer blue=30 green=70 --yes"));
    h.emulator.faults.mutate(endpointId("fraud-scorer"), { properties: { traffic: { blue: 50, green: 50 } } });
    const refused = await h.core.execute(command("revert fraud-scorer"));
    expect(refused.title).toBe("Not reverted: fraud-scorer changed since");
    expect(textOf(refused)).toContain("left `blue=30 green=70` on fraud-scorer; Azure ML now holds `blue=50 green=50`");
    expect(textOf(refused)).toContain("would overwrite that change. Nothing was changed.");
    expect(refused.buttons ?? []).toEqual([]);
    expect(armWrites(h)).toHaveLength(1);
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "revert", outcome: "conflict" });
  });

  it("refuses at Apply when the endpoint changed between the revert's preview and the click", async () => {
    await h.core.execute(command("traffic fraud-scorer blue=30 green=70 --yes"));
    const preview = await h.core.execute(command("revert fraud-scorer"));
    h.emulator.faults.mutate(endpointId("fraud-scorer"), { properties: { traffic: { blue: 50, green: 50 } } });
    const stale = await h.core.press(click(button(preview, "Apply")));
    expect(stale.title).toBe("Not applied: the endpoint changed");
    expect(textOf(stale)).toContain("Azure ML now reports `blue=50 green=50`");
    expect(armWrites(h)).toHaveLength(1);
  });

  it("says there is nothing to revert when no change was made through the bot, or it is already undone", async () => {
    const fresh = await startCoreHarness(); // a store that has seen no change
    try {
      const none = await fresh.core.execute(command("revert fraud-scorer"));
      expect(none.title).toBe("Nothing to revert");
      expect(textOf(none)).toContain("No change made through the bot on fraud-scorer is recorded as applied.");
    } finally {
      await fresh.close();
    }
    await h.core.execute(command("traffic fraud-scorer blue=30 green=70 --yes"));
    h.emulator.faults.mutate(endpointId("fraud-scorer"), { properties: { traffic: { blue: 100, green: 0 } } });
    const undone = await h.core.execute(command("revert fraud-scorer"));
    expect(textOf(undone)).toContain("already back at `blue=100 green=0`");
    expect(armWrites(h)).toHaveLength(1);
  });
});

describe("the Revert button of an applied change", () => {
  it("is on the done reply, proposes the undo with Apply / Cancel, and the undo's own Revert puts the change back", async () => {
    const preview = await h.core.execute(command("traffic fraud-scorer blue=30 green=70"));
    const done = await h.core.press(click(button(preview, "Apply")));
    const revert = button(done, "Revert");
    expect(revert).toEqual({ label: "Revert", verb: "revert", payloadId: button(preview, "Apply").payloadId });

    const undo = await h.core.press(click(revert));
    expect(undo.title).toBe("Revert: traffic change on fraud-scorer");
    expect(undo.buttons?.map((b) => b.label)).toEqual(["Apply", "Cancel"]);
    const undone = await h.core.press(click(button(undo, "Apply")));
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toMatchObject({ blue: 100 });

    const redo = await h.core.press(click(button(undone, "Revert")));
    await h.core.press(click(button(redo, "Apply")));
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toEqual({ blue: 30, green: 70 });
    expect(h.audit.records.filter((r) => r.verb === "revert").map((r) => r.outcome)).toEqual(["previewed", "previewed"]);
  });

  it("works typed, as the terminal shows it: `aml revert <change id>`", async () => {
    const done = await h.core.execute(command("scale churn-model main 3 --yes"));
    const reply = await h.core.execute(command(`revert ${button(done, "Revert").payloadId}`));
    expect(reply.title).toBe("Revert: scaling main on churn-model");
  });

  it("needs the role of the change it undoes", async () => {
    const done = await h.core.execute(command("traffic fraud-scorer blue=30 green=70 --yes"));
    const denied = await h.core.press(click(button(done, "Revert"), VIEWER));
    expect(denied.title).toBe("Not allowed");
    expect(textOf(denied)).toContain("You need the *operator* role to revert a `traffic` change.");
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "revert", userId: VIEWER.userId, outcome: "denied" });
  });

  it("on a change that is not applied, says there is nothing to revert", async () => {
    const preview = await h.core.execute(command("traffic fraud-scorer blue=30 green=70"));
    const reply = await h.core.press(click({ verb: "revert", payloadId: button(preview, "Apply").payloadId }));
    expect(textOf(reply)).toContain("was not applied (it is pending)");
  });
});

describe("a revert under an approval rule", () => {
  it("becomes a request for approval, as rules naming `revert` say", async () => {
    const harness = await startCoreHarness({
      policy: {
        defaultRole: "viewer",
        bindings: [{ role: "operator", users: ["slack:UOPS"] }],
        approvals: [{ workspace: "demo", verbs: ["revert"], approvers: { users: ["slack:UALICE"] } }],
      },
    });
    try {
      await harness.core.execute(command("traffic fraud-scorer blue=30 green=70 --yes"));
      const request = await harness.core.execute(command("revert fraud-scorer"));
      expect(request.title).toBe("Approval needed: Revert: traffic change on fraud-scorer");
      expect(request.buttons?.map((b) => b.label)).toEqual(["Approve", "Reject", "Cancel"]);
      expect(textOf(request)).toContain("revert on fraud-scorer (demo) needs 1 approval");
      const approved = await harness.core.press(click(button(request, "Approve"), { platform: "slack", userId: "UALICE", displayName: "alice", groups: [] }));
      expect(approved.title).toBe("Revert: traffic change on fraud-scorer: done");
      expect((await storedTraffic(harness, "fraud-scorer")).traffic).toMatchObject({ blue: 100 });
    } finally {
      await harness.close();
    }
  });
});
