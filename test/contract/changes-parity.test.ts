/**
 * The promotion half in both chats, end to end through the real local stack (see `chat-drivers.ts`): a deploy
 * whose status card follows the provisioning, the lock it holds on its endpoint, each provisioning failure
 * explained, a delete refused while the deployment serves, the revert of each kind of change, a change freeze with
 * an admin's override, and a rule that needs two approvals or expires. The same flow runs on Slack and on Teams,
 * each on its own stack with the same ids, and what people saw is compared at every step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_FILE_CONFIG } from "../../src/config/local-defaults.js";
import type { LocalStack } from "../../tools/local/local-stack.js";
import type { Rendered } from "./chat-views.js";
import { armWrites, closeStacks, expectSays, newStack, run, slackDriver, teamsDriver, until, verbs, type ChatDriver } from "./chat-drivers.js";

const FAILURES = ["OutOfQuota", "ImageBuildFailure", "BadArgument", "ResourceNotReady"] as const;

/** The local config, with churn-model's rule asking for two approvals (the approver's and the admin's). */
const CONFIG = {
  ...LOCAL_FILE_CONFIG,
  policy: { ...LOCAL_FILE_CONFIG.policy, approvals: (LOCAL_FILE_CONFIG.policy.approvals ?? []).map((rule) => ({ ...rule, minApprovals: 2 })) },
};

interface Outcome {
  readonly deploy: {
    readonly preview: Rendered;
    readonly started: Rendered;
    readonly card: readonly Rendered[];
    readonly busy: Rendered;
    readonly tried: { readonly preview: Rendered; readonly card: Rendered };
    readonly traffic: unknown;
  };
  readonly failures: readonly { readonly failure: string; readonly card: Rendered; readonly traffic: unknown }[];
  readonly serving: { readonly answer: Rendered; readonly writes: number };
  readonly deleted: { readonly preview: Rendered; readonly card: Rendered; readonly exists: boolean };
  readonly reverts: {
    readonly traffic: { readonly preview: Rendered; readonly done: Rendered; readonly traffic: unknown };
    readonly mirror: { readonly done: Rendered; readonly traffic: unknown };
    readonly scale: { readonly done: Rendered; readonly capacity: number | undefined };
    readonly deploy: { readonly preview: Rendered; readonly card: Rendered; readonly exists: boolean };
  };
  readonly freeze: { readonly frozen: Rendered; readonly refused: Rendered; readonly writes: number; readonly overridden: Rendered; readonly capacity: number | undefined; readonly unfrozen: Rendered };
  readonly twoApprovals: { readonly first: Rendered; readonly again: Rendered; readonly writesAfterFirst: number; readonly card: Rendered; readonly capacity: number | undefined };
  readonly expiry: { readonly card: Rendered; readonly late: Rendered; readonly writes: number };
}

