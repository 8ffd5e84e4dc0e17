/**
 * The composition root hands a queued chat job to the adapter of the platform the job names: one kind on the
 * queue, the platform read from the validated envelope. The real runtime of the local stack (`startLocalStack`:
 * Azurite, the job ledger, both chat stand-ins), its `handleJob` called as the queue trigger calls it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatJob, type ChatJob } from "../../adapters/chat-job.js";
import type { SlackAddress } from "../../adapters/slack/slack-jobs.js";
import type { TeamsAddress } from "../../adapters/teams/teams-jobs.js";
import { InvalidJobError } from "../../commands/errors.js";
import { newJob } from "../../src/storage/job-queue.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { LOCAL_TEAMS, teamsUserId } from "../../tools/local/teams-activities.js";

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ ports: { host: 0 }, logger: { info() {}, warn() {}, error() {} }, emulatorLroDelayInMs: 30 });
}, 30_000);
afterAll(() => stack?.close());

const USER = "U0DISPATCH";
const CONVERSATION = "a:dispatch-personal";

function slackHelp(id: string): ChatJob<SlackAddress> {
  const responseUrl = stack.slack.responseUrl(id, { channel: "C0DISPATCH", user: USER });
  stack.slack.recordAck(responseUrl, { response_type: "in_channel", text: "⏳ working" });
  return chatJob(`slack:T0LOCAL:${id}`, {
    platform: "slack",
    correlationId: `corr-${id}`,
    actor: { userId: USER },
    channelId: "C0DISPATCH",
    request: { text: "help" },
    address: { responseUrl, triggerId: id },
  });
}

function teamsHelp(id: string): ChatJob<TeamsAddress> {
  const aadObjectId = LOCAL_TEAMS.adminAadObjectId;
  return chatJob(`teams:${id}`, {
    platform: "teams",
    correlationId: `corr-${id}`,
    actor: { userId: aadObjectId },
    channelId: CONVERSATION,
    request: { text: "help" },
    address: {
      reference: {
        channelId: "msteams",
        serviceUrl: stack.teams.url,
        conversation: { id: CONVERSATION, conversationType: "personal", tenantId: LOCAL_TEAMS.tenantId },
        bot: { id: LOCAL_TEAMS.botId, name: LOCAL_TEAMS.botName },
        user: { id: teamsUserId(aadObjectId), aadObjectId },
      },
      scope: "personal",
    },
  });
}

/** The job as the queue trigger hands it over (with `enqueuedAt`). */
const queued = (job: ChatJob) => newJob(job.kind, job.payload, job.id);

/** Calls each stand-in has had: who answered the job. */
const traffic = () => ({ slack: stack.slack.calls.length, teams: stack.teams.calls.length });

describe("chat jobs through the runtime", () => {
  it("runs a Slack job on the Slack adapter: it answers through the response_url, Teams hears nothing", async () => {
    const before = traffic();
    expect(await stack.runtime.handleJob(queued(slackHelp("dispatch-1")))).toBe("ran");
    expect(stack.slack.calls.slice(before.slack).some((c) => c.method === "response_url")).toBe(true);
    expect(traffic().teams).toBe(before.teams);
  });

  it("runs a Teams job on the Teams adapter: it posts to the conversation, Slack hears nothing", async () => {
    const before = traffic();
    expect(await stack.runtime.handleJob(queued(teamsHelp("dispatch-2")))).toBe("ran");
    expect(stack.teams.messages.some((m) => m.conversationId === CONVERSATION)).toBe(true);
    expect(traffic().slack).toBe(before.slack);
  });

  it("refuses a platform no adapter serves, and a job of no chat kind, answering nothing", async () => {
    const before = traffic();
    const job = slackHelp("dispatch-3");
    const discord = stack.runtime.handleJob(newJob(job.kind, { ...job.payload, platform: "discord" }, job.id));
    await expect(discord).rejects.toThrow(InvalidJobError);
    await expect(discord).rejects.toThrow(`Job ${job.id} is not a chat job: invalid platform`);
    await expect(stack.runtime.handleJob(newJob("slack.command", job.payload, "slack.command:old"))).rejects.toThrow(/is not a chat job: its kind is not "chat"/);
    expect(traffic()).toEqual(before);
  });

  it("hands a job to the platform it names, whose own schema then reads the address", async () => {
    const before = traffic();
    const slack = slackHelp("dispatch-4");
    // Says Teams, carries Slack's address: the Teams adapter refuses it, naming the fields and not their values.
    const misaddressed = stack.runtime.handleJob(newJob(slack.kind, { ...slack.payload, platform: "teams" }, slack.id));
    await expect(misaddressed).rejects.toThrow(/is not a teams chat job: invalid address\.reference, address\.scope, address\.responseUrl/);
    await expect(misaddressed).rejects.not.toThrow(/127\.0\.0\.1/);
    expect(traffic()).toEqual(before);
  });
});
