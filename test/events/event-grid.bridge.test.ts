/**
 * The Event Grid bridge on its own: the published Azure ML example events as they are (Event Grid schema) and as
 * CloudEvents 1.0 (the same page's field mapping), both validation handshakes, batches, the delivery secret, unknown
 * types acknowledged, and malformed bodies refused with 400 and nothing queued.
 */
import { describe, expect, it } from "vitest";
import { createEventGridBridge, SECRET_HEADER } from "../../src/events/event-grid.bridge.js";
import { parseEventGridDelivery } from "../../src/events/event-grid.parser.js";
import type { WorkspaceEvent } from "../../commands/events/workspace-event.js";
import { readSharedFixture } from "../helpers/shared-fixtures.js";

const SECRET = "events-secret-for-tests-0123456789";
const NOW = new Date("2026-12-03T06:00:00Z");
const TOPIC = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo";
const quiet = { info() {}, warn() {}, error() {} };

const modelFixture = readSharedFixture("azure/eventgrid-ml-2021.ModelRegistered.eventgrid-schema.json");
const driftFixture = readSharedFixture("azure/eventgrid-ml-2021.DatasetDriftDetected.eventgrid-schema.json");

/** The Event Grid schema event as CloudEvents 1.0, mapped as the docs page says (topic → source, eventType → type…). */
function asCloudEvent(event: Record<string, unknown>): Record<string, unknown> {
  return { specversion: "1.0", id: event["id"], source: event["topic"], subject: event["subject"], type: event["eventType"], time: event["eventTime"], data: event["data"] };
}

function harness(options: { failQueue?: boolean } = {}) {
  const queued: WorkspaceEvent[] = [];
  const bridge = createEventGridBridge({
    secret: SECRET,
    logger: quiet,
    clock: { now: () => NOW },
    sink: {
      async enqueue(events) {
        if (options.failQueue) throw new Error("queue down");
        queued.push(...events);
      },
    },
  });
  const post = (body: string, query = `?code=${SECRET}`, headers: Record<string, string> = {}) =>
    bridge.handleHttp({ method: "POST", url: `https://bot.example/api/events${query}`, headers: { "content-type": "application/json", ...headers }, body });
  return { bridge, queued, post };
}

describe("the published example events", () => {
  it("reads ModelRegistered as published: a number for a version, tags and properties, the workspace from the topic", async () => {
    const parsed = await parseEventGridDelivery(modelFixture, NOW);
    expect(parsed).toEqual({
      ok: true,
      kind: "events",
      schema: "eventgrid",
      ignored: [],
      events: [
        {
          kind: "model-registered",
          id: "831e1650-001e-001b-66ab-eeb76e069631",
          resource: { subscriptionId: "{subscription-id}", resourceGroup: "{resource-group-name}", workspace: "{workspace-name}" },
          at: "2017-06-26T18:41:00.958Z",
          model: "sklearn_regression_model",
          version: "20",
          tags: { area: "diabetes", type: "regression" },
          properties: { type: "test" },
        },
      ],
    });
  });

  it("reads DatasetDriftDetected: the coefficient, the datasets, the window", async () => {
    const parsed = await parseEventGridDelivery(driftFixture, NOW);
    expect(parsed.ok && parsed.kind === "events" && parsed.events[0]).toMatchObject({
      kind: "dataset-drift",
      monitor: "myDriftMonitor",
      coefficient: 0.8350349068479208,
      baseDataset: "3c56d136-0f64-4657-a0e8-5162089a88a3",
      targetDataset: "d7e74d2e-c972-4266-b5fb-6c9c182d2a74",
      windowStart: "2019-07-04T00:00:00.000Z",
      windowEnd: "2019-07-05T00:00:00.000Z",
    });
  });

  it("reads the same events in CloudEvents 1.0, one or a batch, to the same result", async () => {
    const [model] = JSON.parse(modelFixture) as Record<string, unknown>[];
    const [drift] = JSON.parse(driftFixture) as Record<string, unknown>[];
    const fromEventGrid = await parseEventGridDelivery(JSON.stringify([model, drift]), NOW);
    const batch = await parseEventGridDelivery(JSON.stringify([asCloudEvent(model!), asCloudEvent(drift!)]), NOW);
    const single = await parseEventGridDelivery(JSON.stringify(asCloudEvent(model!)), NOW);
    expect(batch).toMatchObject({ ok: true, schema: "cloudevents" });
    expect(batch.ok && batch.kind === "events" && batch.events).toEqual(fromEventGrid.ok && fromEventGrid.kind === "events" && fromEventGrid.events);
    expect(single.ok && single.kind === "events" && single.events).toHaveLength(1);
  });
});

