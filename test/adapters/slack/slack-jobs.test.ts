import { describe, expect, it } from "vitest";
import { chatJob } from "../../../adapters/chat-job.js";
import { InvalidJobError } from "../../../commands/errors.js";
import { RecentIds, correlationIdFor, parseSlackJob, slackJobId, type SlackAddress } from "../../../adapters/slack/slack-jobs.js";

const command = chatJob<SlackAddress>("slack:T1:1.2.3", {
  platform: "slack",
  correlationId: "c",
  actor: { userId: "U1" },
  channelId: "C1",
  request: { text: "show" },
  address: { responseUrl: "https://hooks.slack.com/commands/1/2/3", triggerId: "1.2.3" },
});

describe("Slack jobs", () => {
  it("derives one id per interaction from trigger_id, whatever the delivery", () => {
    expect(slackJobId("T1", "1.2.abc", { a: 1 })).toBe("slack:T1:1.2.abc");
    expect(slackJobId(undefined, "9.9", {})).toBe("slack:-:9.9");
    expect(slackJobId("T1", undefined, { a: 1 })).toBe(slackJobId("T1", undefined, { a: 1 }));
    expect(slackJobId("T1", undefined, { a: 1 })).not.toBe(slackJobId("T1", undefined, { a: 2 }));
  });

  it("derives a stable UUID-shaped correlation id", () => {
    expect(correlationIdFor("x")).toBe(correlationIdFor("x"));
    expect(correlationIdFor("x")).not.toBe(correlationIdFor("y"));
    expect(correlationIdFor("x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("validates addresses and names only the bad fields, never their values", () => {
    expect(parseSlackJob(command)).toEqual(command);
    const bad = () => parseSlackJob({ ...command, payload: { ...command.payload, address: { ...command.payload.address, responseUrl: "javascript:alert(1)", extra: 1 } } });
    expect(bad).toThrow(InvalidJobError);
    expect(bad).toThrow(/address\.responseUrl, address\.extra/);
    expect(bad).not.toThrow(/javascript/);
  });

  it("remembers recent ids for a while, within a bounded size", () => {
    const recent = new RecentIds(1_000, 2);
    recent.add("a", 0);
    recent.add("b", 0);
    expect(recent.has("a", 999)).toBe(true);
    expect(recent.has("a", 1_000)).toBe(false);
    recent.add("c", 0);
    expect(recent.has("a", 1)).toBe(false);
    expect(recent.has("c", 1)).toBe(true);
  });
});
