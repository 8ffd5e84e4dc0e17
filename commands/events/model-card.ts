/**
 * The replies Azure ML events become: a registered model version proposing itself for deployment (with the
 * endpoints that run earlier versions of it, and buttons into `aml deploy`'s preview), a drift alert, a run line.
 * Pure: every time comes from the event.
 */
import type { Button, Reply, Section } from "../reply.js";
import type { DatasetDriftEvent, ModelRegisteredEvent, RunEvent } from "./workspace-event.js";

export const MODEL_DEPLOY_VERB = "model-deploy";
export const MODEL_IGNORE_VERB = "model-ignore";
export const MODEL_EVENT_VERBS: readonly string[] = [MODEL_DEPLOY_VERB, MODEL_IGNORE_VERB];

/** At most this many Deploy buttons: the default endpoint and the busiest others. */
const MAX_DEPLOY_BUTTONS = 3;

/** A deployment running some version of the model, and its share of the endpoint's live traffic. */
export interface RunningVersion {
  readonly endpoint: string;
  readonly deployment: string;
  readonly version: string;
  readonly percent: number;
}

/** What a Deploy button names: workspace alias, endpoint, model and version, `:`-separated (none may hold a `:`). */
export interface ModelButtonTarget {
  readonly workspace: string;
  readonly endpoint?: string;
  readonly model: string;
  readonly version: string;
}

export function modelButtonPayload(target: ModelButtonTarget): string {
  return [target.workspace, ...(target.endpoint ? [target.endpoint] : []), target.model, target.version].join(":");
}

/** The target a button (or its typed form) carries; undefined when it is not one of ours. */
export function modelButtonTarget(verb: string, payloadId: string): ModelButtonTarget | undefined {
  const parts = payloadId.split(":");
  const word = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
  if (!parts.every((p) => word.test(p))) return undefined;
  if (verb === MODEL_DEPLOY_VERB && parts.length === 4) return { workspace: parts[0]!, endpoint: parts[1]!, model: parts[2]!, version: parts[3]! };
  if (verb === MODEL_IGNORE_VERB && parts.length === 3) return { workspace: parts[0]!, model: parts[1]!, version: parts[2]! };
  return undefined;
}

/** Endpoints to propose, in order: the configured default, then those serving the model, busiest first. */
export function deployTargets(running: readonly RunningVersion[], defaultEndpoint: string | undefined): string[] {
  const share = new Map<string, number>();
  for (const r of running) share.set(r.endpoint, (share.get(r.endpoint) ?? 0) + r.percent);
  const serving = [...share].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([endpoint]) => endpoint);
  const ordered = defaultEndpoint ? [defaultEndpoint, ...serving.filter((e) => e.toLowerCase() !== defaultEndpoint.toLowerCase())] : serving;
  return ordered.slice(0, MAX_DEPLOY_BUTTONS);
}

export function modelTitle(model: string, version: string): string {
  return `${model} ${version} registered`;
}

