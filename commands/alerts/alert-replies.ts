/**
 * Autoscale bursts and Azure Monitor alerts as Replies, posted unprompted into a channel's thread for the
 * endpoint and day. Pure (no clock: every time shown comes from the event), so golden files replay.
 */
import { channelReply } from "../replies.js";
import type { Field, Reply, Section, Tone } from "../reply.js";
import { describeCondition } from "./alert-metric.js";
import type { AlertEvent } from "./monitor-event.js";
import type { ScaleBurst, ScaleStep } from "./scale-burst.js";

/** One thread per endpoint per UTC day: `alerts:<workspace>:<endpoint>:<YYYY-MM-DD>`. */
export function alertThreadKey(workspace: string, endpoint: string, at: Date | string): string {
  const day = (typeof at === "string" ? at : at.toISOString()).slice(0, 10);
  return `alerts:${workspace}:${endpoint}:${day}`.toLowerCase();
}

/** "blue scaled out 2 → 4 → 6 (CPU > 70 % for 5 min)": one line per deployment, its steps as a chain. */
export function scaleBurstReply(burst: ScaleBurst): Reply {
  const lines = byDeployment(burst.steps).map(([deployment, steps]) => ({ deployment, text: describeChain(steps), reason: reasons(steps) }));
  const plain = lines.map((l) => `${l.deployment} ${l.text}`).join("; ");
  const sections: Section[] = lines.map((l) => ({ kind: "text", text: `*${l.deployment}* ${l.text}${l.reason ? ` (${l.reason})` : ""}` }));
  const count = burst.steps.length;
  const when = count === 1 ? timeOfDay(burst.startedAt) : `${count} steps, ${timeOfDay(burst.startedAt)}–${timeOfDay(burst.lastAt, burst.startedAt)}`;
  // The setting is per deployment: named only when the burst is about one.
  const setting = burst.setting && lines.length === 1 ? ` · setting ${burst.setting}` : "";
  const context = [`Autoscale · workspace ${burst.workspace}${setting} · ${when} UTC`];
  return channelReply({
    title: `Autoscale: ${burst.endpoint}`,
    tone: "info",
    sections,
    context,
    threadKey: alertThreadKey(burst.workspace, burst.endpoint, burst.id),
    summary: `${burst.endpoint}: ${plain}`,
  });
}

export function alertReply(workspace: string, event: AlertEvent): Reply {
  const { resource } = event;
  const where = resource.deployment ? `*${resource.endpoint}* / *${resource.deployment}*` : `*${resource.endpoint}*`;
  const fired = event.state === "fired";
  const sections: Section[] =
    event.conditions.length > 0
      ? event.conditions.map((c) => ({ kind: "text", text: `${where}: ${describeCondition(c)}` }))
      : [{ kind: "text", text: `${where}: the alert ${fired ? "fired" : "resolved"}.` }];
  if (event.description) sections.push({ kind: "text", text: event.description });
  const fields: Field[] = [
    ...(event.severity ? [{ label: "Severity", value: event.severity }] : []),
    { label: "State", value: fired ? "Fired" : "Resolved" },
    ...(event.firedAt ? [{ label: "Fired", value: `${timeOfDay(event.firedAt.toISOString())} UTC` }] : []),
    ...(!fired ? [{ label: "Resolved", value: `${timeOfDay(event.at.toISOString(), event.firedAt?.toISOString())} UTC` }] : []),
  ];
  sections.push({ kind: "fields", fields });
  const target = resource.deployment ? `${resource.endpoint}/${resource.deployment}` : resource.endpoint;
  const first = event.conditions[0];
  return channelReply({
    title: `${fired ? "Alert" : "Resolved"}: ${event.rule}`,
    tone: fired ? toneOf(event.severity) : "success",
    sections,
    context: [`Azure Monitor · workspace ${workspace}`],
    threadKey: alertThreadKey(workspace, resource.endpoint, event.at),
    summary: `${fired ? "Alert fired" : "Alert resolved"} on ${target}: ${event.rule}${first ? ` · ${describeCondition(first)}` : ""}`,
  });
}

/** Sev0 and Sev1 are critical and error; the rest warn. */
function toneOf(severity: string | undefined): Tone {
  return severity === "Sev0" || severity === "Sev1" ? "error" : "warning";
}

function byDeployment(steps: readonly ScaleStep[]): [string, ScaleStep[]][] {
  const groups = new Map<string, ScaleStep[]>();
  for (const step of steps) groups.set(step.deployment, [...(groups.get(step.deployment) ?? []), step]);
  return [...groups.entries()];
}

/** "scaled out 2 → 4 → 6"; a capacity the payload did not give is "?"; no numbers at all: just the direction. */
function describeChain(steps: readonly ScaleStep[]): string {
  const directions = new Set(steps.map((s) => s.direction));
  const verb = directions.size === 1 ? `scaled ${steps[0]!.direction}` : "scaled";
  const chain = [steps[0]!.oldCapacity, ...steps.map((s) => s.newCapacity)];
  if (chain.every((c) => c === undefined)) return steps.length === 1 ? verb : `${verb} ${steps.length} times`;
  return `${verb} ${chain.map((c) => (c === undefined ? "?" : String(c))).join(" → ")}`;
}

function reasons(steps: readonly ScaleStep[]): string {
  return [...new Set(steps.map((s) => s.reason).filter((r): r is string => r !== undefined && r !== ""))].join("; ");
}

/** "07:31"; with the date when it is not the day of `sameDayAs`. */
function timeOfDay(iso: string, sameDayAs?: string): string {
  const time = iso.slice(11, 16);
  return sameDayAs !== undefined && sameDayAs.slice(0, 10) !== iso.slice(0, 10) ? `${iso.slice(0, 10)} ${time}` : time;
}