describe("POST /api/events", () => {
  it("answers Event Grid's subscription validation with the code", async () => {
    const { post, queued } = harness();
    const validation = [
      {
        id: "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66",
        topic: "/subscriptions/xx/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/demo",
        subject: "",
        data: { validationCode: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", validationUrl: "https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/x/validate?id=1&t=2&apiVersion=2018-05-01-preview&token=1A1A1A1A" },
        eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
        eventTime: "2018-01-25T22:12:19.4556811Z",
        metadataVersion: "1",
        dataVersion: "1",
      },
    ];
    const answer = await post(JSON.stringify(validation));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body!)).toEqual({ validationResponse: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" });
    expect(queued).toEqual([]);
  });

  it("answers the CloudEvents OPTIONS handshake with WebHook-Allowed-Origin", async () => {
    const { bridge } = harness();
    const answer = await bridge.handleHttp({ method: "OPTIONS", url: "https://bot.example/api/events", headers: { "webhook-request-origin": "eventgrid.azure.net", "webhook-request-rate": "120" }, body: "" });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ "webhook-allowed-origin": "eventgrid.azure.net", "webhook-allowed-rate": "*" });
    const bare = await bridge.handleHttp({ method: "OPTIONS", url: "https://bot.example/api/events", headers: {}, body: "" });
    expect(bare.status).toBe(400);
  });

  it("queues each event of a batch and acknowledges the types it does not handle", async () => {
    const { post, queued } = harness();
    const [model] = JSON.parse(modelFixture) as Record<string, unknown>[];
    const storage = { ...model!, id: "blob-1", eventType: "Microsoft.Storage.BlobCreated", topic: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z", data: { url: "https://z/b" } };
    const deployed = { ...model!, id: "dep-1", eventType: "Microsoft.MachineLearningServices.ModelDeployed", data: { ServiceName: "svc" } };
    const answer = await post(JSON.stringify([{ ...model!, topic: TOPIC }, storage, deployed, { ...model!, id: "m-2", topic: TOPIC, data: { ...(model!["data"] as object), ModelVersion: "21" } }]));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body!)).toEqual({ queued: 2, ignored: 2 });
    expect(queued.map((e) => e.kind === "model-registered" && e.version)).toEqual(["20", "21"]);
  });

  it("takes the secret from the URL or from the delivery header, and refuses a wrong or missing one with 401", async () => {
    const { post, queued } = harness();
    expect((await post(modelFixture, "")).status).toBe(401);
    expect((await post(modelFixture, "?code=not-the-secret-at-all")).status).toBe(401);
    expect((await post(modelFixture, "", { [SECRET_HEADER]: "wrong" })).status).toBe(401);
    expect(queued).toEqual([]);
    expect((await post(modelFixture, "", { [SECRET_HEADER]: SECRET })).status).toBe(200);
    expect((await post(modelFixture, `?token=${SECRET}`)).status).toBe(200);
    expect(queued).toHaveLength(2);
  });

  it.each([
    ["not JSON", "{"],
    ["an empty batch", "[]"],
    ["no event type", JSON.stringify([{ id: "1", topic: TOPIC, subject: "s", eventTime: "2026-01-01T00:00:00Z", data: {}, dataVersion: "1" }])],
    ["a CloudEvent of another version", JSON.stringify([{ specversion: "0.3", id: "1", source: TOPIC, type: "Microsoft.MachineLearningServices.ModelRegistered" }])],
    ["ModelRegistered without a model name", JSON.stringify([{ id: "1", topic: TOPIC, subject: "models/x:1", eventType: "Microsoft.MachineLearningServices.ModelRegistered", eventTime: "2026-01-01T00:00:00Z", data: { ModelVersion: 1 }, dataVersion: "" }])],
    ["an ML event whose topic is not a workspace", JSON.stringify([{ id: "1", topic: "/subscriptions/x", subject: "models/x:1", eventType: "Microsoft.MachineLearningServices.ModelRegistered", eventTime: "2026-01-01T00:00:00Z", data: { ModelName: "x", ModelVersion: 1 }, dataVersion: "" }])],
  ])("refuses %s with 400 and queues nothing, not even the valid events beside it", async (_name, body) => {
    const { post, queued } = harness();
    const batch = body.startsWith("[{") ? JSON.stringify([{ ...(JSON.parse(modelFixture) as object[])[0], topic: TOPIC }, ...(JSON.parse(body) as object[])]) : body;
    const answer = await post(batch);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body!).error).toEqual(expect.any(String));
    expect(queued).toEqual([]);
  });

  it("answers 503 when the queue fails, so that Event Grid retries", async () => {
    const { post } = harness({ failQueue: true });
    expect((await post(modelFixture)).status).toBe(503);
  });

  it("refuses other methods", async () => {
    const { bridge } = harness();
    expect((await bridge.handleHttp({ method: "GET", url: "/api/events", headers: {}, body: "" })).status).toBe(405);
  });
});
