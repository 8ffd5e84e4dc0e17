/**
 * The autoscale notification webhook (Azure Monitor autoscale → `serviceUri`), as documented in "Use autoscale
 * actions to send email and webhook alert notifications": `operation` "Scale Out" / "Scale In", `context` with the
 * target's ids and `oldCapacity` / `newCapacity` (strings in the published examples, numbers accepted too), and the
 * webhook's custom `properties`. Every field is read leniently: what is missing is derived or left out.
 */
import * as z from "zod";
import type { AutoscaleEvent } from "../../commands/alerts/monitor-event.js";
import { endpointResourceOfParts, parseEndpointResourceId, resourceIdOfPortalLink } from "./arm-resource.js";
import { looseNumber, looseString, parseTime, stableKey } from "./wire-values.js";

export const autoscalePayloadSchema = z.looseObject({
  version: looseString,
  status: looseString,
  operation: looseString,
  context: z.looseObject({
    timestamp: looseString,
    id: looseString,
    name: looseString,
    details: looseString,
    subscriptionId: looseString,
    resourceGroupName: looseString,
    resourceName: looseString,
    resourceType: looseString,
    resourceId: looseString,
    portalLink: looseString,
    oldCapacity: looseNumber,
    newCapacity: looseNumber,
  }),
  properties: z.record(z.string(), z.unknown()).nullish(),
});

export type AutoscalePayload = z.infer<typeof autoscalePayloadSchema>;

export type ParsedEvents<E> = { readonly ok: true; readonly events: readonly E[]; readonly ignored?: string } | { readonly ok: false; readonly problem: string };

/** "… from capacity '3' to capacity '2'": the numbers when the capacity fields are missing. */
const DETAILS_CAPACITIES = /from capacity '(\d+)' to capacity '(\d+)'/i;
const MAX_REASON_CHARS = 200;

/** `receivedAt` stands in for a missing timestamp; `rawBody` then keys the event (a retry resends the same body). */
export function autoscaleEvents(payload: AutoscalePayload, receivedAt: Date, rawBody: string): ParsedEvents<AutoscaleEvent> {
  const c = payload.context;
  const resource =
    parseEndpointResourceId(c.resourceId) ?? parseEndpointResourceId(resourceIdOfPortalLink(c.portalLink)) ?? endpointResourceOfParts(c);
  if (!resource?.deployment) {
    return { ok: true, events: [], ignored: `not an Azure ML online deployment (${c.resourceType ?? c.resourceId ?? "no resource"})` };
  }
  const fromDetails = c.details ? DETAILS_CAPACITIES.exec(c.details) : null;
  const oldCapacity = c.oldCapacity ?? (fromDetails ? Number(fromDetails[1]) : undefined);
  const newCapacity = c.newCapacity ?? (fromDetails ? Number(fromDetails[2]) : undefined);
  const direction = directionOf(payload.operation, oldCapacity, newCapacity);
  if (!direction) return { ok: false, problem: "autoscale payload without a Scale Out / Scale In operation or capacities" };
  const timestamp = parseTime(c.timestamp);
  const reason = reasonOf(payload.properties, direction);
  const event: AutoscaleEvent = {
    kind: "autoscale",
    resource: { ...resource, deployment: resource.deployment },
    direction,
    ...(oldCapacity !== undefined ? { oldCapacity } : {}),
    ...(newCapacity !== undefined ? { newCapacity } : {}),
    ...(reason ? { reason } : {}),
    at: timestamp ?? receivedAt,
    ...(c.name ? { setting: c.name } : {}),
    dedupeKey: timestamp
      ? stableKey("autoscale", [c.id, c.resourceId ?? c.portalLink, c.timestamp, direction, oldCapacity, newCapacity])
      : stableKey("autoscale-body", [rawBody]),
  };
  return { ok: true, events: [event] };
}

function directionOf(operation: string | undefined, oldCapacity: number | undefined, newCapacity: number | undefined): "out" | "in" | undefined {
  const op = operation?.toLowerCase().replace(/\s+/g, "");
  if (op === "scaleout" || op === "scaleup") return "out";
  if (op === "scalein" || op === "scaledown") return "in";
  if (oldCapacity !== undefined && newCapacity !== undefined && oldCapacity !== newCapacity) return newCapacity > oldCapacity ? "out" : "in";
  return undefined;
}

/**
 * The autoscale payload does not say which rule fired, so the webhook's custom properties may: `scaleOutReason` /
 * `scaleInReason` (as deploy/autoscale.bicep sets them), else `reason`.
 */
function reasonOf(properties: Record<string, unknown> | null | undefined, direction: "out" | "in"): string | undefined {
  const value = properties?.[direction === "out" ? "scaleOutReason" : "scaleInReason"] ?? properties?.["reason"];
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = value.trim();
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}
