/**
 * What `aml deploy` reads and checks before it previews anything: the model version, the deployment it copies, the
 * name, and the cores the new deployment needs against what the subscription has left. Every refusal says what to
 * do; nothing is sent.
 */
import type { Deployment, Endpoint } from "../domain/endpoint.js";
import { problemReply } from "../replies.js";
import type { ComputeQuota, DeploymentSpec, ModelVersion } from "../ports/endpoint-lifecycle.port.js";
import type { Reply, Section } from "../reply.js";
import type { VerbContext } from "../verb-context.js";

/** Azure ML reserves this share of a deployment's cores on top of its instances (for upgrades). */
export const QUOTA_RESERVE = 0.2;

export interface DeployRequest {
  readonly deployment: string;
  readonly model: { readonly name: string; readonly version?: string };
  /** The deployment to copy, on this endpoint or (`endpoint/deployment`) another one. */
  readonly from?: { readonly endpoint?: string; readonly deployment: string };
  readonly instanceType?: string;
  readonly instances?: number;
}

export interface DeployPlan {
  readonly source: DeploymentSpec;
  readonly spec: DeploymentSpec;
  readonly version: ModelVersion;
  readonly quota?: ComputeQuota;
  readonly coresNeeded?: number;
}

export type Planned = { readonly ok: true; readonly plan: DeployPlan } | { readonly ok: false; readonly reply: Reply; readonly outcome: "invalid" | "not-found" | "conflict" };

/** Cores Azure ML reserves for `instances` of a SKU: ceil(1.2 × instances) × cores per instance. */
export function coresFor(instances: number, coresPerInstance: number): number {
  return Math.ceil((1 + QUOTA_RESERVE) * instances) * coresPerInstance;
}

export async function planDeploy(ctx: VerbContext, endpoint: Endpoint, deployments: readonly Deployment[], request: DeployRequest): Promise<Planned> {
  const { lifecycle } = ctx.deps;
  const options = { abortSignal: ctx.abortSignal };
  const refuse = (title: string, text: string, outcome: "invalid" | "not-found" | "conflict" = "invalid"): Planned => ({ ok: false, reply: problemReply(title, [text], "Nothing was changed."), outcome });

  if (deployments.some((d) => d.name.toLowerCase() === request.deployment.toLowerCase())) {
    const next = freeName(request.deployment, deployments);
    return refuse(
      "That deployment exists",
      `\`${endpoint.name}\` already has a deployment \`${request.deployment}\`. Pick a new name (\`${next}\` is free), or change the existing one with \`aml traffic\`, \`aml mirror\` or \`aml scale\`.`,
      "conflict",
    );
  }
  const sourceEndpoint = request.from?.endpoint ?? endpoint.name;
  const sourceName = request.from?.deployment ?? busiest(endpoint, deployments);
  if (!sourceName) {
    const hint = `Name a serving deployment to copy with \`--from <endpoint>/<deployment>\` (e.g. one of another endpoint).`;
    return refuse("Nothing to copy", `\`${endpoint.name}\` has no deployment to copy the environment, code and settings from. ${hint}`, "not-found");
  }
  const copied = await lifecycle.getDeploymentSpec(ctx.workspace, sourceEndpoint, sourceName, options);
  if (!copied) {
    const known = sourceEndpoint === endpoint.name ? ` Deployments: ${deployments.map((d) => `\`${d.name}\``).join(", ") || "none"}.` : "";
    return refuse("Deployment not found", `\`${sourceEndpoint}\` has no deployment \`${sourceName}\` to copy.${known}`, "not-found");
  }
  const source: DeploymentSpec = sourceEndpoint === endpoint.name ? copied : { ...copied, name: `${sourceEndpoint}/${copied.name}` };
  const versions = await lifecycle.listModelVersions(ctx.workspace, request.model.name, options);
  if (!versions || versions.length === 0) {
    return refuse("Model not found", `Workspace \`${ctx.workspace.alias}\` has no registered model \`${request.model.name}\`. Register it first (\`az ml model create\`), then deploy it here.`, "not-found");
  }
  const version = request.model.version === undefined ? versions[0]! : versions.find((v) => v.version === request.model.version);
  if (!version) {
    const latest = versions.slice(0, 5).map((v) => v.version).join(", ");
    return refuse("Model version not found", `\`${request.model.name}\` has no version ${request.model.version}. Latest versions: ${latest} (\`aml models ${request.model.name}\` lists them all).`, "not-found");
  }
  const spec: DeploymentSpec = {
    ...copied,
    endpointName: endpoint.name,
    name: request.deployment,
    model: version.id,
    instanceType: request.instanceType ?? source.instanceType,
    instances: request.instances ?? source.instances,
  };
  const quota = await lifecycle.getComputeQuota(ctx.workspace, spec.instanceType, options);
  if (!quota && request.instanceType !== undefined) {
    return refuse("Unknown instance type", `\`${spec.instanceType}\` is not a VM size Azure ML offers in this workspace's region. Leave \`--instance-type\` out to keep \`${source.instanceType}\`.`);
  }
  if (quota) {
    const coresNeeded = coresFor(spec.instances, quota.coresPerInstance);
    const available = quota.limit - quota.used;
    if (coresNeeded > available) {
      return refuse(
        "Not enough quota",
        `${spec.instances} × \`${spec.instanceType}\` needs ${coresNeeded} ${quota.family} cores (Azure ML reserves ${QUOTA_RESERVE * 100} % on top of the instances), and ${available} of ${quota.limit} are free. Use fewer instances (\`--instances\`), a smaller \`--instance-type\`, or ask for a quota increase for ${quota.family}.`,
      );
    }
    return { ok: true, plan: { source, spec, version, quota, coresNeeded } };
  }
  return { ok: true, plan: { source, spec, version } };
}

