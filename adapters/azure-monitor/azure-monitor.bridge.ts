/**
 * `POST /api/alerts`: Azure Monitor's autoscale webhook and action-group webhooks (common alert schema) into the
 * core. Verify the URL's secret (before reading anything) → parse with zod → neutral events → the alert dispatcher.
 * Answers: 401 without the right secret (nothing read, nothing recorded), 400 for a payload that is neither kind,
 * 200 with what happened, 503 when storage or chat failed (Azure Monitor retries; the event was released).
 */
import type { DispatchOutcome } from "../../commands/alerts/alert-dispatcher.js";
import type { MonitorEvent } from "../../commands/alerts/monitor-event.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import { jsonResponse, type RawHttpRequest, type RawHttpResponse } from "../http.js";
import { autoscaleEvents, autoscalePayloadSchema, type ParsedEvents } from "./autoscale-webhook.parser.js";
import { COMMON_ALERT_SCHEMA_ID, commonAlertEvents, commonAlertSchema } from "./common-alert.parser.js";
import { checkWebhookSecret } from "./webhook-secret.js";

export interface AlertSink {
  dispatch(event: MonitorEvent, options?: { abortSignal?: AbortSignal }): Promise<DispatchOutcome>;
}

export interface AzureMonitorBridgeOptions {
  /** `AML_ALERTS_SECRET`; without it every request is refused. */
  readonly secret: string | undefined;
  readonly dispatcher: AlertSink;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** Payloads are a few KiB; anything far bigger is not Azure Monitor's. */
export const MAX_ALERT_BODY_BYTES = 256 * 1024;

export interface AzureMonitorBridge {
  handleHttp(request: RawHttpRequest, options?: { abortSignal?: AbortSignal }): Promise<RawHttpResponse>;
}

export function createAzureMonitorBridge(options: AzureMonitorBridgeOptions): AzureMonitorBridge {
  const { logger } = options;
  return {
    async handleHttp(request, callOptions = {}) {
      if (request.method !== "POST") return jsonResponse(405, { error: "POST only" });
      const check = checkWebhookSecret(request.url, options.secret);
      if (!check.ok) {
        // The reason only: never the URL, which holds the (wrong or right) secret.
        logger.warn("alerts webhook refused", { reason: check.reason });
        return jsonResponse(401, { error: "unauthorized" });
      }
      if (Buffer.byteLength(request.body, "utf8") > MAX_ALERT_BODY_BYTES) return jsonResponse(413, { error: "payload too large" });
      const parsed = parseMonitorPayload(request.body, options.clock.now());
      if (!parsed.ok) {
        logger.warn("alerts webhook payload refused", { problem: parsed.problem });
        return jsonResponse(400, { error: parsed.problem });
      }
      if (parsed.events.length === 0) return jsonResponse(200, { outcome: "ignored", reason: parsed.ignored ?? "nothing to post" });
      const results: (DispatchOutcome & { dedupeKey: string })[] = [];
      try {
        for (const event of parsed.events) results.push({ ...(await options.dispatcher.dispatch(event, callOptions)), dedupeKey: event.dedupeKey });
      } catch (error) {
        logger.error("alert dispatch failed", { error, done: results.length, of: parsed.events.length });
        return jsonResponse(503, { error: "could not deliver now; retry" });
      }
      for (const result of results) logger.info("alert handled", { ...result });
      return jsonResponse(200, results.length === 1 ? results[0] : { results });
    },
  };
}

/** Either payload kind, told apart by the common schema's `schemaId`. */
export function parseMonitorPayload(body: string, receivedAt: Date): ParsedEvents<MonitorEvent> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: "the body is not JSON" };
  }
  if (typeof json === "object" && json !== null && (json as Record<string, unknown>)["schemaId"] !== undefined) {
    if ((json as Record<string, unknown>)["schemaId"] !== COMMON_ALERT_SCHEMA_ID) {
      return { ok: false, problem: `unsupported schemaId (only ${COMMON_ALERT_SCHEMA_ID}: turn on the common alert schema in the action group)` };
    }
    const alert = commonAlertSchema.safeParse(json);
    return alert.success ? commonAlertEvents(alert.data, receivedAt) : { ok: false, problem: `not a common alert schema payload: ${firstIssue(alert.error)}` };
  }
  const autoscale = autoscalePayloadSchema.safeParse(json);
  return autoscale.success
    ? autoscaleEvents(autoscale.data, receivedAt, body)
    : { ok: false, problem: `neither an autoscale notification nor a common alert schema payload: ${firstIssue(autoscale.error)}` };
}

function firstIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}` : "invalid";
}
