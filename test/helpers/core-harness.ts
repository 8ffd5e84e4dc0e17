/**
 * The real command core, wired by the real composition root, with the real ARM port pointed at a fresh AML
 * emulator. Only the clock and ids are fixed, and stores are in memory (the core's own unit-test fakes, handed to
 * the root explicitly).
 */
import type { CommandCore } from "../../commands/command-core.js";
import type { Actor, ActionInvocation, CommandInvocation } from "../../commands/invocation.js";
import type { PolicyConfig } from "../../commands/policy.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { ChannelNotifier } from "../../commands/ports/channel-notifier.port.js";
import type { Reply } from "../../commands/reply.js";
import { createApp, type App } from "../../src/compose.js";
import { loadConfig } from "../../src/config/config.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario, type EmulatorScenario } from "../../tools/emulator/scenario.js";
import { MemoryAuditLog } from "../../src/memory/memory.audit-log.js";
import { memoryStores } from "../../src/memory/memory-stores.js";

export interface CoreHarness {
  readonly emulator: RunningAmlEmulator;
  readonly app: App;
  readonly core: CommandCore;
  readonly audit: MemoryAuditLog;
  readonly clock: { now(): Date; advance(ms: number): void };
  close(): Promise<void>;
}

export const OPERATOR: Actor = { platform: "slack", userId: "UOPS", displayName: "ops", groups: [] };
export const VIEWER: Actor = { platform: "slack", userId: "UVIEW", displayName: "viewer", groups: [] };
export const ADMIN: Actor = { platform: "teams", userId: "aad-admin", groups: ["aad-admins"] };

export const TEST_POLICY: PolicyConfig = {
  defaultRole: "viewer",
  bindings: [
    { role: "operator", users: ["slack:UOPS"] },
    { role: "admin", groups: ["teams:aad-admins"] },
  ],
};

export interface CoreHarnessOptions {
  readonly scenario?: EmulatorScenario;
  readonly policy?: PolicyConfig;
  readonly notifier?: ChannelNotifier;
  /** How long a new deployment provisions in the emulator (default: its LRO delay, 30 ms). */
  readonly provisionDelayInMs?: number;
  /**
   * The real clock instead of a fixed one: for tests whose follow-ups run after real delays and read metrics the
   * emulator keeps in real time (a promotion's steps). `advance` then does nothing.
   */
  readonly realClock?: boolean;
  /** Environment beyond the harness's own (e.g. AML_PROMOTION_TIME_SCALE). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startCoreHarness(options: CoreHarnessOptions = {}): Promise<CoreHarness> {
  const emulator = await startAmlEmulator({
    scenario: options.scenario ?? defaultScenario(),
    lroDelayInMs: 30,
    tlsCacheDir: false,
    ...(options.provisionDelayInMs !== undefined ? { provisionDelayInMs: options.provisionDelayInMs } : {}),
  });
  // ARM retries as the SDK makes them (3 of a 5xx, exponential), from 20 ms instead of 1 s: "500 until the SDK gives up" takes 6 s otherwise.
  const env = { AML_EMULATOR_URL: emulator.url, AML_EMULATOR_CA_FILE: "emulator-ca.pem", AML_LRO_POLL_MS: "15", AML_FOLLOW_UP_INTERVAL_MS: "50", AML_ARM_RETRY_DELAY_MS: "20", ...options.env };
  const config = loadConfig(env, () => emulator.ca);
  let now = new Date("2026-11-25T09:00:00Z");
  const clock = options.realClock ? { now: () => new Date(), advance: () => {} } : { now: () => now, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
  let nextId = 0;
  const audit = new MemoryAuditLog();
  const app = createApp(
    { ...config, file: { ...config.file, policy: options.policy ?? TEST_POLICY } },
    { ...memoryStores(), audit, clock, ...(options.notifier ? { notifier: options.notifier } : {}), newId: () => `pending-${String(++nextId).padStart(4, "0")}`, logger: harnessLogger() },
  );
  return { emulator, app, core: app.core, audit, clock, close: () => emulator.close() };
}

let correlation = 0;

export function command(text: string, actor: Actor = OPERATOR, channel = "C1"): CommandInvocation {
  return { text, actor, channel: { platform: actor.platform, id: channel }, correlationId: `corr-${++correlation}` };
}

export function click(button: { verb: string; payloadId: string }, actor: Actor = OPERATOR, input?: string): ActionInvocation {
  return { verb: button.verb, payloadId: button.payloadId, actor, channel: { platform: actor.platform, id: "C1" }, correlationId: `corr-${++correlation}`, ...(input !== undefined ? { input } : {}) };
}

/** All the words of a reply, for assertions that do not depend on layout. */
export function textOf(reply: Reply): string {
  const parts: string[] = [reply.title ?? "", reply.summary, ...(reply.context ?? [])];
  for (const section of reply.sections) {
    if (section.kind === "text" || section.kind === "code") parts.push(section.text);
    if (section.kind === "fields") parts.push(...section.fields.map((f) => `${f.label}: ${f.value}`));
    if (section.kind === "table") parts.push(section.columns.join(" | "), ...section.rows.map((r) => r.join(" | ")));
    if (section.kind === "traffic") parts.push(section.label, ...section.bars.map((b) => `${b.deployment} ${b.before ?? b.percent}→${b.percent}`));
  }
  return parts.join("\n");
}

/** The live and mirror traffic the emulator really stores for an endpoint, read through the real port. */
export async function storedTraffic(harness: CoreHarness, endpoint: string): Promise<{ traffic: unknown; mirrorTraffic: unknown }> {
  const ws = harness.app.deps.workspaces[0]!;
  const found = await harness.app.deps.endpoints.getEndpoint(ws, endpoint);
  return { traffic: found?.traffic, mirrorTraffic: found?.mirrorTraffic };
}

export function armWrites(harness: CoreHarness): string[] {
  return harness.emulator.requests.filter((r) => ["PUT", "PATCH", "DELETE"].includes(r.method)).map((r) => `${r.method} ${r.path}`);
}

/**
 * Silent, unless CORE_HARNESS_LOG is set: then warnings and errors go to the console, which is where a "Something
 * went wrong" reply's cause is when a core test fails.
 */
function harnessLogger(): Logger {
  if (!process.env["CORE_HARNESS_LOG"]) return { info() {}, warn() {}, error() {} };
  return { info() {}, warn: (message, fields) => console.warn(message, fields), error: (message, fields) => console.error(message, fields) };
}
