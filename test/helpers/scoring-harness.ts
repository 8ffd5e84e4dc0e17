/**
 * The real core for the scoring verbs: `createApp` with its real ScoringClient, the real `@azure/identity`
 * credential against a fresh AML emulator, and the real ARM SDK client for `listKeys` / `token`. Every reply
 * and every log line is kept (logs unredacted, as the code handed them over) so tests can prove that no key or
 * token the emulator issued ever shows up in either.
 */
import type { Actor } from "../../commands/invocation.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { Reply } from "../../commands/reply.js";
import { createApp, type App, type AppOverrides } from "../../src/compose.js";
import { loadConfig } from "../../src/config/config.js";
import { memoryStores } from "../../src/memory/memory-stores.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario, type EmulatorScenario } from "../../tools/emulator/scenario.js";
import { command, OPERATOR, TEST_POLICY, textOf } from "./core-harness.js";

/** The default scenario plus `doc-classifier` (AADToken), whose deployment gives up after 300 ms. */
export function scoringScenario(): EmulatorScenario {
  const scenario = defaultScenario();
  scenario.workspaces[0]!.endpoints.push({
    name: "doc-classifier",
    authMode: "AADToken",
    traffic: { "v1-base": 100 },
    deployments: [
      {
        name: "v1-base",
        model: "azureml:doc-model:1",
        instanceType: "Standard_DS3_v2",
        capacity: 1,
        requestSettings: { requestTimeout: "PT0.3S" },
        scoring: { model: { weights: [1, 1], bias: 0 }, latencyMs: 2 },
      },
    ],
  });
  return scenario;
}

export const SKLEARN_JSON = '{"data": [[1,2,3,4,5,6,7,8,9,10], [10,9,8,7,6,5,4,3,2,1]]}';

export interface ScoringHarness {
  readonly emulator: RunningAmlEmulator;
  readonly app: App;
  readonly logs: string[];
  readonly replies: Reply[];
  run(text: string, actor?: Actor): Promise<Reply>;
  /** Changes an endpoint's traffic as another user would (no LRO), for routing tests. */
  setTraffic(endpoint: string, traffic: Record<string, number>, mirrorTraffic?: Record<string, number>): void;
  /** Every reply and log line so far, as one text. */
  everything(): string;
  close(): Promise<void>;
}

export async function startScoringHarness(options: { overrides?: AppOverrides } = {}): Promise<ScoringHarness> {
  const emulator = await startAmlEmulator({ scenario: scoringScenario(), lroDelayInMs: 20, tlsCacheDir: false });
  const config = loadConfig({ AML_EMULATOR_URL: emulator.url, AML_EMULATOR_CA_FILE: "emulator-ca.pem", AML_LRO_POLL_MS: "15" }, () => emulator.ca);
  const logs: string[] = [];
  const replies: Reply[] = [];
  const app = createApp({ ...config, file: { ...config.file, policy: TEST_POLICY } }, { ...memoryStores(), logger: capturingLogger(logs), ...options.overrides });
  return {
    emulator,
    app,
    logs,
    replies,
    async run(text, actor = OPERATOR) {
      const reply = await app.core.execute(command(text, actor));
      replies.push(reply);
      return reply;
    },
    setTraffic(endpoint, traffic, mirrorTraffic = {}) {
      const { subscriptionId, resourceGroup } = emulator.scenario;
      const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/${endpoint}`;
      emulator.faults.mutate(id, (spec) => {
        const properties = spec["properties"] as Record<string, unknown>;
        properties["traffic"] = traffic;
        properties["mirrorTraffic"] = mirrorTraffic;
      });
    },
    everything: () => [...replies.map((r) => `${textOf(r)}\n${JSON.stringify(r)}`), ...logs].join("\n"),
    close: () => emulator.close(),
  };
}

/** Keeps log lines exactly as handed over: no redaction, so a leak would show. */
export function capturingLogger(lines: string[]): Logger {
  const write = (level: string) => (message: string, fields: Record<string, unknown> = {}) => {
    lines.push(JSON.stringify({ level, message, ...fields }, (_key, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message, stack: value.stack, cause: String(value.cause) } : value)));
  };
  return { info: write("info"), warn: write("warn"), error: write("error") };
}

/** JWT-shaped strings: any token that reached a reply or a log line. */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/;
