/**
 * Four eyes in both chats, end to end: the same approval flow through the real local stack on Slack (signed slash
 * commands and `block_actions` clicks to the Bolt receiver, the Slack API stand-in recording what people see) and on
 * Teams (Bot Framework activities and `adaptiveCard/action` invokes to the botbuilder CloudAdapter, the connector
 * stand-in recording), with the local default config: changes to `churn-model` wait for one Approve of the local
 * approver or admin, never the requester's own. The request's card is posted by the core (the channel notifier)
 * and updated in place after each decision; whoever clicked hears back privately (Slack: ephemeral; Teams: the
 * 1:1 chat). Each platform gets its own stack, one after the other, with the same ids, so both can be compared.
 *
 * Then across platforms, with a config whose rule also posts requests to a Teams channel: a request made in Slack
 * is approved by a Teams user, and both copies of its card say so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_FILE_CONFIG } from "../../src/config/local-defaults.js";
import type { LocalStack } from "../../tools/local/local-stack.js";
import type { Rendered } from "./chat-views.js";
import {
  armWrites,
  closeStacks,
  expectSays,
  newStack,
  run,
  settled,
  slackDriver,
  TEAMS_CHANNEL,
  teamsDriver,
  timeless,
  until,
  verbs,
  type ChatDriver,
  type Message,
} from "./chat-drivers.js";

// ─── The flow ──────────────────────────────────────────────────────────────────

interface Outcome {
  readonly requested: { readonly card: Rendered; readonly answer: Rendered; readonly box: boolean; readonly writes: number; readonly capacity: number | undefined };
  readonly ownApprove: Rendered;
  readonly notApprover: Rendered;
  readonly bareReject: { readonly answer: Rendered; readonly card: Rendered };
  readonly rejected: { readonly answer: Rendered; readonly card: Rendered; readonly box: boolean; readonly writes: number };
  readonly adminOwn: { readonly approve: Rendered; readonly cancelled: Rendered; readonly writes: number };
  readonly approved: { readonly answer: Rendered; readonly card: Rendered; readonly writes: readonly string[]; readonly capacity: number | undefined };
  readonly concurrent: { readonly answers: readonly Rendered[]; readonly card: Rendered; readonly writes: readonly string[]; readonly capacity: number | undefined };
  readonly outOfBand: { readonly answer: Rendered; readonly card: Rendered; readonly writes: readonly string[]; readonly capacity: number | undefined };
}

async function flow(driver: ChatDriver): Promise<Outcome> {
  const { stack } = driver;
  stack.emulator.reset();
  const first = await driver.request("scale churn-model main 3", "operator");
  const requested = { card: first.card.view(), answer: first.answer, box: first.card.hasBox(), writes: armWrites(stack).length, capacity: await capacity(stack) };
  const ownApprove = await driver.press(first.card, "approve", "operator");
  const notApprover = await driver.press(first.card, "approve", "viewer");
  const bareReject = { answer: await driver.press(first.card, "reject", "approver"), card: first.card.view() };
  const rejectAnswer = await driver.press(first.card, "reject", "approver", "  Not during the sale: try again after Friday  ");
  const rejectedCard = await until(first.card, (v) => v.summary.startsWith("Rejected"));
  const rejected = { answer: rejectAnswer, card: rejectedCard, box: first.card.hasBox(), writes: armWrites(stack).length };

  const own = await driver.request("scale churn-model main 4", "admin");
  const adminApprove = await driver.press(own.card, "approve", "admin");
  await driver.click(own.card, "cancel", "admin"); // its answer is for the channel: it takes the card's place
  const adminOwn = { approve: adminApprove, cancelled: await settled(own.card, (v) => v.summary.startsWith("Cancelled")), writes: armWrites(stack).length };

  const second = await driver.request("scale churn-model main 3", "operator");
  const approveAnswer = await driver.press(second.card, "approve", "approver");
  const approved = { answer: approveAnswer, card: await until(second.card, (v) => v.summary.startsWith("Approved and applied")), writes: armWrites(stack), capacity: await capacity(stack) };

  stack.emulator.reset();
  const third = await driver.request("scale churn-model main 3", "operator");
  const answers = await driver.pressAtOnce(third.card, "approve", "approver", 50);
  const concurrent = { answers, card: await until(third.card, (v) => v.summary.startsWith("Approved and applied")), writes: armWrites(stack), capacity: await capacity(stack) };

  stack.emulator.reset();
  const fourth = await driver.request("scale churn-model main 3", "operator");
  stack.emulator.faults.mutate(deploymentId(stack), { sku: { capacity: 4 } });
  const lateAnswer = await driver.press(fourth.card, "approve", "approver");
  const outOfBand = { answer: lateAnswer, card: await until(fourth.card, (v) => v.summary.startsWith("Approved, not applied")), writes: armWrites(stack), capacity: await capacity(stack) };

  return { requested, ownApprove, notApprover, bareReject, rejected, adminOwn, approved, concurrent, outOfBand };
}

function deploymentId(stack: LocalStack): string {
  return `/subscriptions/${stack.emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/churn-model/deployments/main`;
}

async function capacity(stack: LocalStack): Promise<number | undefined> {
  const deps = stack.runtime.app.deps;
  return (await deps.endpoints.getDeployment(deps.workspaces[0]!, "churn-model", "main"))?.capacity;
}

// ─── The suite ─────────────────────────────────────────────────────────────────

/** The same id sequence on both platforms: requests get the same ids, so cards can be compared as they are. */
const start = (env: Record<string, string> = {}) => () => newStack({ env });

