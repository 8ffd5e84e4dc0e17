/**
 * npm start's emulator probe and its use by the local stack: an AML emulator already running (`npm run emulator`)
 * is used and left running; something else on its port is refused with a clear message; nothing there means the
 * stack starts its own.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SLACK } from "../../src/config/config.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { probeEmulator } from "../../tools/local/emulator-probe.js";
import { startLocalStack } from "../../tools/local/local-stack.js";
import { signedSlackHeaders, slashCommandForm } from "../../tools/local/slack-signer.js";
import { findFreePort } from "../../tools/azurite.js";

const quiet = { info() {}, warn() {}, error() {} };
let dir: string;
let caFile: string;
let emulator: RunningAmlEmulator;
let notTheEmulator: Server;
let notTheEmulatorUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aml-probe-"));
  // As `npm run emulator` in another terminal: its own process in real use, its own server here.
  emulator = await startAmlEmulator({ port: 0, lroDelayInMs: 30, tlsCacheDir: false });
  caFile = join(dir, "ca.pem");
  await writeFile(caFile, emulator.ca);
  notTheEmulator = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("hello"));
  await new Promise<void>((resolve) => notTheEmulator.listen(0, "127.0.0.1", resolve));
  notTheEmulatorUrl = `https://127.0.0.1:${(notTheEmulator.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  await emulator?.close();
  await new Promise((resolve) => notTheEmulator?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("probeEmulator", () => {
  it("recognises the emulator by its health route, over HTTPS with its CA", async () => {
    expect(await probeEmulator(`${emulator.url}/`, emulator.ca)).toEqual({ kind: "emulator", url: emulator.url });
  });

  it("reports nothing listening as absent", async () => {
    const url = `https://127.0.0.1:${await findFreePort()}`;
    expect(await probeEmulator(url, emulator.ca)).toEqual({ kind: "absent", url });
  });

  it("reports something else listening, and an emulator whose certificate cannot be checked, as other", async () => {
    expect(await probeEmulator(notTheEmulatorUrl, emulator.ca)).toMatchObject({ kind: "other", url: notTheEmulatorUrl });
    expect(await probeEmulator(emulator.url, undefined)).toEqual({
      kind: "other",
      url: emulator.url,
      detail: "its certificate cannot be checked: no emulator CA file was found",
    });
    expect(await probeEmulator(emulator.url.replace("https:", "http:"), emulator.ca)).toMatchObject({ kind: "other" });
  });
});

describe("npm start's stack with an emulator already running", () => {
  it("uses it instead of starting one, sends Azure calls to it, and leaves it running when it stops", async () => {
    const stack = await startLocalStack({
      ports: { host: 0 },
      logger: quiet,
      env: { AML_LRO_POLL_MS: "20" },
      maxPollIntervalInMs: 200,
      digestIntervalInMs: 0,
      runningEmulator: { urls: [`https://127.0.0.1:${await findFreePort()}`, emulator.url], caFile },
    });
    try {
      expect(stack.emulatorReused).toBe(true);
      expect(stack.emulator.url).toBe(emulator.url);
      const responseUrl = stack.slack.responseUrl("reuse-1", { channel: "C0REUSE", user: "U0LOCALADMIN" });
      const body = slashCommandForm({ command: "/aml", text: "traffic fraud-scorer blue=60 green=40 --yes", userId: "U0LOCALADMIN", channelId: "C0REUSE", responseUrl });
      const res = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body });
      expect(res.status).toBe(200);
      await stack.slack.waitFor((messages) => messages.find((m) => m.text.includes("fraud-scorer now blue=60 green=40")), 15_000);
      expect(emulator.requests.filter((r) => r.method === "PUT" && /onlineEndpoints\/fraud-scorer$/i.test(r.path))).toHaveLength(1);
    } finally {
      await stack.close();
    }
    // The bot stopped; Azure's side did not.
    expect(await probeEmulator(emulator.url, emulator.ca)).toMatchObject({ kind: "emulator" });
  }, 60_000);

  it("refuses to start, saying so, when something other than the emulator listens where it would be", async () => {
    await expect(startLocalStack({ ports: { host: 0 }, logger: quiet, runningEmulator: { urls: [notTheEmulatorUrl], caFile } })).rejects.toThrow(
      `Something other than the AML emulator listens at ${notTheEmulatorUrl}`,
    );
  });

  it("starts its own when none answers", async () => {
    const stack = await startLocalStack({
      ports: { host: 0 },
      logger: quiet,
      digestIntervalInMs: 0,
      runningEmulator: { urls: [`https://127.0.0.1:${await findFreePort()}`], caFile },
    });
    try {
      expect(stack.emulatorReused).toBe(false);
      expect(stack.emulator.url).not.toBe(emulator.url);
      expect(await probeEmulator(stack.emulator.url, stack.emulator.ca)).toMatchObject({ kind: "emulator" });
    } finally {
      await stack.close();
    }
  }, 60_000);
});
