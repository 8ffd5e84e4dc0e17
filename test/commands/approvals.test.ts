/**
 * Four eyes through the real core, the real ARM port and the AML emulator: a rule puts a change under approval, its
 * card goes to every channel the rule names, and only its last Approve applies it, once, through the ETag-guarded
 * apply machine. The cards are recorded by a notifier that keeps what each channel shows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expireApprovals } from "../../commands/approvals/approval-flow.js";
import type { Actor } from "../../commands/invocation.js";
import type { PolicyConfig } from "../../commands/policy.js";
import type { Reply } from "../../commands/reply.js";
import { armWrites, click, command, OPERATOR, startCoreHarness, storedTraffic, textOf, TEST_POLICY, type CoreHarness } from "../helpers/core-harness.js";
import { recordingNotifier, type RecordingNotifier } from "../helpers/recording-notifier.js";

const ALICE: Actor = { platform: "slack", userId: "UALICE", displayName: "alice", groups: [] };
const BOB: Actor = { platform: "teams", userId: "aad-bob", displayName: "bob", groups: [] };
const CAROL: Actor = { platform: "teams", userId: "aad-carol", displayName: "carol", groups: ["aad-sre"] };

const POLICY: PolicyConfig = {
  ...TEST_POLICY,
  approvals: [
    {
      workspace: "demo",
      endpoints: ["fraud-scorer"],
      verbs: ["traffic", "mirror", "scale"],
      approvers: { users: ["slack:UALICE", "teams:aad-bob", "slack:UOPS"], groups: ["teams:aad-sre"] },
      minApprovals: 2,
      expiresInMinutes: 30,
      channel: { platform: "teams", id: "19:approvals@thread.tacv2" },
    },
  ],
};

let h: CoreHarness;
let chat: RecordingNotifier;
beforeAll(async () => {
  chat = recordingNotifier();
  h = await startCoreHarness({ policy: POLICY, notifier: chat });
});
afterAll(() => h.close());
beforeEach(() => {
  h.emulator.reset();
  h.audit.records.length = 0;
  chat.calls.length = 0;
  chat.messages.length = 0;
});

/** Asks for a traffic change on fraud-scorer as the operator; returns the request id and the card's buttons. */
async function request(text = "traffic fraud-scorer blue=30 green=70"): Promise<{ id: string; reply: Reply }> {
  const reply = await h.core.execute(command(text));
  const card = chat.inChannel("slack:C1").at(-1)!.versions.at(-1)!;
  const approve = card.buttons!.find((b) => b.label === "Approve")!;
  return { id: approve.payloadId, reply };
}

const press = (verb: string, id: string, actor: Actor, input?: string): Promise<Reply> => h.core.press(click({ verb, payloadId: id }, actor, input));

/** What every channel's copy of the request's card shows now. */
function cards(id: string): Reply[] {
  return chat.messages.filter((m) => m.updateKey === `approval:${id}`).map((m) => m.versions.at(-1)!);
}

