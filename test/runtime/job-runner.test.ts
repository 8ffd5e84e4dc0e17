/**
 * The job runner on Azurite, through the real ledger, queue and queue poller: the watchdog copy a claim queues
 * comes back, finds the job done and stops; it keeps watching a live worker; and it completes the job of a worker
 * that died while the dead worker's own message is still invisible (as the Functions host leaves it for 10 min).
 */
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import type { Logger } from "../../commands/ports/logger.port.js";
import { QueueFollowUps } from "../../src/runtime/queue-follow-ups.js";
import { JobRunner, watchdogCopy, type JobDeliveryOutcome, type JobWork } from "../../src/runtime/job-runner.js";
import { JobQueue, newJob, type Job } from "../../src/storage/job-queue.js";
import { QueuePoller } from "../../src/storage/queue-poller.js";
import { poisonQueueName } from "../../src/storage/storage-clients.js";
import { TableJobLedger } from "../../src/storage/table.job-ledger.js";
import { uniqueQueueName, uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();
const systemClock = { now: () => new Date() };

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, info: log("info"), warn: log("warn"), error: log("error") };
}

/** A 1 s lease (renewed every 100 ms) and watchdogs 0.5 s after it: a copy comes back 2 s after a claim. */
async function newSetup(options: { owner?: string; maxAttempts?: number } = {}) {
  const queueName = uniqueQueueName("jobs");
  const tableName = uniqueTableName("ledger");
  await fixture.clients.ensure({ queues: [queueName, poisonQueueName(queueName)], tables: [tableName] });
  const queue = fixture.clients.queue(queueName);
  const jobs = new JobQueue(queue);
  const ledger = new TableJobLedger(fixture.clients.table(tableName), { leaseInMs: 1_000, renewEveryInMs: 100, owner: options.owner ?? "worker" });
  const logger = recordingLogger();
  const runner = new JobRunner({
    ledger,
    queue: jobs,
    logger,
    clock: systemClock,
    watchdogMarginInMs: 500,
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  return { queueName, tableName, queue, jobs, ledger, runner, logger };
}

type Setup = Awaited<ReturnType<typeof newSetup>>;

/** A poller (the local queue trigger) handing deliveries to the runner; records what each delivery did. */
function startWorker(setup: Setup, work: JobWork, visibilityTimeoutInMs = 60_000) {
  const deliveries: { job: Job; outcome: JobDeliveryOutcome }[] = [];
  const controller = new AbortController();
  const poller = new QueuePoller({
    queue: setup.queue,
    poisonQueue: fixture.clients.queue(poisonQueueName(setup.queueName)),
    minPollIntervalInMs: 20,
    maxPollIntervalInMs: 100,
    visibilityTimeoutInMs,
    onError: () => undefined,
    handler: async (job) => void deliveries.push({ job, outcome: await setup.runner.run(job, work) }),
  });
  const running = poller.run(controller.signal);
  return {
    deliveries,
    outcomes: () => deliveries.map((d) => `${d.job.watchdog ? "watchdog" : "message"}: ${d.outcome}`),
    stop: async () => {
      controller.abort();
      await running;
    },
  };
}

async function messageCount(setup: Setup): Promise<number> {
  return (await setup.queue.getProperties()).approximateMessagesCount ?? -1;
}

describe("JobRunner", () => {
  it("ends the watchdog chain once the job is done: the copy comes back, finds it done and is dropped", async () => {
    const setup = await newSetup();
    let runs = 0;
    const worker = startWorker(setup, async () => (runs++, "ok"));
    try {
      await setup.jobs.enqueue(newJob("quick", {}, "job-quick"));
      await vi.waitFor(() => expect(worker.outcomes()).toEqual(["message: ran", "watchdog: done"]), { timeout: 8_000, interval: 50 });
      await delay(2_500); // longer than a watchdog's delay: nothing else comes back
      expect(worker.outcomes()).toEqual(["message: ran", "watchdog: done"]);
      expect(await messageCount(setup)).toBe(0);
      expect(runs).toBe(1);
    } finally {
      await worker.stop();
    }
  }, 20_000);

  it("keeps one watchdog on a live worker past its first lease, then stops when the job is done", async () => {
    const setup = await newSetup();
    let runs = 0;
    const worker = startWorker(setup, async () => {
      runs++;
      await delay(4_500); // four and a half leases: the heartbeat keeps the claim
      return "ok";
    });
    try {
      await setup.jobs.enqueue(newJob("slow", {}, "job-slow"));
      await vi.waitFor(() => expect(worker.outcomes()).toContain("message: ran"), { timeout: 12_000, interval: 50 });
      await vi.waitFor(() => expect(worker.outcomes().at(-1)).toBe("watchdog: done"), { timeout: 8_000, interval: 50 });
      await delay(2_500);
      const outcomes = worker.outcomes();
      expect(runs).toBe(1);
      // Only the claim's own watchdog, looking again while the worker lived, then once more to find it done.
      expect(outcomes.filter((o) => o === "watchdog: watching").length).toBeGreaterThanOrEqual(1);
      expect(outcomes.filter((o) => !["message: ran", "watchdog: watching", "watchdog: done"].includes(o))).toEqual([]);
      expect(outcomes.filter((o) => o === "watchdog: done")).toHaveLength(1);
      expect(await messageCount(setup)).toBe(0);
      expect(await setup.ledger.get("job-slow")).toMatchObject({ state: "done", attempts: 1 });
    } finally {
      await worker.stop();
    }
  }, 30_000);

  it("completes the job of a worker that died through its watchdog copy, while the dead worker's message is still invisible", async () => {
    const setup = await newSetup({ owner: "survivor" });
    const job = newJob("orphaned", { step: 1 }, "job-orphaned");
    // The dead worker: it received the message (invisible for 10 minutes, as the Functions host leaves it), claimed
    // the job, queued its watchdog copy as JobRunner does, and died: no heartbeat, no delete.
    const dead = new TableJobLedger(fixture.clients.table(setup.tableName), { leaseInMs: 1_000, owner: "dead" });
    await setup.jobs.enqueue(job);
    const [received] = (await setup.queue.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 600 })).receivedMessageItems;
    expect(received).toBeDefined();
    expect(await dead.claim(job.id)).toBe("claimed");
    const { claimId } = (await dead.get(job.id))!;
    await setup.jobs.enqueue(watchdogCopy(job, claimId!), { delayInMs: setup.runner.watchdogDelayInMs });

    const ran: Job[] = [];
    const started = Date.now();
    const worker = startWorker(setup, async () => (ran.push(job), "ok"));
    try {
      await vi.waitFor(() => expect(worker.outcomes()).toContain("watchdog: ran"), { timeout: 8_000, interval: 50 });
      expect(Date.now() - started).toBeLessThan(4_000); // a lease and a margin, not the 10 minutes
      expect(await setup.ledger.get(job.id)).toMatchObject({ state: "done", owner: "survivor", attempts: 2 });
      // The new claim's own watchdog comes back and ends the chain.
      await vi.waitFor(() => expect(worker.outcomes()).toEqual(["watchdog: ran", "watchdog: done"]), { timeout: 8_000, interval: 50 });
      expect(ran).toHaveLength(1);
      // The dead worker's message is still there, invisible: when it comes back it will find the job done.
      expect((await setup.queue.peekMessages()).peekedMessageItems).toHaveLength(0);
      expect(await messageCount(setup)).toBe(1);
      expect(await setup.runner.run(job, async () => "again")).toBe("done");
    } finally {
      await worker.stop();
    }
  }, 30_000);

  it("drops a delivery that finds another live claim, and a watchdog of a claim that was taken over", async () => {
    const setup = await newSetup();
    const job = newJob("held", {}, "job-held");
    const holder = new TableJobLedger(fixture.clients.table(setup.tableName), { leaseInMs: 60_000, owner: "holder" });
    expect(await holder.claim(job.id)).toBe("claimed");
    let ran = false;
    const work = async () => ((ran = true), "ok");
    expect(await setup.runner.run(job, work)).toBe("dropped"); // the holder's watchdog covers it
    expect(await setup.runner.run(watchdogCopy(job, "an-earlier-claim"), work)).toBe("dropped");
    expect(ran).toBe(false);
    expect(await messageCount(setup)).toBe(0); // nothing re-queued: no second chain
  });

  it("takes back its watchdog copy when the work fails, so only the queue's retry of the delivery remains", async () => {
    const setup = await newSetup();
    const job = newJob("failing", {}, "job-failing");
    await expect(setup.runner.run(job, async () => Promise.reject(new Error("ARM said no")))).rejects.toThrow("ARM said no");
    expect(await setup.ledger.get(job.id)).toBeUndefined(); // released: the retry claims at once
    expect(await messageCount(setup)).toBe(0);
  });

  it("gives up, logging why, on a job claimed too many times without finishing and on one queued too long ago", async () => {
    const setup = await newSetup({ maxAttempts: 2 });
    const job = newJob("killer", {}, "job-killer");
    // Two workers died on it, one after the other (clocks in the past: both leases have lapsed by now).
    const t = Date.now();
    const first = new TableJobLedger(fixture.clients.table(setup.tableName), { leaseInMs: 1_000, owner: "d1", clock: { now: () => new Date(t - 10_000) } });
    const second = new TableJobLedger(fixture.clients.table(setup.tableName), { leaseInMs: 1_000, owner: "d2", clock: { now: () => new Date(t - 5_000) } });
    expect(await first.claim(job.id)).toBe("claimed");
    expect(await second.claim(job.id)).toBe("claimed");
    const { claimId } = (await second.get(job.id))!;
    let ran = false;
    expect(await setup.runner.run(watchdogCopy(job, claimId!), async () => ((ran = true), "ok"))).toBe("gave-up");
    expect(setup.logger.lines).toContain("error: job watchdog gave up: the job was claimed too many times without finishing");

    const old = { ...newJob("ancient", {}, "job-ancient", new Date(t - 2 * 3_600_000)), watchdog: { claimId: "whatever" } };
    expect(await setup.runner.run(old, async () => ((ran = true), "ok"))).toBe("gave-up");
    expect(setup.logger.lines).toContain("error: job watchdog gave up: the job was queued too long ago");
    expect(ran).toBe(false);
    expect(await messageCount(setup)).toBe(0);
  });
});

