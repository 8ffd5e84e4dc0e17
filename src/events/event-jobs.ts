/**
 * Workspace events on the job queue: one job per event, its id derived from the workspace and Event Grid's event
 * id, so every delivery of one event (Event Grid retries, duplicates, a batch sent twice) is the same job and the
 * job ledger runs it once. An event held back by quiet hours is queued again, due when they end, as a job of its own.
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { InvalidJobError } from "../../commands/errors.js";
import type { WorkspaceEvent } from "../../commands/events/workspace-event.js";
import type { Job } from "../storage/job-queue.js";

export const EVENT_JOB = "workspace-event";

/** The job id of an event: hashed, so that any id Event Grid sends makes a valid, bounded table key. */
export function eventJobId(event: Pick<WorkspaceEvent, "id" | "resource">): string {
  const { subscriptionId, resourceGroup, workspace } = event.resource;
  const key = [subscriptionId, resourceGroup, workspace].map((part) => part.toLowerCase()).join("/") + `|${event.id}`;
  return `event-${createHash("sha256").update(key, "utf8").digest("hex").slice(0, 40)}`;
}

export function eventJob(event: WorkspaceEvent, now: Date): Job {
  return { id: eventJobId(event), kind: EVENT_JOB, payload: event, enqueuedAt: now.toISOString() };
}

/** The same event, queued again after quiet hours: a job of its own, so the ledger does not take it for done. */
export function deferredEventJob(job: Job, now: Date): Job {
  return { id: `${job.id}-later`, kind: EVENT_JOB, payload: job.payload, enqueuedAt: now.toISOString() };
}

const stringMap = z.record(z.string(), z.string());
const base = {
  id: z.string().min(1),
  resource: z.object({ subscriptionId: z.string().min(1), resourceGroup: z.string().min(1), workspace: z.string().min(1) }),
  at: z.iso.datetime({ offset: true }),
};
const eventSchema = z.discriminatedUnion("kind", [
  z.object({ ...base, kind: z.literal("model-registered"), model: z.string().min(1), version: z.string().min(1), tags: stringMap, properties: stringMap }),
  z.object({
    ...base,
    kind: z.literal("dataset-drift"),
    monitor: z.string().min(1),
    coefficient: z.number(),
    baseDataset: z.string(),
    targetDataset: z.string(),
    runId: z.string().optional(),
    windowStart: z.string().optional(),
    windowEnd: z.string().optional(),
  }),
  z.object({
    ...base,
    kind: z.literal("run"),
    change: z.enum(["completed", "status-changed"]),
    runId: z.string().min(1),
    experiment: z.string().optional(),
    runType: z.string().optional(),
    status: z.string().optional(),
  }),
]);

/** The event a job carries; `InvalidJobError` (never retried) when it is not one. Names field paths only. */
export function workspaceEventOf(job: Job): WorkspaceEvent {
  const parsed = eventSchema.safeParse(job.payload);
  if (!parsed.success) throw new InvalidJobError(`Job ${job.id}: invalid workspace event (${parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ")})`);
  return parsed.data;
}