describe("a change under an approval rule", () => {
  it("is a request, not a preview: its card goes to the channel and the approvals channel, and nothing is sent", async () => {
    const { id, reply } = await request();
    expect(reply.visibility).toBe("requester");
    expect(textOf(reply)).toContain("waits for 2 approvals");
    const [here, approvals] = cards(id);
    expect(chat.messages.map((m) => m.channel)).toEqual(["slack:C1", "teams:19:approvals@thread.tacv2"]);
    expect(approvals).toEqual(here);
    expect(here!.title).toBe("Approval needed: Traffic change on fraud-scorer");
    expect(here!.buttons!.map((b) => b.label)).toEqual(["Approve", "Reject", "Cancel"]);
    expect(textOf(here!)).toContain("Approvals: 0 of 2");
    // Counted and mentioned, not listed by id: `teams:<aad-object-id>` is wider than a phone's card.
    expect(textOf(here!)).toContain("Approvers: 3 people, group `aad-sre` (`aml policy` names them)");
    expect(here!.notify?.users).toEqual(expect.arrayContaining(["slack:UALICE", "teams:aad-bob"]));
    expect(textOf(here!)).toContain("traffic, mirror, scale on fraud-scorer (demo) need 2 approvals from someone other than the requester");
    expect(armWrites(h)).toEqual([]);
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "traffic", outcome: "previewed", detail: "approval requested (2 needed)" });
  });

  it("refuses the requester's own Approve (four eyes) and anyone who is not an approver", async () => {
    const { id } = await request();
    const own = await press("approve", id, OPERATOR);
    expect(own.title).toBe("Not allowed");
    expect(textOf(own)).toContain("someone else has to approve it (four eyes)");
    const stranger = await press("approve", id, { platform: "slack", userId: "UNOBODY", groups: [] });
    expect(textOf(stranger)).toContain("You are not one of the approvers");
    expect(textOf(cards(id)[0]!)).toContain("Approvals: 0 of 2");
    expect(h.audit.records.filter((r) => r.verb === "approve").map((r) => r.outcome)).toEqual(["denied", "denied"]);
  });

  it("counts distinct people: a second Approve of the same person does not count, the second person's applies it", async () => {
    const { id } = await request();
    expect(textOf(await press("approve", id, ALICE))).toContain("1 of 2: waiting for 1 more");
    expect(textOf(cards(id)[1]!)).toContain("Approvals: 1 of 2 (alice)");
    expect(textOf(await press("approve", id, ALICE))).toContain("You already approved this request (1 of 2)");
    expect(armWrites(h)).toEqual([]);
    const last = await press("approve", id, CAROL); // an approver through her group
    expect(last.visibility).toBe("requester");
    expect(last.title).toContain("done");
    expect(armWrites(h)).toHaveLength(1);
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toEqual({ blue: 30, green: 70 });
    for (const card of cards(id)) {
      expect(card.title).toBe("Approved and applied: Traffic change on fraud-scorer");
      expect(textOf(card)).toContain("Approved by alice and carol");
      // Decided: only the applied change's Revert is left, which proposes its undo.
      expect(card.buttons).toEqual([{ label: "Revert", verb: "revert", payloadId: id }]);
    }
    expect(h.audit.records.filter((r) => r.verb === "approve").map((r) => [r.userId, r.outcome])).toEqual([
      ["UALICE", "ok"],
      ["UALICE", "conflict"],
      ["aad-carol", "ok"],
    ]);
  });

  it("needs a reason to reject, then ends the request with it on every card", async () => {
    const { id } = await request();
    expect(textOf(await press("reject", id, BOB))).toContain(`aml reject ${id} <reason>`);
    expect((await h.app.deps.pending.get(id))?.state).toBe("pending");
    const rejected = await h.core.execute(command(`reject ${id} the error rate of green is still too high`, BOB));
    expect(rejected.title).toBe("Rejected");
    for (const card of cards(id)) {
      expect(card.title).toBe("Rejected: Traffic change on fraud-scorer");
      expect(textOf(card)).toContain("Rejected by bob");
      expect(textOf(card)).toContain("the error rate of green is still too high");
    }
    expect(textOf(await press("approve", id, ALICE))).toContain("This request was rejected.");
    expect(armWrites(h)).toEqual([]);
  });

  it("expires: the timer ends it, every card says so, and a later Approve changes nothing", async () => {
    const { id } = await request();
    await press("approve", id, ALICE);
    h.clock.advance(31 * 60_000);
    expect(await expireApprovals(h.app.deps, h.clock.now())).toBeGreaterThanOrEqual(1);
    expect((await h.app.deps.pending.get(id))?.state).toBe("cancelled");
    for (const card of cards(id)) {
      expect(card.title).toBe("Expired: Traffic change on fraud-scorer");
      expect(textOf(card)).toContain("with 1 of 2 approvals");
    }
    expect(textOf(await press("approve", id, BOB))).toContain("expired");
    expect(armWrites(h)).toEqual([]);
    expect(h.audit.records.some((r) => r.detail === "approval request expired with 1 of 2 approvals")).toBe(true);
  });

  it("makes exactly one ARM write for 50 concurrent Approve clicks of two approvers", async () => {
    const { id } = await request();
    const clicks = Array.from({ length: 50 }, (_, i) => press("approve", id, i % 2 ? ALICE : BOB));
    const replies = await Promise.all(clicks);
    expect(armWrites(h)).toHaveLength(1);
    expect(replies.filter((r) => r.title?.includes("done"))).toHaveLength(1);
    expect((await h.app.deps.pending.get(id))?.state).toBe("applied");
  });

  it("refuses the last approval after someone changed the endpoint, says what changed, and sends nothing", async () => {
    const { id } = await request();
    await press("approve", id, ALICE);
    const endpointId = `/subscriptions/${h.emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer`;
    h.emulator.faults.mutate(endpointId, { properties: { traffic: { blue: 50, green: 50 } } });
    const last = await press("approve", id, BOB);
    expect(textOf(last)).toContain("Azure ML now reports `blue=50 green=50`");
    expect(armWrites(h)).toEqual([]);
    expect(cards(id)[0]!.title).toBe("Approved, not applied: Traffic change on fraud-scorer");
  });

  it("is not skipped by --yes, and its preview's Apply (typed) is refused", async () => {
    const { id, reply } = await request("traffic fraud-scorer blue=30 green=70 --yes");
    expect(textOf(reply)).toContain("`--yes` does not skip an approval");
    expect(textOf(await h.core.execute(command(`apply ${id}`)))).toContain("This change needs approval");
    expect(armWrites(h)).toEqual([]);
  });

  it("lets the requester cancel it, and every card says so", async () => {
    const { id } = await request();
    await press("cancel", id, OPERATOR);
    for (const card of cards(id)) expect(card.title).toBe("Cancelled: Traffic change on fraud-scorer");
    expect(textOf(await press("approve", id, ALICE))).toContain("This request was cancelled.");
  });

  it("lists what waits for approval, and tells each person the rules that apply to them", async () => {
    const { id } = await request();
    const list = await h.core.execute(command("approvals", ALICE));
    expect(list.sections).toContainEqual({ kind: "text", text: expect.stringMatching(new RegExp(`^\`${id}\` · \\*Traffic change on fraud-scorer\\* · by ops\n0 of 2 approvals · expires \\d\\d:\\d\\d UTC · you may approve$`)) });
    expect(textOf(await h.core.execute(command("approvals")))).toContain("you cannot approve");
    const policy = await h.core.execute(command("policy", ALICE));
    expect(textOf(policy)).toContain("Your role: viewer");
    expect(textOf(policy)).toContain("yes, not your own");
  });

  it("leaves changes no rule names with their plain Apply", async () => {
    const reply = await h.core.execute(command("scale churn-model main 3"));
    expect(textOf(reply)).not.toContain("approval");
    expect(reply.buttons?.map((b) => b.label)).toEqual(["Apply", "Cancel"]);
    expect(chat.messages).toEqual([]);
  });
});
