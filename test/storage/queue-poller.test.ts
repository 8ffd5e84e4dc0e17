import { setTimeout as delay } from "node:timers/promises";
import { QueueServiceClient } from "@azure/storage-queue";
import { describe, expect, it } from "vitest";
import { JobQueue, newJob, type Job } from "../../src/storage/job-queue.js";
import { QueuePoller, type JobHandler, type QueuePollerOptions } from "../../src/storage/queue-poller.js";
import { poisonQueueName } from "../../src/storage/storage-clients.js";
import { uniqueQueueName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

async function newQueues() {
  const name = uniqueQueueName("work");
  await fixture.clients.ensure({ queues: [name, poisonQueueName(name)] });
  const queue = fixture.clients.queue(name);
  return { queue, poisonQueue: fixture.clients.queue(poisonQueueName(name)), jobs: new JobQueue(queue) };
}

async function count(queue: ReturnType<typeof fixture.clients.queue>): Promise<number> {
  return (await queue.getProperties()).approximateMessagesCount ?? -1;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutInMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await delay(20);
  }
}

function startPoller(options: QueuePollerOptions) {
  const controller = new AbortController();
  const errors: unknown[] = [];
  const poisoned: string[] = [];
  const poller = new QueuePoller({
    minPollIntervalInMs: 10,
    maxPollIntervalInMs: 50,
    onError: (error) => errors.push(error),
    onPoison: (info) => poisoned.push(`${info.jobId ?? info.messageId}: ${info.reason}`),
    ...options,
  });
  const running = poller.run(controller.signal);
  return {
    errors,
    poisoned,
    running,
    stop: async () => {
      controller.abort();
      await running;
    },
  };
}

