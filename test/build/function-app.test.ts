/**
 * The deployment package runs: the files `npm run package` zips, unpacked outside the repository (so nothing
 * resolves from its node_modules), loaded by the bench's stand-in for the Azure Functions Node worker
 * (bench/functions-worker.ts: `@azure/functions-core`, package.json `main`, the programming model's invocations),
 * against Azurite, the AML emulator and the Slack and Teams stand-ins. A slash command is acked and its job, run
 * from the queue trigger, answers through the response URL (the lazily loaded ARM chunk, Bolt without the parts the
 * bundle leaves out); a Teams message is answered (the botbuilder chunk); an Event Grid delivery is read (the
 * @azure/eventgrid chunk); health answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServices, type BenchServices } from "../../bench/services.js";
import { postSlack, signedSlashCommand } from "../../bench/slack-client.js";
import { LOCAL_EVENTS_SECRET, LOCAL_USERS } from "../../src/config/local-defaults.js";
import { readSharedFixture } from "../helpers/shared-fixtures.js";
import { teamsMessageActivity } from "../../tools/local/teams-activities.js";
import { findFreePort } from "../../tools/azurite.js";
import { bundleFunctions } from "../../scripts/functions-bundle.js";
import { appPackageFiles, writeAppFolder } from "../../scripts/package-files.js";

const WORK = join(tmpdir(), `aml-chatops-app-test-${process.pid}`);
const APP = join(WORK, "app");

let services: BenchServices;
let worker: ChildProcess;
let port: number;
const output: string[] = [];

beforeAll(async () => {
  const bundle = await bundleFunctions({ outdir: join(WORK, "stage") });
  await writeAppFolder(APP, await appPackageFiles(process.cwd(), bundle));
  services = await startServices();
  port = await findFreePort();
  worker = spawn(process.execPath, ["--import", "tsx", "bench/functions-worker.ts"], {
    env: { ...services.hostEnv({ BENCH_APP_DIR: APP, BENCH_WORKER: "on", PORT: String(port) }), BENCH_PARENT_PID: String(process.pid) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [worker.stdout!, worker.stderr!]) stream.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
  const deadline = Date.now() + 60_000;
  while (!output.join("").includes('"standIn"')) {
    if (worker.exitCode !== null || Date.now() > deadline) throw new Error(`the worker stand-in did not start:\n${output.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 180_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill("SIGKILL");
    await new Promise((resolve) => worker.once("exit", resolve));
  }
  await services?.close();
  await rm(WORK, { recursive: true, force: true });
}, 60_000);

describe("the deployment package in a Functions worker stand-in", () => {
  it("registers every trigger of the entries: the HTTP routes, the queue and the timer", () => {
    const line = output.join("").split("\n").find((l) => l.startsWith('{"standIn"'))!;
    expect((JSON.parse(line) as { standIn: { functions: string[] } }).standIn.functions.sort()).toEqual(["alerts", "charts", "digestTimer", "events", "health", "jobs", "slackEvents", "teamsMessages"]);
  });

  it("acks a slash command, and its job answers through the response URL", async () => {
    const responseUrl = services.slack.responseUrl(`bundle-${Date.now()}`, { channel: "C0BUNDLE" });
    const answer = await postSlack(port, signedSlashCommand("show fraud-scorer", services.signingSecret, responseUrl), false, 60_000);
    expect(answer.status, output.join("")).toBe(200);
    expect(answer.body).toContain("⏳");
    services.slack.recordAck(responseUrl, answer.body);
    const result = await services.slack.waitFor((messages) => messages.find((m) => m.channel === "C0BUNDLE" && !m.text.includes("⏳") && m.text.includes("fraud-scorer")), 60_000);
    expect(result.text).toContain("fraud-scorer");
  }, 120_000);

  it("answers a Teams message with the help card", async () => {
    const conversationId = `a:bundle-${Date.now()}`;
    const body = JSON.stringify(teamsMessageActivity({ text: "aml help", serviceUrl: services.teams.url, user: { aadObjectId: LOCAL_USERS.admin.teams }, conversationId }));
    const res = await fetch(`http://127.0.0.1:${port}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status, output.join("")).toBe(200);
    expect(services.teams.messages.some((m) => m.conversationId === conversationId)).toBe(true);
  }, 120_000);

  it("reads Event Grid deliveries with the bundled @azure/eventgrid: a subscription's validation, then an event queued", async () => {
    const url = `http://127.0.0.1:${port}/api/events?code=${LOCAL_EVENTS_SECRET}`;
    const validation = [{ id: "v1", topic: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w", subject: "", eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", eventTime: "2026-12-03T06:00:00Z", data: { validationCode: "code-1" }, dataVersion: "1", metadataVersion: "1" }];
    const answer = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(validation) });
    expect(answer.status, output.join("")).toBe(200);
    expect(await answer.json()).toEqual({ validationResponse: "code-1" });
    const event = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: readSharedFixture("azure/eventgrid-ml-2021.DatasetDriftDetected.eventgrid-schema.json") });
    expect(await event.json()).toEqual({ queued: 1, ignored: 0 });
  }, 60_000);

  it("answers health", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", mode: "local" });
  });
});