/** The proposal card: tags, what runs earlier versions, and a Deploy button per target endpoint plus Ignore. */
export function modelRegisteredReply(workspace: string, event: ModelRegisteredEvent, running: readonly RunningVersion[], targets: readonly string[]): Reply {
  const tags = Object.entries(event.tags).map(([k, v]) => `\`${k}=${v}\``);
  const sections: Section[] = [{ kind: "fields", fields: [{ label: "Workspace", value: workspace }, { label: "Tags", value: tags.join(" ") || "none" }] }];
  const byEndpoint = new Map<string, RunningVersion[]>();
  for (const r of running) byEndpoint.set(r.endpoint, [...(byEndpoint.get(r.endpoint) ?? []), r]);
  if (byEndpoint.size > 0) {
    const lines = [...byEndpoint].map(([endpoint, list]) => `• *${endpoint}*: ${list.map((r) => `${r.deployment} runs version ${r.version} (${r.percent} %)`).join(", ")}`);
    // Usually earlier versions; a re-registered older one (or versions that are not numbers) is said plainly.
    const heading = running.every((r) => isEarlier(r.version, event.version)) ? "Earlier versions in service" : "Other versions in service";
    sections.push({ kind: "text", text: `${heading}:\n${lines.join("\n")}` });
  } else {
    sections.push({ kind: "text", text: `No endpoint runs ${event.model} yet.` });
  }
  if (targets.length === 0) {
    sections.push({ kind: "text", text: `Deploy it with \`aml deploy <endpoint> <new-deployment> --model ${event.model}:${event.version} --workspace ${workspace}\`.` });
  }
  const buttons: Button[] = [
    ...targets.map((endpoint, i) => ({
      label: `Deploy to ${endpoint}…`,
      verb: MODEL_DEPLOY_VERB,
      payloadId: modelButtonPayload({ workspace, endpoint, model: event.model, version: event.version }),
      ...(i === 0 ? { style: "primary" as const } : {}),
    })),
    { label: "Ignore", verb: MODEL_IGNORE_VERB, payloadId: modelButtonPayload({ workspace, model: event.model, version: event.version }) },
  ];
  return {
    title: modelTitle(event.model, event.version),
    tone: "info",
    sections,
    buttons,
    context: [`Registered ${utc(event.at)} in workspace ${workspace} · Azure ML event ${event.id}`],
    visibility: "channel",
    mode: "new",
    summary: `${modelTitle(event.model, event.version)} in ${workspace}`,
  };
}

/** What Ignore leaves in place of the card. */
export function ignoredReply(target: ModelButtonTarget, by: string): Reply {
  return {
    title: modelTitle(target.model, target.version),
    tone: "info",
    sections: [{ kind: "text", text: `Ignored by ${by}: not proposed for deployment. \`aml models ${target.model}\` still lists it.` }],
    visibility: "channel",
    mode: "replace",
    summary: `${modelTitle(target.model, target.version)}: ignored by ${by}`,
  };
}

/** The workspace's events of one UTC day share a thread. */
export function eventThreadKey(workspace: string, at: string): string {
  return `events:${workspace}:${at.slice(0, 10)}`;
}

export function driftReply(workspace: string, event: DatasetDriftEvent): Reply {
  const window = event.windowStart && event.windowEnd ? ` over ${utc(event.windowStart)} – ${utc(event.windowEnd)}` : "";
  return {
    title: `Data drift detected by ${event.monitor}`,
    tone: "warning",
    sections: [
      {
        kind: "fields",
        fields: [
          { label: "Drift coefficient", value: event.coefficient.toFixed(2) },
          { label: "Baseline dataset", value: event.baseDataset },
          { label: "Target dataset", value: event.targetDataset },
        ],
      },
    ],
    context: [`Workspace ${workspace}${window}${event.runId ? ` · run ${event.runId}` : ""}`],
    visibility: "channel",
    mode: "new",
    threadKey: eventThreadKey(workspace, event.at),
    summary: `Data drift ${event.coefficient.toFixed(2)} (${event.monitor}) in ${workspace}`,
  };
}

export function runReply(workspace: string, event: RunEvent): Reply {
  const what = event.change === "completed" ? "completed" : `is ${event.status ?? "changed"}`;
  const text = `Run \`${event.runId}\`${event.experiment ? ` of ${event.experiment}` : ""} ${what}`;
  return {
    sections: [{ kind: "text", text }],
    visibility: "channel",
    mode: "new",
    threadKey: eventThreadKey(workspace, event.at),
    summary: `${text} (${workspace})`,
  };
}

/** `3` before `5`, numerically; versions that are not both numbers cannot be ordered. */
function isEarlier(version: string, than: string): boolean {
  const [a, b] = [Number(version), Number(than)];
  return Number.isFinite(a) && Number.isFinite(b) && a < b;
}

function utc(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}