describe("QueueFollowUps.start", () => {
  const followUp = (id: string) => ({ id, kind: "promotion-step" as const, payload: { promotionId: id, epoch: 0, transition: 1 } });

  /** Follow-ups whose `start` runs through the runner, with `work` as the core's follow-up handler. */
  function followUpsOver(setup: Setup, work: JobWork): QueueFollowUps {
    const followUps = new QueueFollowUps(setup.jobs, systemClock);
    followUps.attach({ run: (job, options) => setup.runner.run(job, work, options), copyDelayInMs: setup.runner.watchdogDelayInMs, logger: setup.logger });
    return followUps;
  }

  it("runs the follow-up at once where it was started; its queued copy comes back, finds it done and ends", async () => {
    const setup = await newSetup();
    const runs: number[] = [];
    const work: JobWork = async () => (runs.push(Date.now()), "ok");
    const worker = startWorker(setup, work);
    try {
      const started = Date.now();
      await followUpsOver(setup, work).start(followUp("p1:e0:t1"));
      expect(runs).toHaveLength(1);
      expect(runs[0]! - started).toBeLessThan(1_000); // not a queue delay
      expect(await setup.ledger.get("p1:e0:t1")).toMatchObject({ state: "done", attempts: 1 });
      // The copy queued before the run, and the claim's watchdog: both find it done.
      await vi.waitFor(() => expect(worker.outcomes().sort()).toEqual(["message: done", "watchdog: done"]), { timeout: 8_000, interval: 50 });
      expect(runs).toHaveLength(1);
      expect(await messageCount(setup)).toBe(0);
    } finally {
      await worker.stop();
    }
  }, 20_000);

  it("leaves a failed run to its queued copy, which runs it once", async () => {
    const setup = await newSetup();
    let runs = 0;
    const work: JobWork = async () => {
      if (++runs === 1) throw new Error("ARM said 503");
      return "ok";
    };
    const worker = startWorker(setup, work);
    try {
      await followUpsOver(setup, work).start(followUp("p2:e0:t1")); // does not throw: the copy is queued
      expect(runs).toBe(1);
      expect(setup.logger.lines).toContain("warn: follow-up failed where it was started; its queued copy retries it");
      await vi.waitFor(() => expect(worker.outcomes()).toContain("message: ran"), { timeout: 8_000, interval: 50 });
      expect(runs).toBe(2);
      expect(await setup.ledger.get("p2:e0:t1")).toMatchObject({ state: "done" });
    } finally {
      await worker.stop();
    }
  }, 20_000);
});
