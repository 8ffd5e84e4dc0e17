/**
 * The kill -9 matrix: a function host is SIGKILLed at each step of an Apply (before the endpoint is read,
 * between the read and the PUT, while the PUT is on the wire, while the operation is polled, while the final
 * message is on its way), and a new host is started on the same storage. Each time: one final message in chat,
 * within 90 s of the kill, that matches the endpoint; exactly one write accepted by Azure ML; the mirror kept.
 * The hosts run as the Functions host would (a message a killed host received stays invisible for 10 minutes),
 * so only the job's watchdog copy can bring it back in time.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LOCAL_SLACK } from "../../src/config/config.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import type { RecordedSlackMessage } from "../../tools/local/slack-api.stand-in.js";
import { signedSlackHeaders, slashCommandForm } from "../../tools/local/slack-signer.js";
import { HostProcesses, type HostProcess } from "../helpers/host-process.js";
import { buttonClick, interactionBody } from "../helpers/slack-requests.js";
import { ReliabilityLog } from "./reliability-log.js";

const USER = "U0LOCALADMIN";
const TARGET = /fraud-scorer now blue=30 green=70/;
const RECOVERY_LIMIT_IN_MS = 90_000;
/** fraud-scorer gets a third deployment that is mirrored: a traffic change must leave the mirror as it is. */
const MIRROR = { red: 10 };

let stack: LocalStack;
let env: Record<string, string>;
const hosts = new HostProcesses();
const log = new ReliabilityLog("kill-matrix");

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "aml-kill-"));
  const scenario = defaultScenario();
  const endpoint = scenario.workspaces[0]!.endpoints[0]!;
  endpoint.deployments!.push({ name: "red", model: "azureml:fraud-model:5", instanceType: "Standard_DS3_v2", capacity: 1 });
  endpoint.mirrorTraffic = MIRROR;
  await writeFile(join(dir, "scenario.json"), JSON.stringify(scenario));
  stack = await startLocalStack({
    ports: { host: 0 },
    emulatorLroDelayInMs: 300,
    logger: { info() {}, warn() {}, error() {} },
    env: { AML_LRO_POLL_MS: "50", AML_EMULATOR_SCENARIO: join(dir, "scenario.json") },
  });
  await writeFile(join(dir, "ca.pem"), stack.emulator.ca);
  env = {
    AML_MODE: "local",
    AzureWebJobsStorage: stack.azurite.connectionString,
    AML_EMULATOR_URL: stack.emulator.url,
    AML_EMULATOR_CA_FILE: join(dir, "ca.pem"),
    SLACK_API_URL: stack.slack.url,
    AML_JOB_QUEUE: "kill-jobs",
    AML_JOB_LEASE_SECONDS: "5",
    AML_LOCAL_VISIBILITY_TIMEOUT_MS: "600000",
    AML_LOCAL_MAX_POLL_MS: "200",
    AML_LRO_POLL_MS: "50",
  };
}, 60_000);
afterAll(async () => {
  hosts.killAll();
  log.flush();
  await stack?.close();
});

