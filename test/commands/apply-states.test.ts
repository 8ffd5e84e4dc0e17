/**
 * Apply is a small state machine (pending → applying → applied | failed | stale): these tests drive it through the
 * real core, the real ARM port and the AML emulator, and check chat never says something Azure ML does not hold.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ActionInvocation } from "../../commands/invocation.js";
import { armWrites, click, command, OPERATOR, startCoreHarness, storedTraffic, textOf, type CoreHarness } from "../helpers/core-harness.js";

let h: CoreHarness;
beforeAll(async () => {
  h = await startCoreHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.emulator.reset();
  h.audit.records.length = 0;
});

const ENDPOINT_PUT = { method: "PUT", path: "onlineEndpoints/fraud-scorer$" };

function endpointId(): string {
  return `/subscriptions/${h.emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer`;
}

async function preview(text = "traffic fraud-scorer blue=30 green=70"): Promise<{ apply: ActionInvocation; cancel: ActionInvocation; id: string }> {
  const reply = await h.core.execute(command(text));
  const [apply, cancel] = reply.buttons!;
  return { apply: click(apply!), cancel: click(cancel!), id: apply!.payloadId };
}

async function stateOf(id: string): Promise<string | undefined> {
  return (await h.app.deps.pending.get(id))?.state;
}

describe("a failed write does not consume the preview", () => {
  it("refuses a second preview after the first was applied, says what changed, and keeps saying so", async () => {
    const p1 = await preview("traffic fraud-scorer blue=30 green=70");
    const p2 = await preview("traffic fraud-scorer blue=60 green=40");
    expect((await h.core.press(p1.apply)).tone).toBe("success");
    const first = await h.core.press(p2.apply);
    expect(first.title).toBe("Not applied: the endpoint changed");
    expect(textOf(first)).toContain("it was `blue=100 green=0`, Azure ML now reports `blue=30 green=70`");
    expect(await stateOf(p2.id)).toBe("stale");
    const again = await h.core.press({ ...p2.apply, correlationId: "corr-again" });
    expect(textOf(again)).toContain("This preview is out of date");
    expect(textOf(again)).not.toContain("already applied");
    expect(armWrites(h)).toHaveLength(1);
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toEqual({ blue: 30, green: 70 });
  });

  it("after Azure answers 500s, says from a read-back that nothing changed, and Try again applies it", async () => {
    const p = await preview();
    h.emulator.faults.failRequests({ ...ENDPOINT_PUT, status: 500, count: 10 });
    const failed = await h.core.press(p.apply);
    expect(failed.title).toBe("Not applied: Azure ML answered with an error");
    expect(textOf(failed)).toContain("Nothing changed: Azure ML still reports `blue=100 green=0` on fraud-scorer.");
    expect(textOf(failed)).toContain(p.apply.correlationId);
    expect(await stateOf(p.id)).toBe("failed");
    const retry = failed.buttons?.find((b) => b.label === "Try again");
    expect(retry).toMatchObject({ verb: "apply", payloadId: p.id });
    h.emulator.faults.clear();
    const applied = await h.core.press(click(retry!));
    expect(applied.tone).toBe("success");
    expect(await stateOf(p.id)).toBe("applied");
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toEqual({ blue: 30, green: 70 });
  });

  it("after an operation that ended Failed, keeps the change retryable and says the old configuration stays", async () => {
    const p = await preview();
    h.emulator.faults.failOperations({ resourceType: "endpoint", name: "fraud-scorer" });
    const failed = await h.core.press(p.apply);
    expect(failed.title).toBe("The change failed in Azure ML");
    expect(textOf(failed)).toContain("Nothing changed: Azure ML still reports `blue=100 green=0`");
    expect(await stateOf(p.id)).toBe("failed");
    expect((await h.core.press({ ...p.apply, correlationId: "corr-retry" })).tone).toBe("success");
  });

  it("says Azure is throttling, with the wait, when the read before the change is throttled, and sends nothing", async () => {
    const p = await preview();
    h.emulator.faults.failRequests({ method: "GET", path: "onlineEndpoints/fraud-scorer$", status: 429, retryAfterSeconds: 0, count: 20 });
    const reply = await h.core.press(p.apply);
    expect(reply.title).toBe("Azure is throttling requests");
    expect(textOf(reply)).toContain("Nothing was sent.");
    expect(reply.buttons?.map((b) => b.label)).toEqual(["Try again", "Cancel"]);
    expect(armWrites(h)).toEqual([]);
    expect(await stateOf(p.id)).toBe("failed");
  });

  it("offers no Try again for a change Azure ML refuses as invalid", async () => {
    const p = await preview();
    h.emulator.faults.failRequests({ ...ENDPOINT_PUT, status: 400, code: "BadArgument", message: "Traffic is invalid." });
    const refused = await h.core.press(p.apply);
    expect(refused.title).toBe("Azure ML refused the change");
    expect(refused.buttons ?? []).toEqual([]);
  });
});

describe("a redelivered job resumes its own click", () => {
  it("sends a change left `applying` by a worker that died before the write, once", async () => {
    const p = await preview();
    await h.app.deps.pending.transition(p.id, ["pending"], "applying", { attempt: p.apply.correlationId, actedBy: OPERATOR.userId });
    const reply = await h.core.press(p.apply);
    expect(reply.tone).toBe("success");
    expect(armWrites(h)).toHaveLength(1);
    expect(await stateOf(p.id)).toBe("applied");
  });

  it("reports a write that landed while its worker was polling as applied, without writing again", async () => {
    const p = await preview();
    await h.app.deps.pending.transition(p.id, ["pending"], "applying", { attempt: p.apply.correlationId });
    // The dead worker's PUT reached Azure ML; its operation is still running when the job comes back.
    h.emulator.faults.addLatency({ method: "GET", path: "operations", ms: 300, count: 1 });
    const worker = new AbortController();
    const ws = h.app.deps.workspaces[0]!;
    const dying = h.app.deps.endpoints.updateTraffic(ws, "fraud-scorer", { traffic: { blue: 30, green: 70 } }, { abortSignal: worker.signal });
    await waitFor(() => armWrites(h).length === 1);
    worker.abort();
    await dying.catch(() => undefined);
    const reply = await h.core.press(p.apply);
    expect(reply.title).toBe("Traffic change on fraud-scorer: done");
    expect(armWrites(h)).toHaveLength(1);
    expect(h.audit.records.at(-1)).toMatchObject({ outcome: "ok", detail: expect.stringContaining("resumed") });
  });

  it("says stale when someone else changed the endpoint while the change was left `applying`", async () => {
    const p = await preview();
    await h.app.deps.pending.transition(p.id, ["pending"], "applying", { attempt: p.apply.correlationId });
    h.emulator.faults.mutate(endpointId(), { properties: { traffic: { blue: 50, green: 50 } } });
    const reply = await h.core.press(p.apply);
    expect(reply.title).toBe("Not applied: the endpoint changed");
    expect(textOf(reply)).toContain("now reports `blue=50 green=50`");
    expect(armWrites(h)).toEqual([]);
  });

  it("sends the same final message again when the job died after the change but before its message", async () => {
    const p = await preview();
    const first = await h.core.press(p.apply);
    const redelivered = await h.core.press(p.apply);
    expect(redelivered).toEqual(first);
    expect(armWrites(h)).toHaveLength(1);
  });

  it("resumes a `--yes` command's own change instead of starting another", async () => {
    const invocation = command("traffic fraud-scorer blue=30 green=70 --yes");
    const first = await h.core.execute(invocation);
    expect(first.tone).toBe("success");
    const redelivered = await h.core.execute(invocation);
    expect(redelivered).toEqual(first);
    expect(armWrites(h)).toHaveLength(1);
  });

  it("says nothing while its worker is stopped past the job's budget, and the redelivery finishes it once", async () => {
    const p = await preview();
    h.emulator.faults.addLatency({ ...ENDPOINT_PUT, ms: 1_500, count: 1 });
    const budget = AbortSignal.timeout(300);
    await expect(h.core.press(p.apply, { abortSignal: budget })).rejects.toThrow();
    expect(await stateOf(p.id)).toBe("applying");
    expect(h.audit.records.filter((r) => r.verb === "apply")).toEqual([]);
    const reply = await h.core.press(p.apply);
    expect(reply.tone).toBe("success");
    expect(armWrites(h)).toHaveLength(1);
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toEqual({ blue: 30, green: 70 });
  });

  it("leaves a change another click is applying alone, and refuses to cancel it", async () => {
    const p = await preview();
    await h.app.deps.pending.transition(p.id, ["pending"], "applying", { attempt: "corr-someone-else", actedBy: "U0OTHER" });
    expect(textOf(await h.core.press(p.apply))).toContain("already being applied (Apply pressed by U0OTHER");
    expect(textOf(await h.core.press(p.cancel))).toContain("can no longer be cancelled");
    expect(armWrites(h)).toEqual([]);
  });
});

describe("a preview belongs to its channel", () => {
  it("refuses Apply from another channel and changes nothing", async () => {
    const p = await preview();
    const elsewhere = await h.core.press({ ...p.apply, channel: { platform: "slack", id: "C-OTHER" } });
    expect(elsewhere.title).toBe("Not here");
    expect(textOf(elsewhere)).toContain("previewed in another channel");
    const typed = await h.core.execute(command(`aml apply ${p.id}`, OPERATOR, "C-OTHER"));
    expect(typed.title).toBe("Not here");
    expect(armWrites(h)).toEqual([]);
    expect(await stateOf(p.id)).toBe("pending");
    expect((await h.core.press(p.apply)).tone).toBe("success");
  });
});

describe("scale goes through the same states", () => {
  it("applies a scale change once and reports a change made since the preview", async () => {
    const first = await h.core.execute(command("scale fraud-scorer green 3"));
    const second = await h.core.execute(command("scale fraud-scorer green 4"));
    expect((await h.core.press(click(first.buttons![0]!))).tone).toBe("success");
    const stale = await h.core.press(click(second.buttons![0]!));
    expect(stale.title).toBe("Not applied: the endpoint changed");
    expect(textOf(stale)).toContain("Azure ML now reports `green=3`");
    expect(armWrites(h)).toHaveLength(1);
  });
});

async function waitFor(condition: () => boolean, timeoutInMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