async function flow(chat: ChatDriver): Promise<Outcome> {
  const { stack } = chat;
  stack.emulator.reset();

  // A deploy: previewed, applied, then its status card follows the provisioning while the endpoint is held.
  const previewMessage = await chat.command("deploy fraud-scorer green2 --model fraud-model:5", "operator");
  const preview = await until(previewMessage, (v) => verbs(v).includes("apply"));
  const statusCard = await chat.posted(statusCardOf("green2"), () => chat.click(previewMessage, "apply", "operator"));
  const started = await until(previewMessage, (v) => v.summary.startsWith("Deploying"));
  const busy = await chat.privateAnswer("traffic fraud-scorer blue=90 green2=10", "operator");
  await until(statusCard, (v) => v.summary.startsWith("Ready"));
  const card = statusCard.versions();
  // Its next step, clicked: the mirror's preview comes as a new message, and the Ready card stays as it was.
  const step = await chat.posted((v) => v.summary.includes("green2=10"), () => chat.click(statusCard, "try-mirror", "operator"));
  const tried = { preview: await until(step, (v) => verbs(v).includes("apply")), card: statusCard.view() };
  await chat.click(step, "cancel", "operator");
  const deploy = { preview, started, card, busy, tried, traffic: await traffic(stack) };

  // Each failure Azure ML reports, explained; live traffic never moves.
  const failures = [];
  for (const [i, failure] of FAILURES.entries()) {
    stack.emulator.faults.failOperations({ failure, name: `canary${i}` });
    const card = await chat.posted(statusCardOf(`canary${i}`), () => chat.say(`deploy fraud-scorer canary${i} --model fraud-model:5 --yes`, "operator"));
    failures.push({ failure, card: await until(card, (v) => v.summary.startsWith("Failed")), traffic: await traffic(stack) });
  }

  // Delete: refused while a deployment serves; one with no traffic goes after Apply.
  const writesBefore = armWrites(stack).length;
  const serving = { answer: await chat.privateAnswer("delete fraud-scorer blue", "operator"), writes: armWrites(stack).length - writesBefore };
  const deletion = await chat.command("delete fraud-scorer canary0", "operator");
  const deletePreview = await until(deletion, (v) => verbs(v).includes("apply"));
  const deletedCard = await chat.posted(statusCardOf("canary0"), () => chat.click(deletion, "apply", "operator"));
  const deleted = { preview: deletePreview, card: await until(deletedCard, (v) => v.summary.startsWith("Deleted")), exists: await exists(stack, "canary0") };

  // Reverts: the applied change's Revert button, then `aml revert` typed, for each kind of change.
  const shift = await chat.command("traffic fraud-scorer blue=70 green=30 --yes", "operator");
  await until(shift, (v) => verbs(v).includes("revert"));
  const revertPreview = await chat.posted((v) => v.summary.startsWith("Proposed revert"), () => chat.click(shift, "revert", "operator"));
  const trafficPreview = await until(revertPreview, (v) => verbs(v).includes("apply"));
  await chat.click(revertPreview, "apply", "operator");
  const trafficDone = await until(revertPreview, done);
  const revertedTraffic = { preview: trafficPreview, done: trafficDone, traffic: await traffic(stack) };

  await chat.command("mirror fraud-scorer green=10 --yes", "operator").then((m) => until(m, (v) => verbs(v).includes("revert")));
  const mirrorDone = await until(await chat.command("revert fraud-scorer --yes", "operator"), done);
  const revertedMirror = { done: mirrorDone, traffic: await traffic(stack) };

  await chat.command("scale fraud-scorer green 2 --yes", "operator").then((m) => until(m, (v) => verbs(v).includes("revert")));
  const scaleDone = await until(await chat.command("revert fraud-scorer --yes", "operator"), done);
  const revertedScale = { done: scaleDone, capacity: await capacity(stack, "fraud-scorer", "green") };

  // The last change applied on fraud-scorer now is the revert of the scale: green2's deploy is reverted by its id.
  const deployChange = preview.buttons.find((b) => b.verb === "apply")!.payloadId;
  const deployRevert = await chat.command(`revert ${deployChange}`, "operator");
  const deployRevertPreview = await until(deployRevert, (v) => verbs(v).includes("apply"));
  const goneCard = await chat.posted(statusCardOf("green2"), () => chat.click(deployRevert, "apply", "operator"));
  const revertedDeploy = { preview: deployRevertPreview, card: await until(goneCard, (v) => v.summary.startsWith("Deleted")), exists: await exists(stack, "green2") };

  // A freeze refuses the operator's change; the admin's override goes through.
  const frozen = await until(await chat.command('freeze fraud-scorer --until 2h --reason "incident 4711"', "admin"), (v) => v.summary.includes("frozen until"));
  const frozenWrites = armWrites(stack).length;
  const refused = await chat.privateAnswer("scale fraud-scorer green 3 --yes", "operator");
  const refusedWrites = armWrites(stack).length - frozenWrites;
  const overridden = await until(await chat.command('scale fraud-scorer green 3 --yes --override "the hotfix itself"', "admin"), done);
  const freezeCapacity = await capacity(stack, "fraud-scorer", "green");
  const unfrozen = await until(await chat.command("unfreeze fraud-scorer", "admin"), (v) => /unfrozen/i.test(v.summary));

  // Two approvals on churn-model: the approver's alone applies nothing; the admin's second one applies.
  stack.emulator.reset();
  const request = await chat.request("scale churn-model main 3", "operator");
  const first = await chat.press(request.card, "approve", "approver");
  const again = await chat.press(request.card, "approve", "approver");
  const writesAfterFirst = armWrites(stack).length;
  await chat.press(request.card, "approve", "admin");
  const twoApprovals = { first, again, writesAfterFirst, card: await until(request.card, (v) => v.summary.startsWith("Approved and applied")), capacity: await capacity(stack, "churn-model", "main") };

  // A request nobody decides expires: its card says so and its buttons are gone.
  stack.emulator.reset();
  const stale = await chat.request("scale churn-model main 4", "operator");
  const decidable = stale.card.view();
  await stack.runtime.expireApprovals(new Date(Date.now() + 2 * 3_600_000));
  const expiredCard = await until(stale.card, (v) => v.summary.startsWith("Expired"));
  // Someone who still has the old card open clicks Approve (or types it): too late.
  const late = await chat.privateAnswer(`approve ${decidable.buttons.find((b) => b.verb === "approve")!.payloadId}`, "approver");
  const expiry = { card: expiredCard, late, writes: armWrites(stack).length };

  return {
    deploy,
    failures,
    serving,
    deleted,
    reverts: { traffic: revertedTraffic, mirror: revertedMirror, scale: revertedScale, deploy: revertedDeploy },
    freeze: { frozen, refused, writes: refusedWrites, overridden, capacity: freezeCapacity, unfrozen },
    twoApprovals,
    expiry,
  };
}