/** The preview: what the new deployment copies, what differs, and the cores it takes. */
export function planSections(endpoint: string, plan: DeployPlan): Section[] {
  const { source, spec, version } = plan;
  // Each setting as a field, `before → after` where it changes: a 3-column table broke Standard_DS3_v2 and the
  // model's id inside the word in a Teams card on a phone (issue 14 §3).
  const change = (before: string, after: string): string => (before === after ? `${after} (as ${source.name})` : `${before} → ${after}`);
  const copied = Object.keys(source.properties).filter((key) => !["model", "instanceType", "provisioningState"].includes(key));
  const sections: Section[] = [
    { kind: "text", text: `New deployment \`${spec.name}\`, copied from ${source.name}:` },
    {
      kind: "fields",
      fields: [
        { label: "Model", value: change(modelLabel(source.model), `${version.name}:${version.version}`) },
        { label: "Instance type", value: change(source.instanceType, spec.instanceType) },
        { label: "Instances", value: change(String(source.instances), String(spec.instances)) },
      ],
    },
    { kind: "text", text: `Also copied from \`${source.name}\`: ${copied.length ? copied.map((k) => `\`${k}\``).join(", ") : "nothing else"}. Live traffic stays as it is: \`${spec.name}\` starts at 0 % on ${endpoint}.` },
  ];
  if (plan.quota && plan.coresNeeded !== undefined) {
    const free = plan.quota.limit - plan.quota.used;
    sections.push({ kind: "text", text: `Quota: needs ${plan.coresNeeded} ${plan.quota.family} cores (${spec.instances} instances + ${QUOTA_RESERVE * 100} % reserve); ${free} of ${plan.quota.limit} free.` });
  }
  if (version.tags && Object.keys(version.tags).length) {
    sections.push({ kind: "fields", fields: Object.entries(version.tags).slice(0, 6).map(([label, value]) => ({ label, value })) });
  }
  return sections;
}

/** `azureml:fraud-model:4` or a full ARM id as people say it: `fraud-model:4`. */
export function modelLabel(model: string): string {
  const arm = /\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(model);
  if (arm) return `${arm[1]}:${arm[2]}`;
  return model.replace(/^azureml:/, "");
}

/** The deployment with the most live traffic (the first one on a tie): what a new version most likely replaces. */
export function busiest(endpoint: Endpoint, deployments: readonly Deployment[]): string | undefined {
  return [...deployments].sort((a, b) => (endpoint.traffic[b.name] ?? 0) - (endpoint.traffic[a.name] ?? 0))[0]?.name;
}

function freeName(wanted: string, deployments: readonly Deployment[]): string {
  const taken = new Set(deployments.map((d) => d.name.toLowerCase()));
  for (let n = 2; ; n++) if (!taken.has(`${wanted}${n}`.toLowerCase())) return `${wanted}${n}`;
}
