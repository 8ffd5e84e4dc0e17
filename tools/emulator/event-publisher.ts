/**
 * What Azure ML publishes to Event Grid, for the local stack: when a model version is registered in the emulator,
 * the `Microsoft.MachineLearningServices.ModelRegistered` event goes to a configured webhook, in the Event Grid
 * schema and shaped as the published example (docs: event-schema-machine-learning.md), one event per POST as Event
 * Grid delivers without batching. Without a webhook nothing is sent. Deliveries are kept for tests and the control
 * route: when, where (without the URL's query, which holds the secret) and with what status.
 */
import { randomUUID } from "node:crypto";
import { workspaceId } from "./arm-ids.js";
import type { ModelVersionRecord, WorkspaceRecord } from "./state.js";

export const MODEL_REGISTERED = "Microsoft.MachineLearningServices.ModelRegistered";

export interface EventWebhook {
  /** e.g. `http://127.0.0.1:7071/api/events?code=…`. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface EventDelivery {
  readonly eventId: string;
  readonly eventType: string;
  /** The webhook's origin and path only. */
  readonly to: string;
  readonly status?: number;
  readonly error?: string;
  readonly at: string;
}

/** The event as Event Grid delivers it (Event Grid schema). */
export function modelRegisteredEvent(ws: WorkspaceRecord, record: ModelVersionRecord, id: string = randomUUID()): Record<string, unknown> {
  return {
    topic: workspaceId(ws),
    subject: `models/${record.name}:${record.version}`,
    eventType: MODEL_REGISTERED,
    eventTime: record.created.at,
    id,
    data: { ModelName: record.name, ModelVersion: record.version, ModelTags: { ...record.tags }, ModelProperties: { ...record.properties } },
    dataVersion: "",
    metadataVersion: "1",
  };
}

export class EventPublisher {
  #webhook: EventWebhook | undefined;
  readonly deliveries: EventDelivery[] = [];

  get webhook(): EventWebhook | undefined {
    return this.#webhook;
  }

  setWebhook(webhook: EventWebhook | undefined): void {
    this.#webhook = webhook;
  }

  /** Sends the events (a batch of one, as Event Grid does by default); undefined when no webhook is set. */
  async publish(event: Record<string, unknown>): Promise<EventDelivery | undefined> {
    const webhook = this.#webhook;
    if (!webhook) return undefined;
    const url = new URL(webhook.url);
    const base = { eventId: String(event["id"]), eventType: String(event["eventType"]), to: `${url.origin}${url.pathname}`, at: new Date().toISOString() };
    let delivery: EventDelivery;
    try {
      const response = await fetch(webhook.url, {
        method: "POST",
        headers: { "content-type": "application/json", "aeg-event-type": "Notification", ...webhook.headers },
        body: JSON.stringify([event]),
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      delivery = { ...base, status: response.status };
    } catch (error) {
      delivery = { ...base, error: error instanceof Error ? error.message : String(error) };
    }
    this.deliveries.push(delivery);
    return delivery;
  }
}
