/**
 * `aml digest subscribe | list | unsubscribe` and the scheduled run, through the real core (composition root, ARM
 * port, metrics port and chart renderer against a fresh AML emulator) with the in-memory subscription store and a
 * recording notifier: the core's own unit-test fakes. The Tables store, the chat notifier and the timer are tested
 * on Azurite and the local stack (test/storage, test/notify, test/functions).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runDueDigests, type ScheduledDigestDeps } from "../../commands/digest/scheduled-digests.js";
import type { Actor } from "../../commands/invocation.js";
import type { ChannelNotifier, NotifyOptions, NotifyOutcome } from "../../commands/ports/channel-notifier.port.js";
import type { Reply } from "../../commands/reply.js";
import { MemoryDigestSubscriptions } from "../../src/memory/memory.digest-subscriptions.js";
import { command, OPERATOR, startCoreHarness, textOf, VIEWER, type CoreHarness } from "../helpers/core-harness.js";

let harness: CoreHarness;
beforeAll(async () => {
  harness = await startCoreHarness();
});
afterAll(() => harness?.close());

const OTHER_OPERATOR: Actor = { ...OPERATOR, displayName: "ops" };

function run(text: string, actor: Actor = OPERATOR, channel = "C1"): Promise<Reply> {
  return harness.core.execute(command(text, actor, channel));
}

describe("aml digest subscribe, list, unsubscribe", () => {
  it("schedules a digest in the channel's zone and says when it runs next, in local time and UTC", async () => {
    // The harness clock: Wednesday 25 November 2026, 09:00Z (10:00 in Paris).
    const reply = await run('digest subscribe fraud-scorer --every "weekday 09:00" --tz europe/paris', OPERATOR, "C-sub");
    expect(reply).toMatchObject({ title: "Digest scheduled: fraud-scorer · demo", visibility: "channel", tone: "success" });
    const text = textOf(reply);
    expect(text).toMatch(/When: weekday 09:00 \(Europe\/Paris\)/);
    expect(text).toMatch(/Covers: the last 1 d/);
    expect(text).toMatch(/Next: Thu 2026-11-26 09:00 Europe\/Paris \(2026-11-26 08:00 UTC\)/);
    const id = /aml digest unsubscribe (dg-[a-z0-9]+)/.exec(text)?.[1];
    expect(id).toBeDefined();

    const list = await run("digest list", VIEWER, "C-sub");
    expect(list.sections).toEqual([{ kind: "text", text: `*fraud-scorer · demo* · \`${id}\`\nweekday 09:00 Europe/Paris · next Thu 2026-11-26 09:00 · last sent never` }]);
    expect(textOf(await run("digest list", VIEWER, "C-elsewhere"))).toMatch(/None yet/);

    expect(textOf(await run(`digest unsubscribe ${id}`, OPERATOR, "C-elsewhere"))).toMatch(/This channel has no scheduled digest/);
    expect(await run(`digest unsubscribe ${id}`, OTHER_OPERATOR, "C-sub")).toMatchObject({ title: "Digest unsubscribed" });
    expect(textOf(await run("digest list", VIEWER, "C-sub"))).toMatch(/None yet/);
  });

  it("takes the schedule unquoted, a whole workspace, a weekly period, and UTC by default", async () => {
    const reply = await run("digest subscribe demo --every monday 08:30", OPERATOR, "C-weekly");
    expect(reply.title).toBe("Digest scheduled: workspace demo");
    expect(textOf(reply)).toMatch(/When: monday 08:30 \(UTC\)[\s\S]*Covers: the last 7 d[\s\S]*Next: Mon 2026-11-30 08:30 UTC/);
  });

  it("refuses viewers, unknown zones and schedules, and endpoints that do not exist, changing nothing", async () => {
    expect(await run('digest subscribe fraud-scorer --every "daily 09:00"', VIEWER, "C-refused")).toMatchObject({ title: "Not allowed", visibility: "requester" });
    const zone = textOf(await run('digest subscribe fraud-scorer --every "daily 09:00" --tz Paris', OPERATOR, "C-refused"));
    expect(zone).toMatch(/`Paris` is not a time zone I know\. Use an IANA name, e\.g\. `Europe\/Paris`, `America\/New_York`/);
    expect(textOf(await run('digest subscribe fraud-scorer --every "every morning"', OPERATOR, "C-refused"))).toMatch(/Say `daily 09:00`, `weekday 09:00`/);
    expect(textOf(await run("digest subscribe fraud-scorer", OPERATOR, "C-refused"))).toMatch(/Say when with `--every`/);
    expect(await run('digest subscribe no-such-endpoint --every "daily 09:00"', OPERATOR, "C-refused")).toMatchObject({ title: "Endpoint not found" });
    expect(await run("digest unsubscribe dg-00000001", VIEWER, "C-refused")).toMatchObject({ title: "Not allowed" });
    expect(textOf(await run("digest list", VIEWER, "C-refused"))).toMatch(/None yet/);
  });
});

/** Records what would be posted; answers as told. */
class RecordingNotifier implements ChannelNotifier {
  readonly posts: { channel: string; reply: Reply; options: NotifyOptions }[] = [];
  answer: () => Promise<NotifyOutcome> = async () => ({ kind: "posted" });
  async post(channel: { id: string }, reply: Reply, options: NotifyOptions = {}): Promise<NotifyOutcome> {
    this.posts.push({ channel: channel.id, reply, options });
    return this.answer();
  }
}

