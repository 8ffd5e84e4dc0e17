import { describe, expect, it } from "vitest";
import { SlackInvalidJobError } from "../../../adapters/slack/slack-errors.js";
import { RecentIds, SLACK_ACTION_JOB, SLACK_COMMAND_JOB, correlationIdFor, isSlackJobKind, parseSlackJob, slackJobId } from "../../../adapters/slack/slack-jobs.js";

const command = {
  v: 1,
  userId: "U1",
  channelId: "C1",
  responseUrl: "https://hooks.slack.com/commands/1/2/3",
  triggerId: "1.2.3",
  correlationId: "c",
  command: "/aml",
  text: "show",
};

describe("Slack jobs", () => {
  it("derives one id per interaction from trigger_id, whatever the delivery", () => {
    expect(slackJobId(SLACK_COMMAND_JOB, "T1", "1.2.abc", { a: 1 })).toBe("slack.command:T1:1.2.abc");
    expect(slackJobId(SLACK_ACTION_JOB, undefined, "9.9", {})).toBe("slack.action:-:9.9");
    expect(slackJobId(SLACK_COMMAND_JOB, "T1", undefined, { a: 1 })).toBe(slackJobId(SLACK_COMMAND_JOB, "T1", undefined, { a: 1 }));
    expect(slackJobId(SLACK_COMMAND_JOB, "T1", undefined, { a: 1 })).not.toBe(slackJobId(SLACK_COMMAND_JOB, "T1", undefined, { a: 2 }));
  });

  it("derives a stable UUID-shaped correlation id", () => {
    expect(correlationIdFor("x")).toBe(correlationIdFor("x"));
    expect(correlationIdFor("x")).not.toBe(correlationIdFor("y"));
    expect(correlationIdFor("x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("validates payloads and names only the bad fields, never their values", () => {
    expect(parseSlackJob({ id: "j", kind: SLACK_COMMAND_JOB, payload: command }).payload).toEqual(command);
    expect(isSlackJobKind(SLACK_ACTION_JOB) && !isSlackJobKind("teams.command")).toBe(true);
    const bad = () => parseSlackJob({ id: "j", kind: SLACK_COMMAND_JOB, payload: { ...command, responseUrl: "javascript:alert(1)", extra: 1 } });
    expect(bad).toThrow(SlackInvalidJobError);
    expect(bad).toThrow(/responseUrl/);
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
