/**
 * Every change freeze as one list of windows: the ones made in chat (`aml freeze`, stored through `Freezes`) and the
 * config file's weekly ones, each with its current or next window. The freeze check and `aml freezes` both read it.
 */
import type { CoreDeps } from "../core-deps.js";
import { describeLocal } from "../digest/digest-schedule.js";
import type { OperationOptions } from "../ports/operation-options.js";
import { describeRecurring, weeklyWindow } from "./weekly-freeze.js";

export interface FreezeWindow {
  readonly workspace: string;
  /** The endpoints it covers; every endpoint of the workspace when absent. */
  readonly endpoints?: readonly string[];
  readonly from: Date;
  readonly until: Date;
  /** In force at the instant asked about (else it is the next window). */
  readonly active: boolean;
  readonly reason: string;
  /** Who froze it, as people read it. */
  readonly by: string;
  readonly timeZone: string;
  /** The stored freeze's id (`aml unfreeze` removes it); absent for the config's weekly freezes. */
  readonly id?: string;
  /** `weekly Fri 16:00 → Mon 08:00 Europe/Paris` for the config's. */
  readonly recurring?: string;
}

export const CONFIG_FREEZER = "the config file (policy.freezes)";

/** Windows in force at `now` or later, by start; `workspace` narrows them to one workspace. */
export async function freezeWindows(deps: Pick<CoreDeps, "freezes" | "policy">, now: Date, options: OperationOptions & { readonly workspace?: string } = {}): Promise<FreezeWindow[]> {
  const workspace = options.workspace?.toLowerCase();
  const stored = await deps.freezes.list({ ...(workspace !== undefined ? { workspace } : {}), abortSignal: options.abortSignal });
  const windows: FreezeWindow[] = stored
    .filter((f) => f.until > now)
    .map((f) => ({
      workspace: f.workspace,
      ...(f.endpoint !== undefined ? { endpoints: [f.endpoint] } : {}),
      from: f.from,
      until: f.until,
      active: f.from <= now,
      reason: f.reason,
      by: f.by,
      timeZone: f.timeZone,
      id: f.id,
    }));
  for (const rule of deps.policy.freezes ?? []) {
    if (workspace !== undefined && rule.workspace.toLowerCase() !== workspace) continue;
    const window = weeklyWindow(rule, now);
    windows.push({
      workspace: rule.workspace.toLowerCase(),
      ...(rule.endpoints ? { endpoints: rule.endpoints } : {}),
      ...window,
      reason: rule.reason,
      by: CONFIG_FREEZER,
      timeZone: rule.timeZone,
      recurring: describeRecurring(rule),
    });
  }
  return windows.sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** Whether the window covers this endpoint of this workspace. */
export function covers(window: FreezeWindow, workspace: string, endpoint: string): boolean {
  if (window.workspace !== workspace.toLowerCase()) return false;
  return window.endpoints === undefined || window.endpoints.some((e) => e.toLowerCase() === endpoint.toLowerCase());
}

/** `workspace demo`, `churn-model (demo)`. */
export function scopeOf(window: Pick<FreezeWindow, "workspace" | "endpoints">): string {
  return window.endpoints ? `${window.endpoints.join(", ")} (${window.workspace})` : `workspace ${window.workspace}`;
}

/** `Mon 2026-11-30 08:00 Europe/Paris (07:00 UTC)`, or `Mon 2026-11-30 08:00 UTC`. */
export function describeAt(instant: Date, timeZone: string): string {
  const utc = describeLocal(instant, "UTC");
  if (timeZone === "UTC") return `${utc} UTC`;
  return `${describeLocal(instant, timeZone)} ${timeZone} (${utc.slice(-5)} UTC)`;
}

/** One line per window, as refusals say them: `workspace demo is frozen until … by alice: release week.` */
export function describeFreeze(window: FreezeWindow): string {
  return `${scopeOf(window)} is frozen until ${describeAt(window.until, window.timeZone)}, by ${window.by}: ${window.reason}.`;
}