let slack: Outcome;
let teams: Outcome;
beforeAll(async () => {
  slack = await run(start(), (stack) => flow(slackDriver(stack)));
  teams = await run(start(), (stack) => flow(teamsDriver(stack)));
}, 300_000);
afterAll(closeStacks);

describe.each([
  ["Slack", () => slack],
  ["Teams", () => teams],
])("approvals on %s", (_platform, outcome) => {
  it("answers an operator's change to churn-model with a request card (Approve, Reject with a box for the reason, Cancel) and changes nothing", () => {
    const { requested } = outcome();
    expect(requested.card.summary).toMatch(/^Approval needed: /);
    expect(verbs(requested.card)).toEqual(["approve", "reject", "cancel"]);
    expect(new Set(requested.card.buttons.map((b) => b.payloadId))).toEqual(new Set(["request-0001"]));
    expect(requested.box).toBe(true);
    expectSays(requested.card, "Requested by operator");
    // The approvers are mentioned (notified), by the names the platform shows; the requester is not.
    expect(requested.card.mentions).toEqual(["approver", "admin"]);
    expectSays(requested.card, "cc approver admin");
    expect(requested.answer.summary).toMatch(/^Approval requested for /);
    expect(requested.writes).toBe(0);
    expect(requested.capacity).toBe(2);
  });

  it("refuses the requester's own Approve (four eyes), and anyone who is not an approver; the card stays as it was", () => {
    const { ownApprove, notApprover, bareReject } = outcome();
    expect(ownApprove.summary).toMatch(/^Not allowed: You asked for this change, so someone else has to approve it \(four eyes\)/);
    expect(notApprover.summary).toMatch(/^Not allowed: You are not one of the approvers/);
    expect(bareReject.card.summary).toMatch(/^Approval needed: /);
    expectSays(bareReject.card, "Approvals 0 of 1");
  });

  it("refuses the admin's Approve of their own request too (four eyes), and lets them cancel it", () => {
    const { adminOwn } = outcome();
    expect(adminOwn.approve.summary).toMatch(/^Not allowed: .*\(four eyes\)/);
    expect(adminOwn.cancelled.summary).toMatch(/^Cancelled/);
    expect(verbs(adminOwn.cancelled)).not.toContain("approve");
    expect(adminOwn.writes).toBe(0);
  });

  it("asks for a reason when Reject comes with an empty box, and with one typed ends the request, the reason on the card", () => {
    const { bareReject, rejected } = outcome();
    expect(bareReject.answer.summary).toMatch(/^A rejection needs a reason/);
    expect(rejected.answer.summary).toMatch(/^Rejected: You rejected /);
    expect(rejected.card.summary).toMatch(/^Rejected: /);
    expectSays(rejected.card, "Rejected by approver");
    expectSays(rejected.card, "Not during the sale: try again after Friday. Nothing was changed.");
    expect(verbs(rejected.card)).toEqual([]);
    expect(rejected.box).toBe(false);
    expect(rejected.writes).toBe(0);
  });

  it("applies the change on an approver's Approve, with exactly one ARM write, and the card says Approved and applied", () => {
    const { approved } = outcome();
    expect(approved.answer.summary).toBe("main on churn-model now runs 3 instance(s) (was 2)");
    expect(approved.writes).toHaveLength(1);
    expect(approved.writes[0]).toMatch(/onlineEndpoints\/churn-model\/deployments\/main/);
    expect(approved.capacity).toBe(3);
    expect(approved.card.summary).toMatch(/^Approved and applied: /);
    expectSays(approved.card, "Approved by approver");
    expect(verbs(approved.card).filter((v) => ["approve", "reject", "cancel"].includes(v))).toEqual([]);
    expect(approved.card.mentions).toBeUndefined();
  });

  it("makes exactly one ARM write for 50 Approve clicks at once and a redelivered one, and answers each click once", () => {
    const { concurrent } = outcome();
    expect(concurrent.writes).toHaveLength(1);
    expect(concurrent.capacity).toBe(3);
    expect(concurrent.answers).toHaveLength(50);
    expect(concurrent.answers.filter((a) => a.summary.includes("now runs 3 instance"))).toHaveLength(1);
    expect(concurrent.card.summary).toMatch(/^Approved and applied: /);
  });

  it("refuses an approval after someone changed the deployment outside the bot, and changes nothing", () => {
    const { outOfBand } = outcome();
    expect(outOfBand.writes).toEqual([]);
    expect(outOfBand.capacity).toBe(4);
    expect(outOfBand.answer.summary).not.toContain("now runs");
    expect(outOfBand.card.summary).toMatch(/^Approved, not applied: /);
  });
});

