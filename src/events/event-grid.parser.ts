/**
 * Event Grid deliveries into the core's workspace events. A body is a batch (or one event) in the Event Grid schema
 * or in CloudEvents 1.0, told apart by `specversion`; Microsoft's `EventGridDeserializer` checks the envelope, and
 * its system-event type guards name the Azure ML events. The data is read with zod as it is on the wire: PascalCase
 * (`ModelName`), as the published examples show, or camelCase, as the SDK's types spell it. A subscription's
 * validation event is the handshake. An event of a type we do not handle is counted and acknowledged, never an error.
 */
import { EventGridDeserializer, isSystemEvent, type CloudEvent, type EventGridEvent } from "@azure/eventgrid";
import * as z from "zod";
import type { WorkspaceEvent, WorkspaceResource } from "../../commands/events/workspace-event.js";

export const VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent";
const ML = "Microsoft.MachineLearningServices";
export const AML_EVENT_TYPES = [`${ML}.ModelRegistered`, `${ML}.DatasetDriftDetected`, `${ML}.RunCompleted`, `${ML}.RunStatusChanged`] as const;

export type ParsedDelivery =
  | { readonly ok: true; readonly kind: "validation"; readonly validationCode: string }
  | { readonly ok: true; readonly kind: "events"; readonly schema: "eventgrid" | "cloudevents"; readonly events: WorkspaceEvent[]; readonly ignored: readonly string[] }
  | { readonly ok: false; readonly problem: string };

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}`. */
const WORKSPACE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/?$/i;

export function workspaceOfTopic(topic: string | undefined): WorkspaceResource | undefined {
  const match = topic === undefined ? null : WORKSPACE_ID.exec(topic);
  return match ? { subscriptionId: match[1]!, resourceGroup: match[2]!, workspace: match[3]! } : undefined;
}

/** Either casing of a data field; the wire's PascalCase first. */
function field(data: Record<string, unknown>, name: string): unknown {
  return data[name] ?? data[name.charAt(0).toLowerCase() + name.slice(1)];
}

const text = z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1));
const stringMap = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((map) => Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));

const modelData = z.object({ ModelName: z.string().min(1), ModelVersion: text, ModelTags: stringMap, ModelProperties: stringMap });
const driftData = z.object({
  DataDriftName: z.string().min(1),
  DriftCoefficient: z.number(),
  BaseDatasetId: z.string().min(1),
  TargetDatasetId: z.string().min(1),
  RunId: z.string().optional(),
  StartTime: z.string().optional(),
  EndTime: z.string().optional(),
});
const runData = z.object({ RunId: z.string().min(1), ExperimentName: z.string().optional(), RunType: z.string().optional(), RunStatus: z.string().optional() });

/** The fields a schema reads, in PascalCase whatever the casing on the wire. */
function pascal(data: unknown, names: readonly string[]): Record<string, unknown> {
  const source = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
  return Object.fromEntries(names.map((n) => [n, field(source, n)]).filter(([, v]) => v !== undefined));
}

/** A common view of both envelopes. */
interface Envelope {
  readonly id: string;
  readonly type: string;
  readonly topic: string | undefined;
  readonly time: Date | undefined;
  readonly data: unknown;
  readonly raw: EventGridEvent<unknown> | CloudEvent<unknown>;
}

/** `receivedAt` stands in for an event without a usable time (CloudEvents' `time` is optional). */
export async function parseEventGridDelivery(body: string, receivedAt: Date): Promise<ParsedDelivery> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: "the body is not JSON" };
  }
  const list = Array.isArray(json) ? json : [json];
  if (list.length === 0) return { ok: false, problem: "the body holds no event" };
  const cloud = list.some((e) => typeof e === "object" && e !== null && "specversion" in e);
  const deserializer = new EventGridDeserializer();
  let envelopes: Envelope[];
  try {
    // Round-tripped through the array so that a single event and a batch take the same path.
    envelopes = cloud
      ? (await deserializer.deserializeCloudEvents(JSON.stringify(list))).map((e) => ({ id: e.id, type: e.type, topic: e.source, time: e.time, data: e.data, raw: e }))
      : (await deserializer.deserializeEventGridEvents(JSON.stringify(list))).map((e) => ({ id: e.id, type: e.eventType, topic: e.topic, time: e.eventTime, data: e.data, raw: e }));
  } catch (error) {
    return { ok: false, problem: `not ${cloud ? "CloudEvents 1.0" : "Event Grid schema"} events: ${error instanceof Error ? error.message : "invalid"}` };
  }
  const validation = envelopes.find((e) => e.type === VALIDATION_EVENT);
  if (validation) {
    const code = field((validation.data ?? {}) as Record<string, unknown>, "ValidationCode");
    return typeof code === "string" && code ? { ok: true, kind: "validation", validationCode: code } : { ok: false, problem: "a validation event without data.validationCode" };
  }
  const events: WorkspaceEvent[] = [];
  const ignored: string[] = [];
  for (const [i, envelope] of envelopes.entries()) {
    const read = toWorkspaceEvent(envelope, receivedAt);
    if (read === "ignored") ignored.push(envelope.type);
    else if (typeof read === "string") return { ok: false, problem: `event ${i} (${envelope.type}): ${read}` };
    else events.push(read);
  }
  return { ok: true, kind: "events", schema: cloud ? "cloudevents" : "eventgrid", events, ignored };
}

/** The core's event, "ignored" for a type we do not handle, or what is wrong with one we do. */
function toWorkspaceEvent(e: Envelope, receivedAt: Date): WorkspaceEvent | "ignored" | string {
  const known = (AML_EVENT_TYPES as readonly string[]).includes(e.type);
  if (!known) return "ignored";
  const resource = workspaceOfTopic(e.topic);
  if (!resource) return `its ${"source" in e.raw ? "source" : "topic"} is not an Azure ML workspace's resource id`;
  if (!e.id.trim()) return "no event id";
  const at = e.time && !Number.isNaN(e.time.getTime()) ? e.time : receivedAt;
  const base = { id: e.id, resource, at: at.toISOString() };
  const problem = (error: z.ZodError): string => error.issues.map((issue) => `data.${issue.path.join(".")}: ${issue.message}`).join("; ");
  // The SDK's guards name the type (in either envelope); the data is checked here with zod, as it comes.
  const isType = (type: (typeof AML_EVENT_TYPES)[number]): boolean =>
    "specversion" in e.raw ? isSystemEvent(type, e.raw as CloudEvent<unknown>) : isSystemEvent(type, e.raw as EventGridEvent<unknown>);
  if (isType(`${ML}.ModelRegistered`)) {
    const data = modelData.safeParse(pascal(e.data, ["ModelName", "ModelVersion", "ModelTags", "ModelProperties"]));
    if (!data.success) return problem(data.error);
    return { ...base, kind: "model-registered", model: data.data.ModelName, version: data.data.ModelVersion, tags: data.data.ModelTags, properties: data.data.ModelProperties };
  }
  if (isType(`${ML}.DatasetDriftDetected`)) {
    const data = driftData.safeParse(pascal(e.data, ["DataDriftName", "DriftCoefficient", "BaseDatasetId", "TargetDatasetId", "RunId", "StartTime", "EndTime"]));
    if (!data.success) return problem(data.error);
    const d = data.data;
    return {
      ...base,
      kind: "dataset-drift",
      monitor: d.DataDriftName,
      coefficient: d.DriftCoefficient,
      baseDataset: d.BaseDatasetId,
      targetDataset: d.TargetDatasetId,
      ...(d.RunId ? { runId: d.RunId } : {}),
      ...(d.StartTime && !Number.isNaN(Date.parse(d.StartTime)) ? { windowStart: new Date(d.StartTime).toISOString() } : {}),
      ...(d.EndTime && !Number.isNaN(Date.parse(d.EndTime)) ? { windowEnd: new Date(d.EndTime).toISOString() } : {}),
    };
  }
  const data = runData.safeParse(pascal(e.data, ["RunId", "ExperimentName", "RunType", "RunStatus"]));
  if (!data.success) return problem(data.error);
  const d = data.data;
  return {
    ...base,
    kind: "run",
    change: e.type === `${ML}.RunCompleted` ? "completed" : "status-changed",
    runId: d.RunId,
    ...(d.ExperimentName ? { experiment: d.ExperimentName } : {}),
    ...(d.RunType ? { runType: d.RunType } : {}),
    ...(d.RunStatus ? { status: d.RunStatus } : {}),
  };
}
