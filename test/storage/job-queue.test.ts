import { describe, expect, it } from "vitest";
import {
  InvalidJobMessageError,
  JobQueue,
  JobTooLargeError,
  MAX_QUEUE_MESSAGE_BYTES,
  decodeJobMessage,
  encodeJobMessage,
  newJob,
  parseJob,
} from "../../src/storage/job-queue.js";
import { uniqueQueueName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

async function newQueue() {
  const name = uniqueQueueName("jobs");
  await fixture.clients.ensure({ queues: [name] });
  return fixture.clients.queue(name);
}

describe("JobQueue", () => {
  it("enqueues the job as base64-encoded JSON, as the Functions queue trigger expects", async () => {
    const queue = await newQueue();
    const job = newJob("apply-change", { changeId: "chg-1", who: "U1" }, "job-1", new Date("2025-06-01T12:00:00Z"));
    const messageId = await new JobQueue(queue).enqueue(job);
    const [peeked] = (await queue.peekMessages()).peekedMessageItems;
    expect(peeked?.messageId).toBe(messageId);
    expect(peeked?.messageText).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(Buffer.from(peeked?.messageText ?? "", "base64").toString("utf8"))).toEqual(job);
    expect(decodeJobMessage(peeked?.messageText ?? "")).toEqual(job);
  });

  it("delays a job when asked", async () => {
    const queue = await newQueue();
    await new JobQueue(queue).enqueue(newJob("later", {}, "job-2"), { delayInMs: 30_000 });
    expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(1);
  });

  it("takes back a delayed message it enqueued, but not one that someone received since", async () => {
    const queue = await newQueue();
    const jobs = new JobQueue(queue);
    const watchdog = { ...newJob("watched", {}, "job-w"), watchdog: { claimId: "claim-1" } };
    const receipt = await jobs.enqueueWithReceipt(watchdog, { delayInMs: 30_000 });
    expect(await jobs.delete(receipt)).toBe(true);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);

    const soon = await jobs.enqueueWithReceipt(watchdog);
    const [received] = (await queue.receiveMessages({ visibilityTimeout: 30 })).receivedMessageItems;
    expect(decodeJobMessage(received?.messageText ?? "")).toEqual(watchdog); // the watchdog mark survives the trip
    expect(await jobs.delete(soon)).toBe(false);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(1);
  });

  it("refuses a job over 64 KiB as a message with a clear error, and accepts one just under", async () => {
    const queue = await newQueue();
    const jobs = new JobQueue(queue);
    const big = newJob("big", { blob: "x".repeat(50_000) }, "job-big");
    const error = await jobs.enqueue(big).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobTooLargeError);
    expect((error as JobTooLargeError).sizeInBytes).toBeGreaterThan(MAX_QUEUE_MESSAGE_BYTES);
    expect((error as Error).message).toMatch(/job-big \(big\) is \d+ bytes .* limit is 65536 bytes/);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);

    const nearLimit = newJob("near", { blob: "x".repeat(48_000) }, "job-near");
    expect(encodeJobMessage(nearLimit).length).toBeLessThanOrEqual(MAX_QUEUE_MESSAGE_BYTES);
    await jobs.enqueue(nearLimit);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(1);
  });

  it("validates jobs on read", () => {
    expect(() => decodeJobMessage("not base64 json")).toThrow(InvalidJobMessageError);
    const notAJob = Buffer.from(JSON.stringify({ id: "", kind: "x" })).toString("base64");
    expect(() => decodeJobMessage(notAJob)).toThrow(InvalidJobMessageError);
    expect(() => parseJob({ id: "a", kind: "k", payload: null, enqueuedAt: "yesterday" })).toThrow(/enqueuedAt/);
    expect(parseJob({ id: "a", kind: "k", payload: null, enqueuedAt: "2025-06-01T12:00:00.000Z" }).id).toBe("a");
    expect(parseJob('{"id":"b","kind":"k","payload":[1],"enqueuedAt":"2025-06-01T12:00:00+02:00"}').payload).toEqual([1]);
    expect(() => parseJob("{nope")).toThrow(InvalidJobMessageError);
  });
});