describe("the same approval flow on Slack and Teams", () => {
  it("shows the same cards at every step", () => {
    for (const step of ["requested", "rejected", "approved", "concurrent", "outOfBand"] as const) {
      expect(timeless(teams[step].card), step).toEqual(timeless(slack[step].card));
    }
    expect(timeless(teams.adminOwn.cancelled)).toEqual(timeless(slack.adminOwn.cancelled));
  });

  it("answers each click with the same private text", () => {
    for (const step of ["ownApprove", "notApprover"] as const) expect(timeless(teams[step]), step).toEqual(timeless(slack[step]));
    expect(timeless(teams.bareReject.answer)).toEqual(timeless(slack.bareReject.answer));
    expect(timeless(teams.rejected.answer)).toEqual(timeless(slack.rejected.answer));
    expect(timeless(teams.requested.answer)).toEqual(timeless(slack.requested.answer));
  });
});

describe("across platforms", () => {
  /** The local config, with the rule also posting every request to the Teams channel (as a config file says it). */
  const config = {
    ...LOCAL_FILE_CONFIG,
    policy: { ...LOCAL_FILE_CONFIG.policy, approvals: (LOCAL_FILE_CONFIG.policy.approvals ?? []).map((rule) => ({ ...rule, channel: `teams:${TEAMS_CHANNEL}` })) },
  };
  let seen: { slackCard: Rendered; teamsCard: Rendered; answer: Rendered; writes: readonly string[]; capacity: number | undefined };

  beforeAll(async () => {
    seen = await run(
      start({ AML_CONFIG_JSON: JSON.stringify(config) }),
      async (stack) => {
        const onTeams = teamsDriver(stack);
        // The bot can post in a Teams channel once it was installed or spoken to there.
        await onTeams.say("help", "viewer");
        let card: Message | undefined;
        const copy = await onTeams.posted(
          (v) => verbs(v).includes("approve"),
          async () => ({ card } = await slackDriver(stack).request("scale churn-model main 3", "operator")),
        );
        const answer = await onTeams.press(copy, "approve", "approver");
        return {
          slackCard: await until(card!, (v) => v.summary.startsWith("Approved and applied")),
          teamsCard: await until(copy, (v) => v.summary.startsWith("Approved and applied")),
          answer,
          writes: armWrites(stack),
          capacity: await capacity(stack),
        };
      },
    );
  }, 120_000);

  it("lets a Teams approver approve a request made in Slack: one ARM write, and both copies of the card say so", () => {
    expect(seen.answer.summary).toBe("main on churn-model now runs 3 instance(s) (was 2)");
    expect(seen.writes).toHaveLength(1);
    expect(seen.capacity).toBe(3);
    expect(seen.slackCard.summary).toMatch(/^Approved and applied: /);
    expect(timeless(seen.teamsCard)).toEqual(timeless(seen.slackCard));
    expectSays(seen.slackCard, "Requested by operator");
    expectSays(seen.slackCard, "Approved by approver");
  });
});