/** An applied change's answer: its title ends with "done". */
const done = (view: Rendered): boolean => view.words.includes("done");

/** A deployment's status card (its title says what happens to it), not the answer to the command that started it. */
const statusCardOf = (deployment: string) => (view: Rendered) => view.summary.endsWith(` ${deployment} on fraud-scorer`);

async function traffic(stack: LocalStack): Promise<unknown> {
  const deps = stack.runtime.app.deps;
  const endpoint = await deps.endpoints.getEndpoint(deps.workspaces[0]!, "fraud-scorer");
  return { live: endpoint?.traffic, mirror: endpoint?.mirrorTraffic ?? {} };
}

async function capacity(stack: LocalStack, endpoint: string, deployment: string): Promise<number | undefined> {
  const deps = stack.runtime.app.deps;
  return (await deps.endpoints.getDeployment(deps.workspaces[0]!, endpoint, deployment))?.capacity;
}

async function exists(stack: LocalStack, deployment: string): Promise<boolean> {
  return (await capacity(stack, "fraud-scorer", deployment)) !== undefined;
}

let slack: Outcome;
let teams: Outcome;
const start = () => newStack({ env: { AML_CONFIG_JSON: JSON.stringify(CONFIG), AML_FOLLOW_UP_INTERVAL_MS: "250" }, provisionDelayInMs: 2_000 });
beforeAll(async () => {
  slack = await run(start, (stack) => flow(slackDriver(stack)));
  teams = await run(start, (stack) => flow(teamsDriver(stack)));
}, 300_000);
afterAll(closeStacks);

