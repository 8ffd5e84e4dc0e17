/**
 * Azure Monitor's common alert schema (`schemaId: azureMonitorCommonAlertSchema`), as action groups post it to a
 * webhook receiver with `useCommonAlertSchema: true`: `data.essentials` (rule, severity, `monitorCondition` Fired /
 * Resolved, `alertTargetIDs`, times) and, for metric alerts, `data.alertContext.condition.allOf[]` (metric, value,
 * operator, threshold, dimensions). Other alert kinds (log, activity log) keep their essentials and no conditions.
 */
import * as z from "zod";
import type { AlertCondition, AlertEvent } from "../../commands/alerts/monitor-event.js";
import { parseEndpointResourceId } from "./arm-resource.js";
import type { ParsedEvents } from "./autoscale-webhook.parser.js";
import { looseNumber, looseString, parseTime, stableKey } from "./wire-values.js";

export const COMMON_ALERT_SCHEMA_ID = "azureMonitorCommonAlertSchema";

const criterionSchema = z.looseObject({
  metricName: looseString,
  operator: looseString,
  threshold: looseNumber,
  timeAggregation: looseString,
  metricValue: looseNumber,
  dimensions: z.array(z.looseObject({ name: z.string(), value: z.unknown() })).nullish(),
});

export const commonAlertSchema = z.looseObject({
  schemaId: z.literal(COMMON_ALERT_SCHEMA_ID),
  data: z.looseObject({
    essentials: z.looseObject({
      alertId: z.string().min(1),
      alertRule: looseString,
      severity: looseString,
      monitorCondition: z.string(),
      alertTargetIDs: z.array(z.string()).nullish(),
      firedDateTime: looseString,
      resolvedDateTime: looseString,
      description: looseString,
    }),
    alertContext: z
      .looseObject({
        condition: z.looseObject({ windowSize: looseString, allOf: z.array(criterionSchema).nullish() }).nullish(),
      })
      .nullish(),
  }),
});

export type CommonAlertPayload = z.infer<typeof commonAlertSchema>;
type Criterion = z.infer<typeof criterionSchema>;

/** One event per Azure ML endpoint or deployment among the alert's targets. */
export function commonAlertEvents(payload: CommonAlertPayload, receivedAt: Date): ParsedEvents<AlertEvent> {
  const { essentials, alertContext } = payload.data;
  const condition = essentials.monitorCondition.toLowerCase();
  if (condition !== "fired" && condition !== "resolved") return { ok: false, problem: `unknown monitorCondition "${essentials.monitorCondition}"` };
  const state = condition;
  const criteria = alertContext?.condition?.allOf ?? [];
  const windowSize = alertContext?.condition?.windowSize;
  const conditions = criteria.flatMap((c): AlertCondition[] => (c.metricName ? [conditionOf(c, c.metricName, windowSize)] : []));
  const firedAt = parseTime(essentials.firedDateTime);
  const at = (state === "resolved" ? parseTime(essentials.resolvedDateTime) : undefined) ?? firedAt ?? receivedAt;
  const targets = (essentials.alertTargetIDs ?? []).flatMap((id) => {
    const resource = parseEndpointResourceId(id);
    return resource ? [{ id, resource }] : [];
  });
  if (targets.length === 0) return { ok: true, events: [], ignored: "no Azure ML online endpoint among the alert's targets" };
  const deployment = deploymentDimension(criteria);
  const events = targets.map(({ id, resource }): AlertEvent => ({
    kind: "alert",
    resource: resource.deployment || !deployment ? resource : { ...resource, deployment },
    rule: essentials.alertRule ?? "Azure Monitor alert",
    state,
    ...(essentials.severity ? { severity: essentials.severity } : {}),
    conditions,
    ...(essentials.description ? { description: essentials.description } : {}),
    at,
    ...(firedAt ? { firedAt } : {}),
    // The alert id names one alert instance; Fired and Resolved of it are two events.
    dedupeKey: stableKey("alert", [essentials.alertId, state, id, (state === "resolved" ? essentials.resolvedDateTime : essentials.firedDateTime) ?? undefined]),
  }));
  return { ok: true, events };
}

function conditionOf(c: Criterion, metric: string, windowSize: string | undefined): AlertCondition {
  return {
    metric,
    ...(c.metricValue !== undefined ? { value: c.metricValue } : {}),
    ...(c.operator ? { operator: c.operator } : {}),
    ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
    ...(c.timeAggregation ? { timeAggregation: c.timeAggregation } : {}),
    ...(windowSize ? { windowSize } : {}),
  };
}

/** Endpoint metrics (latency, requests) name the deployment as a dimension; one value across criteria, or none. */
function deploymentDimension(criteria: readonly Criterion[]): string | undefined {
  const values = new Set(
    criteria.flatMap((c) => (c.dimensions ?? []).filter((d) => d.name.toLowerCase() === "deployment" && typeof d.value === "string").map((d) => d.value as string)),
  );
  return values.size === 1 ? [...values][0] : undefined;
}
