/**
 * The one chat job: a neutral envelope read the same way for every platform, with an address each platform's
 * schema reads. Refusals name field paths, never values (a Slack response_url is a credential).
 */
import { describe, expect, it } from "vitest";
import { CHAT_JOB_KIND, chatJob, parseChatJob } from "../../adapters/chat-job.js";
import { parseSlackJob, type SlackAddress } from "../../adapters/slack/slack-jobs.js";
import { parseTeamsJob, type TeamsAddress } from "../../adapters/teams/teams-jobs.js";
import { InvalidJobError } from "../../commands/errors.js";

const SECRET_URL = "https://hooks.slack.com/commands/T0LOCAL/1234567890/s3cr3tResponseToken";

const slack = chatJob<SlackAddress>("slack:T0LOCAL:1.2.3", {
  platform: "slack",
  correlationId: "1f34d4dd-2ac6-5df1-865c-8c3d93b1f665",
  actor: { userId: "U2147483697", displayName: "steve" },
  channelId: "C0MLOPS",
  request: { text: "scale fraud-scorer green 2" },
  address: { responseUrl: SECRET_URL, triggerId: "1.2.3", teamId: "T0LOCAL" },
});

const teams = chatJob<TeamsAddress>("teams:0123abcd", {
  platform: "teams",
  correlationId: "c-teams",
  actor: { userId: "aad-megan", displayName: "Megan Bowen" },
  channelId: "19:ops@thread.tacv2",
  request: { verb: "apply", payloadId: "pending-0001" },
  address: {
    reference: { channelId: "msteams", serviceUrl: "https://smba.trafficmanager.net/emea/", conversation: { id: "19:ops@thread.tacv2;messageid=1" }, bot: { id: "28:bot" } },
    scope: "channel",
    cardActivityId: "card-1",
    via: "invoke",
  },
});

/** What `read` throws. */
function refusal(read: () => unknown): InvalidJobError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidJobError);
    return error as InvalidJobError;
  }
  throw new Error("not refused");
}

describe("the chat job", () => {
  it("is one kind with one envelope for both platforms, each address read by its platform", () => {
    expect([slack.kind, teams.kind]).toEqual([CHAT_JOB_KIND, CHAT_JOB_KIND]);
    expect(parseChatJob(slack)).toEqual(slack);
    expect(parseChatJob(teams)).toEqual(teams);
    expect(parseSlackJob(slack)).toEqual(slack);
    expect(parseTeamsJob(teams)).toEqual(teams);
  });

  it("survives the queue's JSON round trip", () => {
    for (const job of [slack, teams]) expect(parseChatJob(JSON.parse(JSON.stringify(job)) as typeof job)).toEqual(job);
  });

  it("refuses a platform it does not know, naming the field only", () => {
    const discord = { ...slack, payload: { ...slack.payload, platform: "discord" } };
    expect(refusal(() => parseChatJob(discord)).message).toBe(`Job ${slack.id} is not a chat job: invalid platform`);
  });

  it("refuses another kind, and a job of the other platform in a platform's reader", () => {
    expect(refusal(() => parseChatJob({ ...slack, kind: "slack.command" })).message).toBe(`Job ${slack.id} is not a chat job: its kind is not "chat"`);
    expect(refusal(() => parseTeamsJob(slack)).message).toMatch(/^Job slack:T0LOCAL:1\.2\.3 is not a teams chat job: invalid platform, address\.reference, address\.scope, address\.responseUrl/);
  });

  it("refuses a wrong address with field paths only, never the values", () => {
    const wrong = { ...slack, payload: { ...slack.payload, address: { ...slack.payload.address, responseUrl: "javascript:alert(1)", triggerId: "", token: SECRET_URL } } };
    const { message } = refusal(() => parseSlackJob(wrong));
    expect(message).toBe(`Job ${slack.id} is not a slack chat job: invalid address.responseUrl, address.triggerId, address.token`);
    expect(message).not.toContain("javascript");
    expect(message).not.toContain("s3cr3t");

    // A Teams address on a Slack job: the whole Slack address is missing, and Teams' fields are named, not shown.
    const swapped = { ...slack, payload: { ...slack.payload, address: teams.payload.address } };
    const swappedMessage = refusal(() => parseSlackJob(swapped)).message;
    expect(swappedMessage).toContain("address.responseUrl");
    expect(swappedMessage).toContain("address.reference");
    expect(swappedMessage).not.toContain("smba.trafficmanager.net");
  });

  it("refuses a request that is neither a command nor a button press, and names it", () => {
    const both = { ...teams, payload: { ...teams.payload, request: { text: "help", verb: "apply", payloadId: "p" } } };
    expect(refusal(() => parseTeamsJob(both)).message).toBe(`Job ${teams.id} is not a teams chat job: invalid request`);
  });

  it("carries what was typed in a button's box with the press, up to 500 characters, and never with a command", () => {
    const withInput = (request: unknown) => ({ ...teams, payload: { ...teams.payload, request } });
    const reason = { verb: "reject", payloadId: "pending-0001", input: "green's error rate is still too high" };
    expect(parseTeamsJob(withInput(reason)).payload.request).toEqual(reason);
    expect(parseTeamsJob(withInput({ ...reason, input: "x".repeat(500) })).payload.request).toMatchObject({ input: "x".repeat(500) });
    for (const request of [{ ...reason, input: "x".repeat(501) }, { ...reason, input: "" }, { text: "help", input: "x" }]) {
      expect(refusal(() => parseTeamsJob(withInput(request))).message).toMatch(new RegExp(`^Job ${teams.id} is not a teams chat job: invalid request(\\.input)?$`));
    }
  });
});
