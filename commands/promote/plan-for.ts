/**
 * The plan `aml promote` runs on an endpoint. Each part comes from the first of these that gives it:
 *   1. the command (`--steps`, `--gate`);
 *   2. the `policy.promotions` entry naming the endpoint;
 *   3. the workspace-wide `policy.promotions` entry (no `endpoints`);
 *   4. the built-in defaults below.
 * Part by part, so an endpoint's entry can change only its steps and keep the workspace's gates. The config's
 * strings were checked at start-up, but they are parsed again here, as a policy can also be handed in whole.
 */
import type { PolicyConfig } from "../policy.js";
import { parseGates } from "./parse-gates.js";
import { parseSteps } from "./parse-steps.js";
import type { PromotionDefaults } from "./promotion-defaults.js";
import type { PromotionPlan, RetireMode } from "./promotion-plan.js";

/** A shadow stage, then 10 % and 50 % live: Azure ML's safe-rollout recipe with holds long enough for p99s. */
export const DEFAULT_STEPS = "mirror 10% 15m, 10% 15m, 50% 30m, 100%";
/**
 * 4xx too: Azure ML answers 424 when the model container fails and 408 when it is too slow, so a crashing candidate
 * shows in client errors, not in 5xx. Bounds against the baseline, so the clients' own bad requests cancel out.
 */
export const DEFAULT_GATES = "p99 <= 1.2x, 5xx <= baseline + 0.5pt, 4xx <= baseline + 1pt";
/** With 100 requests one stray error moves a share by 1 point, not 5: a healthy candidate is rarely reverted by chance. */
export const DEFAULT_MIN_REQUESTS = 100;
export const DEFAULT_MAX_EXTENSIONS = 1;
export const DEFAULT_SOAK_MINUTES = 30;

export const BUILT_IN = "built-in defaults";
export const FROM_COMMAND = "the command";

export type PlanResult = { readonly ok: true; readonly plan: PromotionPlan; readonly source: string } | { readonly ok: false; readonly message: string };

/** What a layer can give: the command gives steps and gates only. */
type Settings = Omit<PromotionDefaults, "workspace" | "endpoints">;

interface Layer {
  readonly source: string;
  readonly values: Settings;
}

export function planFor(
  policy: PolicyConfig,
  workspace: string,
  endpoint: string,
  given: { readonly steps?: string; readonly gates?: string; readonly retire?: RetireMode },
): PlanResult {
  const entries = (policy.promotions ?? []).filter((p) => p.workspace === workspace);
  const forEndpoint = entries.find((p) => p.endpoints?.some((e) => e.toLowerCase() === endpoint.toLowerCase()));
  const forWorkspace = entries.find((p) => p.endpoints === undefined);
  const layers: Layer[] = [
    { source: FROM_COMMAND, values: { ...(given.steps !== undefined ? { steps: given.steps } : {}), ...(given.gates !== undefined ? { gates: given.gates } : {}) } },
    ...(forEndpoint ? [{ source: `policy.promotions for ${endpoint} in ${workspace}`, values: forEndpoint }] : []),
    ...(forWorkspace ? [{ source: `policy.promotions for ${workspace}`, values: forWorkspace }] : []),
  ];
  const pick = <K extends keyof Settings>(key: K): { value: NonNullable<Settings[K]>; source: string } | undefined => {
    for (const layer of layers) {
      const value = layer.values[key];
      if (value !== undefined && value !== null) return { value, source: layer.source };
    }
    return undefined;
  };

  const stepsFrom = pick("steps") ?? { value: DEFAULT_STEPS, source: BUILT_IN };
  const gatesFrom = pick("gates") ?? { value: DEFAULT_GATES, source: BUILT_IN };
  const steps = parseSteps(stepsFrom.value);
  if (!steps.ok) return { ok: false, message: stepsFrom.source === FROM_COMMAND ? `--steps: ${steps.message}` : `The steps of ${stepsFrom.source}: ${steps.message}` };
  const gates = parseGates(gatesFrom.value);
  if (!gates.ok) return { ok: false, message: gatesFrom.source === FROM_COMMAND ? `--gate: ${gates.message}` : `The gates of ${gatesFrom.source}: ${gates.message}` };

  const soakMinutes = pick("soakMinutes")?.value ?? DEFAULT_SOAK_MINUTES;
  const plan: PromotionPlan = {
    steps: steps.steps,
    gates: gates.gates,
    minRequests: pick("minRequests")?.value ?? DEFAULT_MIN_REQUESTS,
    maxExtensions: pick("maxExtensions")?.value ?? DEFAULT_MAX_EXTENSIONS,
    ...(given.retire ? { retire: { soakInMs: soakMinutes * 60_000, mode: given.retire } } : {}),
  };
  // The card names where the steps and gates came from; the numbers beside them follow the same entries.
  const source = stepsFrom.source === gatesFrom.source ? stepsFrom.source : `steps from ${stepsFrom.source}, gates from ${gatesFrom.source}`;
  return { ok: true, plan, source };
}
