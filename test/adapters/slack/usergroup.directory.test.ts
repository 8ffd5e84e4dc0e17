import { describe, expect, it } from "vitest";
import { UsergroupDirectory, type UsergroupEntry } from "../../../adapters/slack/usergroup.directory.js";
import { memoryLogger } from "../../helpers/slack-requests.js";

function setUp(answers: (() => Promise<readonly UsergroupEntry[]>)[]) {
  let now = Date.UTC(2025, 0, 1);
  let calls = 0;
  const logger = memoryLogger();
  const directory = new UsergroupDirectory({
    list: () => {
      const answer = answers[Math.min(calls, answers.length - 1)]!;
      calls++;
      return answer();
    },
    logger,
    clock: { now: () => new Date(now) },
    ttlInMs: 60_000,
    failureBackoffInMs: 10_000,
  });
  return { directory, logger, calls: () => calls, advance: (ms: number) => (now += ms) };
}

const groups = async (): Promise<readonly UsergroupEntry[]> => [
  { id: "S1", users: ["U1", "U2"] },
  { id: "S2", users: ["U2"] },
  { id: "S3" },
];

describe("UsergroupDirectory", () => {
  it("is cold until loaded, then answers from the cache until the TTL passes", async () => {
    const { directory, calls, advance } = setUp([groups]);
    expect(directory.cachedGroupsOf("U2")).toBeUndefined();
    expect(await directory.groupsOf("U2")).toEqual(["S1", "S2"]);
    expect(directory.cachedGroupsOf("U1")).toEqual(["S1"]);
    expect(directory.cachedGroupsOf("U9")).toEqual([]);
    advance(59_000);
    await directory.groupsOf("U1");
    expect(calls()).toBe(1);
    advance(2_000);
    expect(directory.cachedGroupsOf("U1")).toBeUndefined();
    await directory.groupsOf("U1");
    expect(calls()).toBe(2);
  });

  it("shares one call between concurrent callers", async () => {
    const { directory, calls } = setUp([groups]);
    await Promise.all([directory.groupsOf("U1"), directory.groupsOf("U2"), directory.refresh()]);
    expect(calls()).toBe(1);
  });

  it("degrades to no groups with a warning on failure, and backs off before calling again", async () => {
    const { directory, logger, calls, advance } = setUp([() => Promise.reject(new Error("missing_scope")), groups]);
    expect(await directory.groupsOf("U1")).toEqual([]);
    expect(logger.lines).toEqual([expect.objectContaining({ level: "warn" })]);
    expect(await directory.groupsOf("U1")).toEqual([]);
    expect(calls()).toBe(1);
    advance(10_001);
    expect(await directory.groupsOf("U1")).toEqual(["S1"]);
    expect(calls()).toBe(2);
  });

  it("warm() loads in the background without being awaited", async () => {
    const { directory } = setUp([groups]);
    directory.warm();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(directory.cachedGroupsOf("U1")).toEqual(["S1"]);
  });
});
