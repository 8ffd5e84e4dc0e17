/**
 * The local stack as `npm start` runs it, driven over HTTP as Slack would: health, a signed slash command
 * through the Functions host, the queue worker, the emulator and the Slack stand-in. And a function host
 * killed in the middle of a job: another host finishes it, once.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LOCAL_SLACK } from "../../src/config/config.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { signedSlackHeaders, slashCommandForm } from "../../tools/local/slack-signer.js";
import { HostProcesses } from "../helpers/host-process.js";

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({
    ports: { host: 0 },
    emulatorLroDelayInMs: 30,
    logger: { info() {}, warn() {}, error() {} },
    env: { AML_LRO_POLL_MS: "20" },
    maxPollIntervalInMs: 200,
  });
}, 30_000);
afterAll(() => stack?.close());

async function sendSlashCommand(hostUrl: string, text: string, responseId: string): Promise<{ status: number; body: string; responseUrl: string }> {
  const responseUrl = stack.slack.responseUrl(responseId, { channel: "C0LOCAL", user: "U0LOCALADMIN" });
  const body = slashCommandForm({ command: "/aml", text, userId: "U0LOCALADMIN", channelId: "C0LOCAL", responseUrl });
  const res = await fetch(`${hostUrl}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body });
  const answer = await res.text();
  if (answer) stack.slack.recordAck(responseUrl, answer);
  return { status: res.status, body: answer, responseUrl };
}

function armPuts(): number {
  return stack.emulator.requests.filter((r) => r.method === "PUT" && /onlineEndpoints\/fraud-scorer$/i.test(r.path)).length;
}

describe("npm start's stack", () => {
  it("answers health once the runtime is up", async () => {
    const res = await fetch(`${stack.hostUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", mode: "local" });
  });

  it("changes traffic on the emulator through the signed Slack path and replaces the ack with the result", async () => {
    stack.emulator.reset();
    const started = Date.now();
    const ack = await sendSlashCommand(stack.hostUrl, "traffic fraud-scorer blue=80 green=20 --yes", "e2e-1");
    expect(ack.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(JSON.parse(ack.body)).toMatchObject({ response_type: "in_channel", text: "⏳ Shifting traffic on fraud-scorer…" });

    const final = await stack.slack.waitFor(
      (messages) => messages.find((m) => m.channel === "C0LOCAL" && m.text.includes("fraud-scorer now blue=80 green=20")),
      15_000,
    );
    expect(final.history.length).toBeGreaterThanOrEqual(1);
    expect(armPuts()).toBe(1);
  });

  it("refuses a request signed with another secret: 401 and nothing runs", async () => {
    stack.emulator.reset();
    const responseUrl = stack.slack.responseUrl("bad-sig");
    const body = slashCommandForm({ command: "/aml", text: "traffic fraud-scorer blue=0 green=100 --yes", userId: "U0LOCALADMIN", channelId: "C0LOCAL", responseUrl });
    const res = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, "not-the-secret"), body });
    expect(res.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stack.emulator.requests).toEqual([]);
  });
});

describe("a function host restarted in the middle of a job", () => {
  const hosts = new HostProcesses();
  afterAll(() => hosts.killAll());
  const startHost = (env: Record<string, string>) => hosts.start(env);

  it("completes the job once, on the host that comes back, within a lease and a margin of the kill", async () => {
    stack.emulator.reset();
    const dir = await mkdtemp(join(tmpdir(), "aml-restart-"));
    await writeFile(join(dir, "ca.pem"), stack.emulator.ca);
    const queueName = "restart-jobs";
    const env = {
      AML_MODE: "local",
      AzureWebJobsStorage: stack.azurite.connectionString,
      AML_EMULATOR_URL: stack.emulator.url,
      AML_EMULATOR_CA_FILE: join(dir, "ca.pem"),
      SLACK_API_URL: stack.slack.url,
      AML_JOB_QUEUE: queueName,
      AML_JOB_LEASE_SECONDS: "5",
      // As the Functions host: the message a killed host had received stays invisible for 10 minutes, so only the
      // watchdog copy (due a lease and 5 s after the claim) can bring the job back in time.
      AML_LOCAL_VISIBILITY_TIMEOUT_MS: "600000",
      AML_LOCAL_MAX_POLL_MS: "200",
      AML_LRO_POLL_MS: "20",
    };
    // The first host's read of the endpoint hangs long enough to kill it mid-job (it has claimed the job and
    // queued its watchdog), before anything changes.
    stack.emulator.faults.addLatency({ method: "GET", path: "onlineEndpoints/fraud-scorer$", ms: 6_000, count: 1 });
    const first = await startHost(env);
    const ack = await sendSlashCommand(first.url, "traffic fraud-scorer blue=70 green=30 --yes", "restart-1");
    expect(ack.status).toBe(200);
    await vi.waitFor(() => expect(stack.emulator.faults.snapshot().latency).toEqual([]), { timeout: 15_000, interval: 50 }); // the GET hangs
    first.child.kill("SIGKILL");
    const killedAt = Date.now();
    expect(armPuts()).toBe(0);

    await startHost(env);
    await stack.slack.waitFor((messages) => messages.find((m) => m.text.includes("fraud-scorer now blue=70 green=30")), 40_000);
    // The watchdog is due a lease and 5 s after the claim; the rest is the new host's first job (cold adapters).
    // It was 10 min 18 s with a 10-minute lease and no watchdog.
    const recoveredInMs = Date.now() - killedAt;
    expect(recoveredInMs).toBeLessThan(30_000);
    // The new claim's watchdog comes back, finds the job done and ends the chain: left in the queue is only the
    // killed host's message, still invisible (when it shows up it will find the job done too).
    const queue = stack.runtime.storage.queue(queueName);
    await vi.waitFor(async () => expect((await queue.getProperties()).approximateMessagesCount).toBe(1), { timeout: 15_000, interval: 250 });
    expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
    expect(armPuts()).toBe(1);
  }, 60_000);
});