describe("QueuePoller", () => {
  it("hands each job to the handler and deletes it on success", async () => {
    const { queue, poisonQueue, jobs } = await newQueues();
    const seen: Job[] = [];
    const p = startPoller({ queue, poisonQueue, handler: async (job) => void seen.push(job) });
    const job = newJob("status", { endpoint: "fraud" }, "job-ok");
    await jobs.enqueue(job);
    await waitFor(() => seen.length === 1);
    await p.stop();
    expect(seen).toEqual([job]);
    expect(await count(queue)).toBe(0);
    expect(await count(poisonQueue)).toBe(0);
    expect(p.errors).toEqual([]);
  });

  it("retries a failing job and moves it to <queue>-poison after maxDequeueCount", async () => {
    const { queue, poisonQueue, jobs } = await newQueues();
    const attempts: number[] = [];
    const handler: JobHandler = async (_job, context) => {
      attempts.push(context.dequeueCount);
      throw new Error(`attempt ${context.dequeueCount} failed`);
    };
    const p = startPoller({ queue, poisonQueue, handler, maxDequeueCount: 3 });
    await jobs.enqueue(newJob("flaky", {}, "job-poison"));
    await waitFor(async () => (await count(poisonQueue)) === 1);
    await p.stop();
    expect(attempts).toEqual([1, 2, 3]);
    expect(p.errors).toHaveLength(3);
    expect(p.poisoned).toEqual(["job-poison: failed 3 times"]);
    expect(await count(queue)).toBe(0);
    const [poison] = (await poisonQueue.peekMessages()).peekedMessageItems;
    expect(JSON.parse(Buffer.from(poison?.messageText ?? "", "base64").toString()).id).toBe("job-poison");
  });

  it("succeeds on a retry after a transient failure", async () => {
    const { queue, poisonQueue, jobs } = await newQueues();
    let calls = 0;
    const p = startPoller({
      queue,
      poisonQueue,
      handler: async () => {
        if (++calls < 2) throw new Error("transient");
      },
    });
    await jobs.enqueue(newJob("transient", {}, "job-transient"));
    await waitFor(() => calls === 2);
    await waitFor(async () => (await count(queue)) === 0);
    await p.stop();
    expect(await count(poisonQueue)).toBe(0);
  });

  it("poisons at once a message that is not a job, and one already past the limit (its worker died)", async () => {
    const { queue, poisonQueue, jobs } = await newQueues();
    await queue.sendMessage("definitely not base64 json {");
    await jobs.enqueue(newJob("orphan", {}, "job-orphan"));
    // Deliver the job twice without finishing it, as two crashed workers would.
    for (let i = 0; i < 2; i++) {
      const received = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 });
      for (const m of received.receivedMessageItems) await queue.updateMessage(m.messageId, m.popReceipt, undefined, 0);
    }
    let called = 0;
    const p = startPoller({ queue, poisonQueue, handler: async () => void called++, maxDequeueCount: 2 });
    await waitFor(async () => (await count(poisonQueue)) === 2);
    await p.stop();
    expect(called).toBe(0);
    expect(p.poisoned.sort()).toEqual([expect.stringMatching(/: not a valid job message$/), "job-orphan: dequeued 3 times"]);
    expect(await count(queue)).toBe(0);
  });

  it("runs up to `concurrency` handlers at once", async () => {
    const { queue, poisonQueue, jobs } = await newQueues();
    let active = 0;
    let peak = 0;
    let done = 0;
    const p = startPoller({
      queue,
      poisonQueue,
      concurrency: 3,
      handler: async () => {
        peak = Math.max(peak, ++active);
        await delay(150);
        active--;
        done++;
      },
    });
    await Promise.all(Array.from({ length: 9 }, (_, i) => jobs.enqueue(newJob("slow", { i }, `job-c${i}`))));
    await waitFor(() => done === 9);
    await p.stop();
    expect(peak).toBe(3);
    expect(await count(queue)).toBe(0);
  });

  it("keeps a long job leased (renewing visibility) so a second poller does not run it too", async () => {
    const { queue, poisonQueue, jobs } = await newQueues();
    let calls = 0;
    const handler: JobHandler = async () => {
      calls++;
      await delay(2_600);
    };
    const a = startPoller({ queue, poisonQueue, handler, visibilityTimeoutInMs: 1_000 });
    const b = startPoller({ queue, poisonQueue, handler, visibilityTimeoutInMs: 1_000 });
    await jobs.enqueue(newJob("long", {}, "job-long"));
    await waitFor(async () => calls === 1 && (await count(queue)) === 0, 10_000);
    await Promise.all([a.stop(), b.stop()]);
    expect(calls).toBe(1);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it("stops on abort after the handlers in flight finish, and stops promptly when idle", async () => {
    const { queue, poisonQueue, jobs } = await newQueues();
    let finished = false;
    let started = false;
    const p = startPoller({
      queue,
      poisonQueue,
      maxPollIntervalInMs: 5_000,
      handler: async () => {
        started = true;
        await delay(300);
        finished = true;
      },
    });
    await jobs.enqueue(newJob("inflight", {}, "job-inflight"));
    await waitFor(() => started);
    await p.stop();
    expect(finished).toBe(true);
    expect(await count(queue)).toBe(0);

    const idle = startPoller({ queue, poisonQueue, maxPollIntervalInMs: 5_000, handler: async () => {} });
    await delay(600); // backed off to a long sleep
    const t0 = Date.now();
    await idle.stop();
    expect(Date.now() - t0).toBeLessThan(200);
  });

  it("reports storage errors and keeps polling (queue missing), then stops cleanly", async () => {
    const name = uniqueQueueName("missing");
    // A plain client: the runtime's clients (StorageClients) would create the missing queue on the first poll.
    const service = QueueServiceClient.fromConnectionString(fixture.azurite.connectionString);
    const p = startPoller({
      queue: service.getQueueClient(name),
      poisonQueue: service.getQueueClient(poisonQueueName(name)),
      maxPollIntervalInMs: 20,
      handler: async () => {},
    });
    await waitFor(() => p.errors.length >= 2);
    await p.stop();
  });
});