describe.each([
  ["Slack", () => slack],
  ["Teams", () => teams],
])("the promotion half on %s", (_platform, outcome) => {
  it("previews a deploy with Apply, and after Apply one status card follows the provisioning, edited in place, to Ready", () => {
    const { deploy } = outcome();
    expect(deploy.preview.summary).toBe("Proposed: green2: fraud-model:5, 1 × Standard_DS3_v2 on fraud-scorer, 0 % traffic");
    expect(verbs(deploy.preview)).toEqual(["apply", "cancel"]);
    expect(deploy.preview.words).toContain("Quota:");
    expect(deploy.started.summary).toBe("Deploying green2 (fraud-model:5) on fraud-scorer");
    expect(deploy.card[0]!.summary).toBe("⏳ Creating green2 on fraud-scorer");
    expectSays(deploy.card[0]!, "Live traffic is unchanged.");
    expect(deploy.card.length).toBeGreaterThanOrEqual(2);
    const ready = deploy.card.at(-1)!;
    expect(ready.summary).toBe("Ready: green2 on fraud-scorer");
    expectSays(ready, "Succeeded · 0 % live traffic");
    expectSays(ready, "Requested by operator");
    expect(ready.buttons.map((b) => b.verb)).toEqual(["try-mirror", "try-traffic", "try-promote"]);
    expect(deploy.traffic).toEqual({ live: { blue: 100, green: 0 }, mirror: {} });
  });

  it("runs a Ready card's next step as the clicker, in a new message with its preview, and keeps the card", () => {
    const { tried, card } = outcome().deploy;
    expect(tried.preview.summary).toMatch(/green2=10/);
    expect(verbs(tried.preview)).toEqual(["apply", "cancel"]);
    expect(tried.card).toEqual(card.at(-1));
  });

  it("holds the endpoint while the deployment is created: another change is refused, naming the deploy and who started it", () => {
    const { busy } = outcome().deploy;
    expect(busy.summary).toMatch(/^fraud-scorer is busy: `green2` is creating \(`aml deploy` by operator at \d{2}:\d{2} UTC, request `request-0001`\)/);
    expectSays(busy, "aml show fraud-scorer");
    expectSays(busy, "Nothing was changed.");
  });

  it.each([
    ["OutOfQuota", "could not get the cores", undefined],
    ["ImageBuildFailure", "image did not build", "InferenceServer"],
    ["BadArgument", "registered in this workspace", "StorageInitializer"],
    ["ResourceNotReady", "readiness probe", "InferenceServer"],
  ] as const)("explains a %s in plain words with the fix and the log, and live traffic never moves", (failure, explanation, log) => {
    const seen = outcome().failures.find((f) => f.failure === failure)!;
    expect(seen.card.summary).toMatch(/^Failed: canary\d on fraud-scorer$/);
    expect(seen.card.words).toContain(`${failure}:`);
    expectSays(seen.card, explanation);
    expectSays(seen.card, "Live traffic was never touched.");
    if (log) expectSays(seen.card, `Last lines of the ${log} log:`);
    expect(seen.traffic).toEqual({ live: { blue: 100, green: 0 }, mirror: {} });
  });

  it("refuses to delete a deployment that serves live traffic, sending nothing; one with none goes after Apply", () => {
    const { serving, deleted } = outcome();
    expect(serving.answer.summary).toMatch(/^Still serving: `blue` takes 100 % of live traffic/);
    expect(serving.writes).toBe(0);
    expect(deleted.preview.summary).toBe("Proposed: delete canary0 on fraud-scorer");
    expect(verbs(deleted.preview)).toEqual(["apply", "cancel"]);
    expect(deleted.card.summary).toBe("Deleted: canary0 on fraud-scorer");
    expect(deleted.exists).toBe(false);
  });

  it("reverts each kind of change: traffic (its Revert button), mirror and scale (typed), and a deploy (its deployment deleted)", () => {
    const { reverts } = outcome();
    expect(reverts.traffic.preview.summary).toMatch(/^Proposed revert on fraud-scorer: blue=70 green=30 .*→ blue=100 green=0$/);
    expect(verbs(reverts.traffic.preview)).toEqual(["apply", "cancel"]);
    expect(reverts.traffic.preview.words).toContain("operator");
    expect(reverts.traffic.done.words).toContain("done");
    expect(reverts.traffic.traffic).toMatchObject({ live: { blue: 100, green: 0 } });
    expect(reverts.mirror.done.summary).toBe("fraud-scorer now blue=100 green=0 (was blue=100 green=0; mirror green=10)");
    expect(reverts.mirror.traffic).toMatchObject({ mirror: {} });
    expect(reverts.scale.done.summary).toBe("green on fraud-scorer now runs 1 instance(s) (was 2)");
    expect(reverts.scale.capacity).toBe(1);
    expect(reverts.deploy.preview.summary).toBe("Proposed revert on fraud-scorer: green2 → no green2");
    expect(reverts.deploy.card.summary).toBe("Deleted: green2 on fraud-scorer");
    expect(reverts.deploy.exists).toBe(false);
  });

  it("refuses a change during a freeze, saying who froze it, why and until when; an admin's override goes through, named", () => {
    const { freeze } = outcome();
    expect(freeze.frozen.summary).toMatch(/^fraud-scorer \(demo\) frozen until \w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: incident 4711$/);
    expect(freeze.refused.summary).toMatch(/^Frozen: no changes to fraud-scorer: fraud-scorer \(demo\) is frozen until .* UTC, by admin: incident 4711\. Nothing was changed\.$/);
    expect(freeze.writes).toBe(0);
    expect(freeze.overridden.summary).toBe("green on fraud-scorer now runs 3 instance(s) (was 1)");
    expectSays(freeze.overridden, "Freeze overridden by admin: the hotfix itself");
    expect(freeze.capacity).toBe(3);
    expect(freeze.unfrozen.summary).toMatch(/^Unfrozen: fraud-scorer \(demo\)/);
  });

  it("counts distinct approvers: the approver's Approve (even twice) applies nothing, the admin's second one applies", () => {
    const { twoApprovals } = outcome();
    expect(twoApprovals.first.summary).toBe("Approval recorded: 1 of 2: waiting for 1 more.");
    expect(twoApprovals.again.summary).toBe("Nothing to do: You already approved this request (1 of 2).");
    expect(twoApprovals.writesAfterFirst).toBe(0);
    expect(twoApprovals.card.summary).toMatch(/^Approved and applied: /);
    expectSays(twoApprovals.card, "Approvals 2 of 2 (approver, admin)");
    expect(twoApprovals.capacity).toBe(3);
  });

  it("ends a request nobody decided with an Expired card without buttons; a late Approve changes nothing", () => {
    const { expiry } = outcome();
    expect(expiry.card.summary).toMatch(/^Expired: /);
    expectSays(expiry.card, "Nothing was changed.");
    expect(verbs(expiry.card)).toEqual([]);
    expect(expiry.late.summary).toBe("Nothing to do: This request has expired. Ask again for a fresh one.");
    expect(expiry.writes).toBe(0);
  });
});

