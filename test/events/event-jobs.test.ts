/** Workspace events as queued jobs: one id per event whatever the delivery, and a payload checked when it is read back. */
import { describe, expect, it } from "vitest";
import type { WorkspaceEvent } from "../../commands/events/workspace-event.js";
import { InvalidJobError } from "../../commands/errors.js";
import { deferredEventJob, EVENT_JOB, eventJob, eventJobId, workspaceEventOf } from "../../src/events/event-jobs.js";
import { encodeJobMessage } from "../../src/storage/job-queue.js";

const event: WorkspaceEvent = {
  kind: "model-registered",
  id: "831e1650-001e-001b-66ab-eeb76e069631",
  resource: { subscriptionId: "SUB", resourceGroup: "ML-RG", workspace: "Demo" },
  at: "2026-12-03T06:00:00.000Z",
  model: "fraud-model",
  version: "6",
  tags: { stage: "candidate" },
  properties: {},
};

describe("event jobs", () => {
  it("give every delivery of one event the same job id, whatever the casing Azure sends the workspace in", () => {
    const again = { ...event, resource: { subscriptionId: "sub", resourceGroup: "ml-rg", workspace: "demo" } };
    expect(eventJobId(again)).toBe(eventJobId(event));
    expect(eventJobId({ ...event, id: "other" })).not.toBe(eventJobId(event));
    expect(eventJobId({ ...event, resource: { ...event.resource, workspace: "prod" } })).not.toBe(eventJobId(event));
    expect(eventJobId({ ...event, id: "a/b#c?d\\e".repeat(100) })).toMatch(/^event-[0-9a-f]{40}$/);
  });

  it("carry the event through the queue's encoding and back", () => {
    const job = eventJob(event, new Date("2026-12-03T06:00:01Z"));
    expect(job.kind).toBe(EVENT_JOB);
    const decoded = JSON.parse(Buffer.from(encodeJobMessage(job), "base64").toString("utf8")) as typeof job;
    expect(workspaceEventOf(decoded)).toEqual(event);
  });

  it("queue a quiet-hours event again as a job of its own", () => {
    const job = eventJob(event, new Date());
    const later = deferredEventJob(job, new Date());
    expect(later.id).not.toBe(job.id);
    expect(workspaceEventOf(later)).toEqual(event);
  });

  it("refuse a payload that is not an event, never retried, naming the fields only", () => {
    const job = { ...eventJob(event, new Date()), payload: { ...event, version: 6, secret: "x" } };
    expect(() => workspaceEventOf(job)).toThrow(InvalidJobError);
    expect(() => workspaceEventOf(job)).toThrow(/version/);
  });
});