describe("the scheduled run", () => {
  let subscriptions: MemoryDigestSubscriptions;
  let notifier: RecordingNotifier;
  let deps: ScheduledDigestDeps;
  const leaseInMs = 10 * 60_000;

  beforeEach(() => {
    subscriptions = new MemoryDigestSubscriptions({ clock: harness.clock, leaseInMs });
    notifier = new RecordingNotifier();
    deps = { ...harness.app.deps, digestSubscriptions: subscriptions, notifier };
  });

  async function subscribeAt(iso: string, schedule = "weekday 09:00", timeZone = "UTC"): Promise<void> {
    const now = new Date(iso);
    harness.clock.advance(now.getTime() - harness.clock.now().getTime());
    await subscriptions.create({ id: "dg-run00001", channel: { platform: "slack", id: "C-run" }, workspace: "demo", endpoint: "fraud-scorer", schedule, timeZone, periodInMs: 86_400_000, createdBy: "ops", createdAt: now });
  }

  it("sends each due time once, never the one before the subscription, with its chart and a way to stop it", async () => {
    await subscribeAt("2026-11-25T09:00:00Z");
    expect(await runDueDigests(deps, new Date("2026-11-25T09:00:30Z"))).toEqual([]);
    const reports = await runDueDigests(deps, new Date("2026-11-26T09:00:10Z"));
    expect(reports).toEqual([{ subscriptionId: "dg-run00001", channel: { platform: "slack", id: "C-run" }, dueAt: new Date("2026-11-26T09:00:00Z"), outcome: "posted" }]);
    expect(await runDueDigests(deps, new Date("2026-11-26T09:01:00Z"))).toEqual([]);
    expect(notifier.posts).toHaveLength(1);
    const [post] = notifier.posts;
    expect(post!.options.updateKey).toBe("digest:dg-run00001:2026-11-26T09:00:00.000Z");
    expect(post!.reply.title).toBe("Digest · fraud-scorer · demo");
    expect(post!.reply.sections.some((s) => s.kind === "chart" && s.image !== undefined)).toBe(true);
    expect(post!.reply.context?.at(-1)).toBe("Scheduled digest `dg-run00001`: weekday 09:00 UTC · `aml digest unsubscribe dg-run00001` stops it");
    expect((await subscriptions.list())[0]).toMatchObject({ lastDueAt: new Date("2026-11-26T09:00:00Z"), lastDigestAt: harness.clock.now() });
  });

  it("posts once when two runs race for the same due time", async () => {
    await subscribeAt("2026-11-25T09:00:00Z");
    const both = await Promise.all([runDueDigests(deps, new Date("2026-11-26T09:00:10Z")), runDueDigests(deps, new Date("2026-11-26T09:00:10Z"))]);
    expect(both.flat().map((r) => r.outcome).sort()).toEqual(["posted", "skipped"]);
    expect(notifier.posts).toHaveLength(1);
  });

  it("gives up an unreachable channel's run, and retries a failed one once its claim has lapsed", async () => {
    await subscribeAt("2026-11-25T09:00:00Z");
    notifier.answer = async () => ({ kind: "unreachable", message: "not_in_channel" });
    expect((await runDueDigests(deps, new Date("2026-11-26T09:00:10Z")))[0]?.outcome).toBe("unreachable");
    expect(await runDueDigests(deps, new Date("2026-11-26T09:05:00Z"))).toEqual([]);
    expect((await subscriptions.list())[0]?.lastDigestAt).toBeUndefined();

    notifier.answer = async () => {
      throw new Error("Slack is down");
    };
    expect((await runDueDigests(deps, new Date("2026-11-27T09:00:10Z")))[0]?.outcome).toBe("failed");
    notifier.answer = async () => ({ kind: "posted" });
    expect((await runDueDigests(deps, new Date("2026-11-27T09:01:00Z")))[0]?.outcome).toBe("skipped");
    harness.clock.advance(leaseInMs + 1_000);
    expect((await runDueDigests(deps, new Date("2026-11-27T09:11:00Z")))[0]?.outcome).toBe("posted");
    expect(notifier.posts.map((p) => p.options.updateKey)).toEqual([
      "digest:dg-run00001:2026-11-26T09:00:00.000Z",
      "digest:dg-run00001:2026-11-27T09:00:00.000Z",
      "digest:dg-run00001:2026-11-27T09:00:00.000Z",
    ]);
  });

  it("tells the channel when the endpoint it digests is gone", async () => {
    await subscribeAt("2026-11-25T09:00:00Z");
    await subscriptions.delete({ platform: "slack", id: "C-run" }, "dg-run00001");
    await subscriptions.create({ id: "dg-run00002", channel: { platform: "slack", id: "C-run" }, workspace: "demo", endpoint: "retired-model", schedule: "daily 09:00", timeZone: "UTC", periodInMs: 86_400_000, createdBy: "ops", createdAt: harness.clock.now() });
    expect((await runDueDigests(deps, new Date("2026-11-26T09:00:10Z")))[0]?.outcome).toBe("posted");
    expect(notifier.posts[0]?.reply).toMatchObject({ title: "Scheduled digest not available", visibility: "channel" });
    expect(textOf(notifier.posts[0]!.reply)).toMatch(/There is no endpoint `retired-model`[\s\S]*aml digest unsubscribe dg-run00002/);
  });
});