/** What both platforms must show alike: times of day, elapsed seconds, log timestamps and `--yes` change ids differ per run. */
function steady(view: Rendered): Rendered {
  const varying = /\d{2}:\d{2}|^\d+$|^now-[0-9a-f-]{36}|^[─]+$/;
  return {
    summary: view.summary.replace(/\d{2}:\d{2}/g, "hh:mm"),
    words: view.words.filter((w) => !varying.test(w.replace(/[`(),.]/g, ""))),
    buttons: view.buttons.map((b) => ({ ...b, payloadId: b.payloadId.replace(/^now-.*/, "now-<id>") })),
  };
}

describe("the promotion half on Slack and Teams", () => {
  it("shows the same messages at every step", () => {
    const views = (o: Outcome): Rendered[] => [
      o.deploy.preview,
      o.deploy.started,
      o.deploy.card.at(-1)!,
      o.deploy.busy,
      o.deploy.tried.preview,
      ...o.failures.map((f) => f.card),
      o.serving.answer,
      o.deleted.preview,
      o.deleted.card,
      o.reverts.traffic.preview,
      o.reverts.traffic.done,
      o.reverts.mirror.done,
      o.reverts.scale.done,
      o.reverts.deploy.preview,
      o.reverts.deploy.card,
      o.freeze.frozen,
      o.freeze.refused,
      o.freeze.overridden,
      o.freeze.unfrozen,
      o.twoApprovals.first,
      o.twoApprovals.card,
      o.expiry.card,
      o.expiry.late,
    ];
    const [onSlack, onTeams] = [views(slack).map(steady), views(teams).map(steady)];
    for (const [i, view] of onSlack.entries()) expect(onTeams[i], view.summary).toEqual(view);
  });
});
