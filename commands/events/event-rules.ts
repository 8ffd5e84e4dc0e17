/**
 * What a workspace wants to hear from its Azure ML events (the config's `events` entries): which registered models
 * to propose for deployment (a name pattern, tags such as `stage=candidate`) and to which endpoint by default,
 * whether drift alerts and run lines are on, and quiet hours in which nothing is posted (events wait for their end).
 * Pure: the clock is an argument.
 */
import { localDateTime, zonedInstant } from "../digest/zoned-time.js";
import type { ModelRegisteredEvent, WorkspaceEvent } from "./workspace-event.js";

export interface ModelRule {
  /** A model name, `*` matching any run of characters (`fraud-*`); absent: any model. */
  readonly name?: string;
  /** Every one of these tags, with these values (`{ "stage": "candidate" }`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** The endpoint its Deploy button names first, whether or not it runs the model yet. */
  readonly endpoint?: string;
}

export interface QuietHours {
  /** `22:00`: local time in `timeZone`; the quiet spans midnight when `to` is earlier than `from`. */
  readonly from: { readonly hour: number; readonly minute: number };
  readonly to: { readonly hour: number; readonly minute: number };
  readonly timeZone: string;
}

export interface WorkspaceEventRules {
  /** Workspace alias. */
  readonly workspace: string;
  /** Models to propose; absent: every registered model is proposed. */
  readonly models?: readonly ModelRule[];
  /** DatasetDriftDetected alerts (default on). */
  readonly drift?: boolean;
  /** RunCompleted / RunStatusChanged lines (default off). */
  readonly runs?: boolean;
  readonly quietHours?: QuietHours;
}

/** Whether the workspace's rules let this kind of event through (before quiet hours). */
export function wantsEvent(rules: WorkspaceEventRules | undefined, event: WorkspaceEvent): boolean {
  switch (event.kind) {
    case "model-registered":
      return !rules?.models || modelRuleFor(rules, event) !== undefined;
    case "dataset-drift":
      return rules?.drift ?? true;
    case "run":
      return rules?.runs ?? false;
  }
}

/** The first model rule the event matches, if the workspace has model rules. */
export function modelRuleFor(rules: WorkspaceEventRules | undefined, event: ModelRegisteredEvent): ModelRule | undefined {
  return rules?.models?.find((rule) => matchesName(rule.name, event.model) && Object.entries(rule.tags ?? {}).every(([k, v]) => event.tags[k] === v));
}

function matchesName(pattern: string | undefined, name: string): boolean {
  if (pattern === undefined) return true;
  const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return regex.test(name);
}

/** How long until the quiet hours that hold `now` end; 0 outside them (or without any). */
export function quietFor(quiet: QuietHours | undefined, now: Date): number {
  if (!quiet) return 0;
  const local = localDateTime(now, quiet.timeZone);
  const minutes = local.hour * 60 + local.minute;
  const from = quiet.from.hour * 60 + quiet.from.minute;
  const to = quiet.to.hour * 60 + quiet.to.minute;
  const inside = from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
  if (!inside) return 0;
  // The end is today's `to`, or tomorrow's when the quiet spans midnight and started today.
  const endsTomorrow = from > to && minutes >= from;
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + (endsTomorrow ? 1 : 0)));
  const end = zonedInstant({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() }, quiet.to.hour, quiet.to.minute, quiet.timeZone);
  return Math.max(0, end.getTime() - now.getTime());
}
