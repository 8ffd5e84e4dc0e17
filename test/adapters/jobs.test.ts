import { describe, expect, it } from "vitest";
import { MAX_COMMAND_TEXT_CHARS, MAX_JOB_JSON_BYTES, QUEUE_MESSAGE_BYTES, commandTooLongReply, jobJsonBytes } from "../../adapters/jobs.js";
import { chatJob } from "../../adapters/chat-job.js";
import { parseSlackJob } from "../../adapters/slack/slack-jobs.js";
import { parseTeamsJob } from "../../adapters/teams/teams-jobs.js";
import { textOf } from "../helpers/core-harness.js";

const slackJob = (text: string) =>
  chatJob("slack:T0LOCAL:1234567890.1234567890.abcdef", {
    platform: "slack",
    correlationId: "1f34d4dd-2ac6-5df1-865c-8c3d93b1f665",
    actor: { userId: "U2147483697" },
    channelId: "C0MLOPS",
    request: { text },
    address: { responseUrl: "https://hooks.slack.com/commands/T0LOCAL/1234567890/abcdefghijklmnopqrstuvwx", triggerId: "1234567890.1234567890.abcdef0123456789abcdef0123456789" },
  });

/** A Slack command job whose JSON is exactly `bytes` long (the text padded with a one-byte character). */
function slackJobOf(bytes: number) {
  const empty = jobJsonBytes(slackJob(""));
  const text = `invoke fraud-scorer ${"x".repeat(bytes - empty - 20)}`;
  return { ...slackJob(text), text };
}

describe("how long a queued command may be", () => {
  it("refuses no job up to the limit, and answers one byte over it with the sizes and what to do", () => {
    const fits = slackJobOf(MAX_JOB_JSON_BYTES);
    expect(jobJsonBytes(fits)).toBe(MAX_JOB_JSON_BYTES);
    expect(commandTooLongReply(fits, fits.text, "c-1")).toBeUndefined();
    expect(parseSlackJob(fits).payload).toEqual(fits.payload);

    const over = slackJobOf(MAX_JOB_JSON_BYTES + 1);
    const reply = commandTooLongReply(over, over.text, "c-2");
    expect(reply).toMatchObject({ title: "Command too long", visibility: "requester", tone: "error" });
    expect(textOf(reply!)).toContain(`This command is ${over.text.length.toLocaleString("en-US")} characters: 47.0 KiB once packed for the bot's worker, which takes at most 47.0 KiB. Nothing was done.`);
    expect(textOf(reply!)).toContain("c-2");
  });

  it("leaves room for what is added after the check: a job at the limit is still one queue message", () => {
    const job = slackJobOf(MAX_JOB_JSON_BYTES);
    // What the runtime adds (when it was queued, a watchdog copy's claim) and Teams' "⏳" card id, at their longest.
    const message = JSON.stringify({
      id: job.id,
      kind: job.kind,
      payload: { ...job.payload, address: { ...job.payload.address, ackActivityId: "a".repeat(256) } },
      enqueuedAt: "2026-12-31T23:59:59.999+14:00",
      watchdog: { claimId: "c".repeat(64) },
    });
    expect(Buffer.from(message, "utf8").toString("base64").length).toBeLessThanOrEqual(QUEUE_MESSAGE_BYTES);
  });

  it("counts bytes of JSON, not characters: quotes take two, other non-ASCII characters up to four", () => {
    const base = jobJsonBytes(slackJob(""));
    expect(jobJsonBytes(slackJob('"'))).toBe(base + 2);
    expect(jobJsonBytes(slackJob("é"))).toBe(base + 2);
    expect(jobJsonBytes(slackJob("😀"))).toBe(base + 4);
  });

  it("carries texts as long as a job can hold on both platforms", () => {
    const text = "x".repeat(MAX_COMMAND_TEXT_CHARS);
    expect(parseSlackJob(slackJob(text)).payload.request).toEqual({ text });
    const teams = chatJob("teams:1", {
      platform: "teams",
      correlationId: "c",
      actor: { userId: "aad-1" },
      channelId: "a:1",
      request: { text },
      address: { reference: { channelId: "msteams", serviceUrl: "https://smba.trafficmanager.net/emea/", conversation: { id: "a:1" }, bot: { id: "28:bot" } }, scope: "personal" },
    });
    expect(parseTeamsJob(teams).payload.request).toEqual({ text });
  });
});