async function post(host: HostProcess, body: string): Promise<Response> {
  return fetch(`${host.url}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body });
}

/** The preview posted by the host's worker, and its Apply button's change id. */
async function preview(host: HostProcess, channel: string): Promise<{ ts: string; changeId: string }> {
  const responseUrl = stack.slack.responseUrl(`preview-${channel}`, { channel, user: USER });
  const body = slashCommandForm({ command: "/aml", text: "traffic fraud-scorer blue=30 green=70", userId: USER, channelId: channel, responseUrl });
  stack.slack.recordAck(responseUrl, await (await post(host, body)).text());
  return stack.slack.waitFor((messages) => {
    for (const m of messages) {
      const apply = m.channel === channel && !m.deleted ? applyButtonOf(m) : undefined;
      if (apply) return { ts: m.ts, changeId: apply };
    }
    return undefined;
  }, 20_000);
}

function applyButtonOf(message: RecordedSlackMessage): string | undefined {
  for (const block of message.blocks as { type?: string; elements?: { action_id?: string; value?: string }[] }[]) {
    const apply = block.type === "actions" ? block.elements?.find((e) => e.action_id === "apply") : undefined;
    if (apply?.value) return apply.value;
  }
  return undefined;
}

async function click(host: HostProcess, channel: string, messageTs: string, changeId: string): Promise<number> {
  const responseUrl = stack.slack.responseUrl(`click-${channel}`, { channel, user: USER, original: messageTs });
  const payload = buttonClick({ actionId: "apply", value: changeId, userId: USER, channelId: channel, responseUrl, messageTs, triggerId: `trigger-${channel}` });
  return (await post(host, interactionBody(payload))).status;
}

function acceptedPuts(): number {
  return stack.emulator.requests.filter((r) => r.method === "PUT" && /onlineEndpoints\/fraud-scorer$/i.test(r.path) && r.status >= 200 && r.status < 300).length;
}

function inChannel(channel: string, pattern: RegExp): RecordedSlackMessage[] {
  return stack.slack.messages.filter((m) => m.channel === channel && !m.deleted && pattern.test(m.text));
}

interface Step {
  readonly name: string;
  /** Makes the step last long enough to kill the host in it. */
  arm(): void;
  /** True once the host is in the step. */
  reached(changeId: string): boolean | Promise<boolean>;
}

const latencyTaken = (): boolean => stack.emulator.faults.snapshot().latency.length === 0;
const STEPS: readonly Step[] = [
  { name: "before the read", arm: () => stack.emulator.faults.addLatency({ method: "GET", path: "onlineEndpoints/fraud-scorer$", ms: 30_000, count: 1 }), reached: latencyTaken },
  {
    name: "between the read and the PUT",
    arm: () => stack.emulator.faults.addLatency({ method: "GET", path: "onlineEndpoints/fraud-scorer$", ms: 30_000, count: 1, after: 1 }),
    reached: latencyTaken,
  },
  { name: "while the PUT is on the wire", arm: () => stack.emulator.faults.addLatency({ method: "PUT", path: "onlineEndpoints/fraud-scorer$", ms: 4_000, count: 1 }), reached: latencyTaken },
  { name: "while polling the operation", arm: () => stack.emulator.faults.addLatency({ method: "GET", path: "mfeOperationsStatus", ms: 30_000, count: 1 }), reached: latencyTaken },
  {
    name: "while the final message is sent",
    arm: () => stack.slack.holdNextResponse({ textIncludes: "fraud-scorer now blue=30 green=70", ms: 3_000 }),
    // The change is recorded applied: what is left is the audit line and the message (held on the wire).
    reached: async (changeId) => (await stack.runtime.app.deps.pending.get(changeId))?.state === "applied",
  },
];

describe("a host killed at each step of an Apply", () => {
  let host: HostProcess;
  beforeAll(async () => {
    host = await hosts.start(env);
  }, 30_000);

  STEPS.forEach((step, index) => {
    it(`${step.name}: one true final message within 90 s, one write`, async () => {
      const channel = `C0KILL${index}`;
      stack.emulator.reset();
      const shown = await preview(host, channel);
      stack.emulator.requests.length = 0;
      step.arm();
      expect(await click(host, channel, shown.ts, shown.changeId)).toBe(200);
      await vi.waitFor(async () => expect(await step.reached(shown.changeId)).toBe(true), { timeout: 20_000, interval: 20 });
      host.child.kill("SIGKILL");
      const killedAt = Date.now();
      host = await hosts.start(env);
      await stack.slack.waitFor(() => inChannel(channel, TARGET).length > 0, RECOVERY_LIMIT_IN_MS);
      const seconds = (Date.now() - killedAt) / 1000;
      // Anything still to come (a second final message, a second write) would arrive in this time.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const endpoint = await stack.runtime.app.deps.endpoints.getEndpoint(stack.runtime.app.deps.workspaces[0]!, "fraud-scorer");
      const azure = endpoint?.traffic["blue"] === 30 && endpoint.traffic["green"] === 70 && !endpoint.traffic["red"] ? "applied" : "other";
      const messages = inChannel(channel, TARGET).length;
      const failures = inChannel(channel, /Something went wrong|Not applied|Nothing to do/).length;
      log.add({
        command: "traffic (Apply), host SIGKILLed",
        fault: step.name,
        said: messages === 1 && failures === 0 ? "applied" : "other",
        azure,
        finalMessages: messages,
        acceptedWrites: acceptedPuts(),
        mirrorKept: JSON.stringify(endpoint?.mirrorTraffic) === JSON.stringify(MIRROR),
        seconds,
      });
      expect(messages).toBe(1);
      expect(failures).toBe(0);
      expect(azure).toBe("applied");
      expect(acceptedPuts()).toBe(1);
      expect(seconds * 1000).toBeLessThan(RECOVERY_LIMIT_IN_MS);
    }, 150_000);
  });
});
