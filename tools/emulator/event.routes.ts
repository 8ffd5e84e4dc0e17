/**
 * Control routes of the emulator's event publishing (no auth, loopback only, like the rest of `/__emulator/`):
 *   - `PUT /__emulator/events/webhook` `{ "url": "...", "headers"?: {...} }` sets where events go; `DELETE` stops them;
 *     `GET` shows where they go (origin and path) and the deliveries so far.
 *   - `POST /__emulator/models` `{ "name", "version"?, "tags"?, "properties"?, "workspace"? }` registers a model
 *     version (the next number when none is given), as `az ml model create` does, and publishes its ModelRegistered
 *     event to the webhook; the answer says what was registered and how the delivery went.
 */
import { z } from "zod";
import { armErrors } from "./arm-errors.js";
import { modelRegisteredEvent, type EventPublisher } from "./event-publisher.js";
import { json, empty, type HttpResult } from "./http-kit.js";
import { findContainer, newestFirst, registerVersion } from "./model-registry.js";
import type { Route, RouteContext } from "./router.js";
import type { EmulatorServices } from "./services.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const webhookBody = z.strictObject({ url: z.url({ protocol: /^https?$/ }), headers: z.record(z.string(), z.string()).optional() });
const registerBody = z.strictObject({
  workspace: z.string().optional(),
  name: z.string().regex(NAME, "letters, digits, '.', '_' or '-'"),
  version: z.string().regex(NAME).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  properties: z.record(z.string(), z.string()).optional(),
  modelType: z.enum(["custom_model", "mlflow_model", "triton_model"]).optional(),
});

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw armErrors.badArgument(`Invalid ${what}: ${result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`);
  return result.data;
}

export function eventRoutes(services: EmulatorServices, publisher: EventPublisher): Route[] {
  async function register(ctx: RouteContext): Promise<HttpResult> {
    const body = parsed(registerBody, await ctx.jsonBody(), "model registration");
    const ws = body.workspace === undefined ? services.state.workspaces[0] : services.state.workspaces.find((w) => w.name.toLowerCase() === body.workspace!.toLowerCase());
    if (!ws) throw armErrors.badArgument(`No workspace named ${body.workspace} in the emulator.`, "workspace");
    const container = findContainer(ws, body.name);
    const latest = container ? Number(newestFirst(container)[0]?.version) : 0;
    const version = body.version ?? String(Number.isFinite(latest) ? latest + 1 : 1);
    const record = registerVersion(ws, {
      name: container?.name ?? body.name,
      version,
      modelType: body.modelType ?? "custom_model",
      tags: body.tags ?? {},
      ...(body.properties ? { properties: body.properties } : {}),
    });
    if (!record) throw armErrors.conflict(`Model version ${body.name}:${version} already exists in workspace ${ws.name}.`);
    const event = modelRegisteredEvent(ws, record);
    const delivery = await publisher.publish(event);
    return json(201, { workspace: ws.name, name: record.name, version: record.version, eventId: event["id"], delivery: delivery ?? null });
  }

  const webhookView = (): Record<string, unknown> => {
    const hook = publisher.webhook;
    const url = hook ? new URL(hook.url) : undefined;
    return { webhook: url ? `${url.origin}${url.pathname}` : null, deliveries: publisher.deliveries };
  };

  return [
    { name: "control.events.get", methods: ["GET"], pattern: "/__emulator/events/webhook", access: "public", handle: () => json(200, webhookView()) },
    {
      name: "control.events.put",
      methods: ["PUT"],
      pattern: "/__emulator/events/webhook",
      access: "public",
      handle: async (ctx) => {
        const body = parsed(webhookBody, await ctx.jsonBody(), "webhook");
        publisher.setWebhook({ url: body.url, ...(body.headers ? { headers: body.headers } : {}) });
        return json(200, webhookView());
      },
    },
    {
      name: "control.events.delete",
      methods: ["DELETE"],
      pattern: "/__emulator/events/webhook",
      access: "public",
      handle: () => {
        publisher.setWebhook(undefined);
        return empty(204);
      },
    },
    { name: "control.models.register", methods: ["POST"], pattern: "/__emulator/models", access: "public", handle: register },
  ];
}
