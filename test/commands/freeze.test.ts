/**
 * Change freezes through the real core, the real ARM port and the AML emulator: while a freeze covers an endpoint,
 * typed changes, Apply clicks and the Approve that would apply are refused with who froze it, why and until when;
 * an admin's `--override` goes through, audited; weekly freezes come from the config file.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../commands/invocation.js";
import type { Reply } from "../../commands/reply.js";
import { fileConfigSchema } from "../../src/config/file-config.js";
import { ADMIN, armWrites, click, command, OPERATOR, startCoreHarness, storedTraffic, textOf, TEST_POLICY, VIEWER, type CoreHarness } from "../helpers/core-harness.js";

// The harness's clock: Wednesday 2026-11-25 09:00 UTC.
let h: CoreHarness;
beforeAll(async () => {
  h = await startCoreHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  h.emulator.reset();
  h.audit.records.length = 0;
  for (const f of await h.app.deps.freezes.list()) await h.app.deps.freezes.remove(f.workspace, f.id);
});

function button(reply: Reply, label: string): { verb: string; payloadId: string } {
  const found = reply.buttons?.find((b) => b.label === label);
  if (!found) throw new Error(`no ${label} button on "${reply.title}"`);
  return found;
}

const admin = (text: string): Promise<Reply> => h.core.execute(command(text, ADMIN));

describe("a freeze made in chat", () => {
  it("refuses every typed change to the endpoint, saying who, why and until when, and stores and sends nothing", async () => {
    const frozen = await admin('freeze fraud-scorer --until 18:00 --reason "incident 4711"');
    expect(frozen.title).toBe("❄️ Frozen: fraud-scorer (demo)");
    expect(textOf(frozen)).toContain("Until: Wed 2026-11-25 18:00 UTC");

    for (const text of ["traffic fraud-scorer blue=30 green=70", "mirror fraud-scorer green=10 --yes", "scale fraud-scorer green 2 --yes"]) {
      const refused = await h.core.execute(command(text));
      expect(refused.title, text).toBe("Frozen: no changes to fraud-scorer");
      expect(textOf(refused)).toContain("fraud-scorer (demo) is frozen until Wed 2026-11-25 18:00 UTC, by aad-admin: incident 4711.");
      expect(textOf(refused)).toContain('An admin may run the command again with `--override "<reason>"`');
      expect(refused.buttons ?? []).toEqual([]);
    }
    expect(armWrites(h)).toEqual([]);
    expect(h.audit.records.filter((r) => r.outcome === "denied").map((r) => r.verb)).toEqual(["traffic", "mirror", "scale"]);
    expect(h.audit.records.find((r) => r.verb === "traffic")?.detail).toContain("frozen: until 2026-11-25T18:00:00.000Z by aad-admin: incident 4711");
    // Another endpoint of the workspace is not covered.
    expect((await h.core.execute(command("scale churn-model main 3"))).buttons?.map((b) => b.label)).toEqual(["Apply", "Cancel"]);
  });

  it("refuses a revert too: it is a change like any other", async () => {
    await h.core.execute(command("traffic fraud-scorer blue=30 green=70 --yes"));
    await admin('freeze fraud-scorer --until 18:00 --reason "incident 4711"');
    const refused = await h.core.execute(command("revert fraud-scorer"));
    expect(refused.title).toBe("Frozen: no changes to fraud-scorer");
    expect(armWrites(h)).toHaveLength(1);
  });

  it("refuses an Apply pressed during a freeze, keeping the preview: Apply works once unfrozen", async () => {
    const preview = await h.core.execute(command("traffic fraud-scorer blue=30 green=70"));
    await admin('freeze demo --until "tomorrow 08:00" --tz Europe/Paris --reason "release week"');
    const refused = await h.core.press(click(button(preview, "Apply")));
    expect(refused.title).toBe("Frozen: no changes to fraud-scorer");
    expect(textOf(refused)).toContain("workspace demo is frozen until Thu 2026-11-26 08:00 Europe/Paris (07:00 UTC), by aad-admin: release week.");
    expect(textOf(refused)).toContain("Press Apply again once the freeze ends");
    expect((await h.app.deps.pending.get(button(preview, "Apply").payloadId))?.state).toBe("pending");
    expect(armWrites(h)).toEqual([]);

    expect((await admin("unfreeze demo")).title).toBe("Unfrozen: workspace demo");
    expect((await h.core.press(click(button(preview, "Apply")))).title).toBe("Traffic change on fraud-scorer: done");
  });

  it("lets an admin override it with a reason, audited, and the override holds for the Apply of the preview it made", async () => {
    await admin('freeze fraud-scorer --until 2h --reason "incident 4711"');
    const done = await admin('traffic fraud-scorer blue=30 green=70 --yes --override "the hotfix itself"');
    expect(done.title).toBe("Traffic change on fraud-scorer: done");
    // Chat reads the freeze's end as people write it (and the admin's name, when the platform gave one); the audit keeps the instant.
    expect(done.context).toContain("⚠️ Freeze overridden by teams:aad-admin: the hotfix itself (frozen until Wed 2026-11-25 11:00 UTC by aad-admin: incident 4711)");
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "traffic", outcome: "ok", detail: expect.stringContaining("Freeze overridden by teams:aad-admin: the hotfix itself") });

    const preview = await admin('scale fraud-scorer green 2 --override "more capacity for the hotfix"');
    const applied = await h.core.press(click(button(preview, "Apply"), OPERATOR));
    expect(applied.title).toBe("green on fraud-scorer scaled: done");
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "apply", userId: OPERATOR.userId, detail: expect.stringContaining("Freeze overridden by teams:aad-admin: more capacity for the hotfix") });
  });

  it("refuses --override from someone who is not an admin, and changes nothing", async () => {
    await admin('freeze fraud-scorer --until 2h --reason "incident 4711"');
    const refused = await h.core.execute(command('traffic fraud-scorer blue=30 green=70 --yes --override "I know what I am doing"'));
    expect(refused.title).toBe("Not allowed");
    expect(textOf(refused)).toContain("Overriding a change freeze needs the *admin* role.");
    expect(textOf(refused)).toContain("frozen until");
    expect(armWrites(h)).toEqual([]);
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "traffic", outcome: "denied" });
  });

  it("lists freezes in force and planned, and unfreeze ends only the one named", async () => {
    await admin('freeze fraud-scorer --until 2h --reason "incident 4711"');
    await admin('freeze demo --from "tomorrow 08:00" --until "tomorrow 18:00" --tz Europe/Paris --reason "release"');
    const list = await h.core.execute(command("freezes", VIEWER));
    expect(textOf(list)).toContain("*fraud-scorer (demo)* · in force · set by aad-admin\nWed 2026-11-25 09:00 UTC → Wed 2026-11-25 11:00 UTC: incident 4711");
    expect(textOf(list)).toContain("*workspace demo* · planned · set by aad-admin\nThu 2026-11-26 08:00 Europe/Paris (07:00 UTC) → Thu 2026-11-26 18:00 Europe/Paris (17:00 UTC): release");

    const ended = await admin("unfreeze fraud-scorer");
    expect(textOf(ended)).toContain("Ended the freeze set by aad-admin (incident 4711).");
    expect((await h.core.execute(command("traffic fraud-scorer blue=30 green=70"))).buttons?.map((b) => b.label)).toEqual(["Apply", "Cancel"]);
    expect(textOf(await h.core.execute(command("freezes", VIEWER)))).not.toContain("incident 4711");
    const again = await admin("unfreeze fraud-scorer");
    expect(again.title).toBe("Nothing to unfreeze");
  });

  it("is for admins, and refuses what it cannot read, changing nothing", async () => {
    expect((await h.core.execute(command('freeze demo --until 18:00 --reason "x"'))).title).toBe("Not allowed");
    expect((await h.core.execute(command("unfreeze demo"))).title).toBe("Not allowed");
    expect(textOf(await admin('freeze demo --until yesterday --reason "x"'))).toContain("`yesterday` is not a time of day");
    expect(textOf(await admin('freeze demo --until "2026-11-25 08:00" --reason "x"'))).toContain("which has passed");
    expect(textOf(await admin('freeze demo --until 2027-06-01 --reason "x"'))).toContain("at most 90 days");
    expect(textOf(await admin('freeze demo --until 18:00 --tz Mars/Olympus --reason "x"'))).toContain("`Mars/Olympus` is not a time zone I know");
    expect(textOf(await admin('freeze fraud-scorre --until 18:00 --reason "typo"'))).toContain("is neither a workspace alias (`demo`) nor an endpoint of `demo`");
    expect(textOf(await admin("freeze demo --until 18:00"))).toContain('Say why with `--reason "…"`');
    expect(await h.app.deps.freezes.list()).toEqual([]);
  });
});

describe("an approval during a freeze", () => {
  const ALICE: Actor = { platform: "slack", userId: "UALICE", displayName: "alice", groups: [] };

  it("records the approval that would apply, holds the change, and applies it at an Approve after the freeze", async () => {
    const harness = await startCoreHarness({
      policy: { ...TEST_POLICY, approvals: [{ workspace: "demo", endpoints: ["fraud-scorer"], verbs: ["traffic"], approvers: { users: ["slack:UALICE"] } }] },
    });
    try {
      const request = await harness.core.execute(command("traffic fraud-scorer blue=30 green=70"));
      await harness.core.execute(command('freeze fraud-scorer --until 2h --reason "incident 4711"', ADMIN));
      const held = await harness.core.press(click(button(request, "Approve"), ALICE));
      expect(held.title).toBe("Frozen: no changes to fraud-scorer");
      expect(textOf(held)).toContain("Your approval is recorded. Approve again once the freeze ends to apply the change.");
      const stored = await harness.app.deps.pending.get(button(request, "Approve").payloadId);
      expect(stored?.state).toBe("pending");
      expect(stored?.approval?.decisions).toHaveLength(1);
      expect(armWrites(harness)).toEqual([]);

      await harness.core.execute(command("unfreeze fraud-scorer", ADMIN));
      const applied = await harness.core.press(click(button(request, "Approve"), ALICE));
      expect(applied.title).toBe("Traffic change on fraud-scorer: done");
      expect((await storedTraffic(harness, "fraud-scorer")).traffic).toEqual({ blue: 30, green: 70 });
    } finally {
      await harness.close();
    }
  });
});

describe("a weekly freeze from the config file", () => {
  it("refuses changes inside its window, names the config as who froze it, and lets them through after", async () => {
    const { policy } = fileConfigSchema.parse({
      workspaces: [{ alias: "demo", subscriptionId: "s", resourceGroup: "ml-rg", workspace: "demo" }],
      policy: {
        ...TEST_POLICY,
        freezes: [{ workspace: "demo", endpoints: ["churn-model"], weekly: { from: "Wed 08:00", to: "Thu 08:00" }, timeZone: "europe/paris", reason: "mid-week freeze" }],
      },
    });
    const harness = await startCoreHarness({ policy });
    try {
      const refused = await harness.core.execute(command("scale churn-model main 3"));
      expect(textOf(refused)).toContain("churn-model (demo) is frozen until Thu 2026-11-26 08:00 Europe/Paris (07:00 UTC), by the config file (policy.freezes): mid-week freeze.");
      expect((await harness.core.execute(command("scale fraud-scorer green 2"))).buttons?.map((b) => b.label)).toEqual(["Apply", "Cancel"]);
      expect(textOf(await harness.core.execute(command("freezes")))).toContain("*churn-model (demo)* · in force · set by the config file (policy.freezes), weekly Wed 08:00 → Thu 08:00 Europe/Paris\nWed 2026-11-25 08:00 Europe/Paris (07:00 UTC) →");

      harness.clock.advance(24 * 3_600_000); // Thursday 10:00 in Paris: the window has ended
      expect((await harness.core.execute(command("scale churn-model main 3"))).buttons?.map((b) => b.label)).toEqual(["Apply", "Cancel"]);
      expect(textOf(await harness.core.execute(command("freezes")))).toContain("*churn-model (demo)* · next · set by the config file (policy.freezes), weekly Wed 08:00 → Thu 08:00 Europe/Paris\nWed 2026-12-02 08:00 Europe/Paris (07:00 UTC) →");
    } finally {
      await harness.close();
    }
  });
});
