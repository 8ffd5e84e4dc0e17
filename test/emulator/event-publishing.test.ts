/**
 * The emulator's ModelRegistered publishing, driven as `npm run aml -- register-model` drives it: the control route
 * registers the version and POSTs the event, shaped as the published example, to
 * the webhook; without a webhook nothing is sent; a version that exists is refused and publishes nothing.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEventGridDelivery } from "../../src/events/event-grid.parser.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { registerModel } from "../../tools/cli/register-model.js";
import { connectEmulatorEvents, eventsWebhookUrl } from "../../tools/local/emulator-events.js";

let emulator: RunningAmlEmulator;
let hook: Server;
let hookUrl: string;
let dir: string;
const received: { url: string; body: string }[] = [];

beforeAll(async () => {
  emulator = await startAmlEmulator({ lroDelayInMs: 10, tlsCacheDir: false });
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/api/events?code=secret-in-the-url`;
  dir = await mkdtemp(join(tmpdir(), "aml-events-"));
  await writeFile(join(dir, "ca.pem"), emulator.ca);
}, 30_000);

afterAll(async () => {
  await emulator?.close();
  await new Promise((resolve) => hook?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const cli = async (...words: string[]): Promise<{ code: number; out: string }> => {
  let out = "";
  const code = await registerModel(words, { url: emulator.url, caFile: join(dir, "ca.pem") }, (text) => (out += text));
  return { code, out };
};

describe("ModelRegistered from the emulator", () => {
  it("registers without publishing while no webhook is set", async () => {
    const { code, out } = await cli("churn-model", "--tag", "stage=candidate");
    expect(out).toContain("Registered churn-model:13 in workspace demo.");
    expect(out).toContain("No events webhook is set");
    expect(code).toBe(1);
    expect(received).toEqual([]);
  });

  it("publishes the event to the webhook, as Event Grid delivers it, with the secret of the URL kept out of what it prints", async () => {
    emulator.events.setWebhook({ url: hookUrl });
    const { code, out } = await cli("fraud-model", "--tag", "stage=candidate", "--tag", "owner=risk");
    expect(code).toBe(0);
    expect(out).toContain("Registered fraud-model:6 in workspace demo.");
    expect(out).toContain("delivered to http://127.0.0.1:");
    expect(out).not.toContain("secret-in-the-url");
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe("/api/events?code=secret-in-the-url");
    const parsed = await parseEventGridDelivery(received[0]!.body, new Date());
    expect(parsed).toMatchObject({
      ok: true,
      kind: "events",
      schema: "eventgrid",
      events: [{ kind: "model-registered", model: "fraud-model", version: "6", tags: { stage: "candidate", owner: "risk" }, resource: { workspace: "demo", resourceGroup: "ml-rg" } }],
    });
  });

  it("refuses a version that exists and publishes nothing", async () => {
    const before = received.length;
    const { code, out } = await cli("fraud-model", "--version", "5");
    expect(code).toBe(1);
    expect(out).toContain("409");
    expect(received).toHaveLength(before);
  });

  it("is pointed at a host through its control route when it runs in another process (npm run emulator)", async () => {
    emulator.events.setWebhook(undefined);
    await connectEmulatorEvents({ url: emulator.url, ca: emulator.ca }, eventsWebhookUrl("http://127.0.0.1:7071", "a secret/with?odd=chars"));
    expect(emulator.events.webhook?.url).toBe("http://127.0.0.1:7071/api/events?code=a%20secret%2Fwith%3Fodd%3Dchars");
    emulator.events.setWebhook({ url: hookUrl });
  });

  it("explains its usage", async () => {
    expect((await cli()).out).toContain("Usage: npm run aml -- register-model <name>");
    expect((await cli("m", "--tag", "novalue")).code).toBe(2);
  });
});
