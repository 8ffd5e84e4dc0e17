import type { TrafficSplit } from "./domain/endpoint.js";
import type { Reply, Section, TrafficBar } from "./reply.js";

/** Small builders for the replies every verb gives, so they look alike everywhere. */

export function channelReply(fields: Omit<Reply, "visibility" | "mode"> & Partial<Pick<Reply, "visibility" | "mode">>): Reply {
  return { visibility: "channel", mode: "new", ...fields };
}

/** A refusal or a mistake: shown to the requester only, says what is wrong and what to do. */
export function problemReply(title: string, problems: readonly string[], hint?: string): Reply {
  const sections: Section[] = problems.map((text) => ({ kind: "text", text }));
  if (hint) sections.push({ kind: "text", text: hint });
  return {
    title,
    tone: "error",
    sections,
    visibility: "requester",
    mode: "new",
    summary: `${title}: ${problems.join(" ")}`,
  };
}

/** What chat shows for a bug or an outage: no detail, only the correlation id that finds it in the logs. */
export function unexpectedFailureReply(correlationId: string): Reply {
  return problemReply(
    "Something went wrong",
    ["The command could not be completed. Nothing more is known to be changed than what Azure ML reports."],
    `Reference for the operators: \`${correlationId}\`.`,
  );
}

/** What chat shows when Azure keeps throttling the bot's reads: when to try again, from the service's Retry-After. */
export function throttledReadReply(retryAfterInMs: number | undefined): Reply {
  const when = retryAfterInMs ? `try again in ${Math.ceil(retryAfterInMs / 1000)} s` : "try again shortly";
  return problemReply("Azure is throttling requests", [`Azure Resource Manager is turning the bot's reads away for now (HTTP 429, too many requests): ${when}.`]);
}

export function usageHint(usage: string): string {
  return `Usage: \`aml ${usage}\``;
}

/** One bar per deployment, in a stable order, with the previous value when it changed. */
export function trafficBars(
  deploymentNames: readonly string[],
  after: TrafficSplit,
  before?: TrafficSplit,
): TrafficBar[] {
  return deploymentNames.map((deployment) => {
    const percent = after[deployment] ?? 0;
    const previous = before?.[deployment] ?? 0;
    return before !== undefined && previous !== percent ? { deployment, percent, before: previous } : { deployment, percent };
  });
}

/** Deployment names from both splits and the endpoint, sorted for stable output. */
export function deploymentOrder(names: readonly string[], ...splits: TrafficSplit[]): string[] {
  const all = new Set(names);
  for (const split of splits) for (const name of Object.keys(split)) all.add(name);
  return [...all].sort();
}

/** `14:05 UTC`: a time of day in messages (expiry, when something started). */
export function utcTimeOfDay(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}
