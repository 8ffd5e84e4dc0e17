/**
 * The reference row of the warm tables: the one storage write each measured ack waits for, alone, from the bench
 * process, through the app's own classes and SDK clients: `JobQueue.enqueue` for a slow verb's job, and
 * `TableAuditLog.append` (two upserts in parallel) for the audit line of an inline answer. No HTTP server, no
 * Bolt: what the bot could not be faster than, whatever its framework, while it writes before it acks.
 */
import { randomUUID } from "node:crypto";
import { chatJob } from "../adapters/chat-job.js";
import { slackJobId } from "../adapters/slack/slack-jobs.js";
import { JobQueue, newJob } from "../src/storage/job-queue.js";
import { poisonQueueName, type StorageClients } from "../src/storage/storage-clients.js";
import { TableAuditLog } from "../src/storage/table.audit-log.js";
import { BENCH_CHANNEL, BENCH_USER } from "./slack-client.js";

export type ReferenceWrite = "queue" | "audit";

/**
 * Whose writes: each writer has its own queue and audit table, as the bot has its own. Azurite's upserts get slower
 * as a partition grows, so a table shared by two writers would grow twice as fast as the bot's and slow them both.
 */
export type ReferenceWriter = "bolt" | "alone";

export interface StorageReference {
  /** One write of the kind; resolves when the storage has answered. */
  write(kind: ReferenceWrite): Promise<void>;
}

export async function storageReference(storage: StorageClients, writer: ReferenceWriter): Promise<StorageReference> {
  const queueName = `bench-${writer}-jobs`;
  const tableName = `bench${writer}audit`;
  await storage.ensure({ queues: [queueName, poisonQueueName(queueName)], tables: [tableName] });
  const queue = new JobQueue(storage.queue(queueName));
  const audit = new TableAuditLog(storage.table(tableName));
  return {
    async write(kind) {
      const id = randomUUID();
      // Bounded like the HTTP requests, so a stalled storage service cannot hold a level open.
      const options = { abortSignal: AbortSignal.timeout(10_000) };
      if (kind === "queue") {
        // The shape and size of a slash command's job (adapters/slack/slack.bridge.ts).
        const job = chatJob(slackJobId("T0LOCAL", id, undefined), {
          platform: "slack",
          correlationId: id,
          actor: { userId: BENCH_USER, displayName: "bench" },
          channelId: BENCH_CHANNEL,
          request: { text: "show fraud-scorer" },
          address: { responseUrl: `http://127.0.0.1:7410/response/${id}`, triggerId: id, teamId: "T0LOCAL" },
        });
        await queue.enqueue(newJob(job.kind, job.payload, job.id), options);
      } else {
        await audit.append({ at: new Date(), correlationId: id, platform: "slack", userId: BENCH_USER, channelId: BENCH_CHANNEL, verb: "help", text: "help", outcome: "ok", detail: "help" }, options);
      }
    },
  };
}
