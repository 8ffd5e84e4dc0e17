/**
 * `POST /api/events`: Azure ML's workspace events through an Event Grid subscription (Event Grid schema or
 * CloudEvents 1.0), acknowledged fast: each event becomes a queued job and the queue worker posts it. Answers:
 *   - `OPTIONS` with `WebHook-Request-Origin` (CloudEvents' abuse-protection handshake): 200 and
 *     `WebHook-Allowed-Origin`. It reads and changes nothing, so it needs no secret (Event Grid may send it without
 *     the subscription's delivery headers); a delivery still needs the secret.
 *   - 401 without the right secret (`?code=` / `?token=` in the URL, or the `x-aml-events-secret` header a
 *     subscription's delivery attributes can set), checked in constant time before anything is read;
 *   - 200 `{ validationResponse }` for a subscription's validation event (Event Grid schema handshake);
 *   - 400 for a body that is not events (nothing queued), 413 for one bigger than Event Grid's 1 MB batch limit;
 *   - 200 with what was queued and which event types were ignored; 503 when the queue failed (Event Grid retries
 *     the batch, and the job ids, one per event, make a retried event run once).
 */
import type { WorkspaceEvent } from "../../commands/events/workspace-event.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import { checkSecret, secretOf } from "../../adapters/azure-monitor/webhook-secret.js";
import { emptyResponse, jsonResponse, type RawHttpRequest, type RawHttpResponse } from "../../adapters/http.js";
import { parseEventGridDelivery } from "./event-grid.parser.js";

/** Where accepted events go: the job queue, one job per event, keyed by the event's id. */
export interface WorkspaceEventSink {
  enqueue(events: readonly WorkspaceEvent[], options?: { abortSignal?: AbortSignal }): Promise<void>;
}

export interface EventGridBridgeOptions {
  /** `AML_EVENTS_SECRET`; without it every delivery is refused. */
  readonly secret: string | undefined;
  readonly sink: WorkspaceEventSink;
  readonly logger: Logger;
  readonly clock: Clock;
}

export const SECRET_HEADER = "x-aml-events-secret";
/** Event Grid delivers batches of at most 1 MB. */
export const MAX_EVENTS_BODY_BYTES = 1024 * 1024;

export interface EventGridBridge {
  handleHttp(request: RawHttpRequest, options?: { abortSignal?: AbortSignal }): Promise<RawHttpResponse>;
}

export function createEventGridBridge(options: EventGridBridgeOptions): EventGridBridge {
  const { logger } = options;
  return {
    async handleHttp(request, callOptions = {}) {
      if (request.method === "OPTIONS") return handshake(request);
      if (request.method !== "POST") return jsonResponse(405, { error: "POST only (OPTIONS for the CloudEvents handshake)" });
      const check = checkSecret(request.headers[SECRET_HEADER] || secretOf(request.url), options.secret);
      if (!check.ok) {
        // The reason only: never the URL or the header, which hold the (wrong or right) secret.
        logger.warn("events webhook refused", { reason: check.reason });
        return jsonResponse(401, { error: "unauthorized" });
      }
      if (Buffer.byteLength(request.body, "utf8") > MAX_EVENTS_BODY_BYTES) return jsonResponse(413, { error: "payload too large" });
      const parsed = await parseEventGridDelivery(request.body, options.clock.now());
      if (!parsed.ok) {
        logger.warn("events webhook payload refused", { problem: parsed.problem });
        return jsonResponse(400, { error: parsed.problem });
      }
      if (parsed.kind === "validation") {
        logger.info("event grid subscription validated");
        return jsonResponse(200, { validationResponse: parsed.validationCode });
      }
      try {
        if (parsed.events.length > 0) await options.sink.enqueue(parsed.events, callOptions);
      } catch (error) {
        logger.error("events could not be queued", { error, events: parsed.events.length });
        return jsonResponse(503, { error: "could not queue the events now; retry" });
      }
      if (parsed.ignored.length > 0) logger.info("event types not handled, acknowledged", { types: [...new Set(parsed.ignored)] });
      return jsonResponse(200, { queued: parsed.events.length, ignored: parsed.ignored.length });
    },
  };
}

/** CloudEvents 1.0 webhook validation: allow the origin that asked (Event Grid's `eventgrid.azure.net`). */
function handshake(request: RawHttpRequest): RawHttpResponse {
  const origin = request.headers["webhook-request-origin"];
  if (!origin) return emptyResponse(400);
  return { status: 200, headers: { "webhook-allowed-origin": origin, ...(request.headers["webhook-request-rate"] ? { "webhook-allowed-rate": "*" } : {}) }, body: "" };
}
