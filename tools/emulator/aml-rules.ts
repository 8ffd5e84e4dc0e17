/**
 * Azure ML's rules for online endpoints and deployments, as pure functions that return the violation
 * message (or `undefined`). Routes turn violations into 400 `BadArgument` errors; the scenario loader turns
 * them into load errors naming the bad field. Messages always say what is wrong and with which values.
 *
 * Sources: name rule from azure-ai-ml `validate_endpoint_or_deployment_name`; mirror limits from
 * "Safe rollout for online endpoints" (one mirror deployment, at most 50 %, live or mirror but not both).
 */
import { isManagedInstanceType } from "./managed-skus.js";

export type Violation = string | undefined;
export type TrafficMap = Record<string, number>;

const NAME_PATTERN = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
export const MIN_NAME_LENGTH = 3;
export const MAX_NAME_LENGTH = 32;
export const MAX_MIRROR_PERCENT = 50;

export function checkResourceName(kind: "endpoint" | "deployment", name: string): Violation {
  const article = kind === "endpoint" ? "an endpoint" : "a deployment";
  if (name.length < MIN_NAME_LENGTH || name.length > MAX_NAME_LENGTH) {
    return `Invalid ${kind} name '${name}' (${name.length} characters): the name for ${article} must be at least ${MIN_NAME_LENGTH} and at most ${MAX_NAME_LENGTH} characters long (inclusive of both limits).`;
  }
  if (!NAME_PATTERN.test(name)) {
    return `Invalid ${kind} name '${name}': the name for ${article} must start with an upper- or lowercase letter, only consist of '-'s and alphanumeric characters, and end with an alphanumeric character.`;
  }
  return undefined;
}

function describe(map: TrafficMap): string {
  const entries = Object.entries(map);
  return entries.length === 0 ? "(none)" : entries.map(([name, value]) => `${name}=${value}`).join(", ");
}

function findName(names: readonly string[], wanted: string): string | undefined {
  return names.find((name) => name.toLowerCase() === wanted.toLowerCase());
}

/** Live traffic: integers 0–100, summing to 0 or 100, naming existing deployments only. */
export function checkTraffic(traffic: TrafficMap, endpoint: string, deployments: readonly string[]): Violation {
  for (const [name, value] of Object.entries(traffic)) {
    if (!Number.isInteger(value) || value < 0 || value > 100) {
      return `Traffic for deployment '${name}' must be an integer between 0 and 100, but was ${value}.`;
    }
    if (findName(deployments, name) === undefined) {
      return `Traffic refers to deployment '${name}', which does not exist in endpoint '${endpoint}'. Existing deployments: ${deployments.length === 0 ? "(none)" : deployments.join(", ")}.`;
    }
  }
  const seen = new Set<string>();
  for (const name of Object.keys(traffic)) {
    if (seen.has(name.toLowerCase())) return `Traffic names deployment '${name}' more than once (names are case-insensitive).`;
    seen.add(name.toLowerCase());
  }
  const total = Object.values(traffic).reduce((sum, value) => sum + value, 0);
  if (total !== 0 && total !== 100) {
    return `The traffic values of endpoint '${endpoint}' must add up to 100 (or to 0 to send no traffic), but they add up to ${total}: ${describe(traffic)}.`;
  }
  return undefined;
}

/** Mirror traffic: one deployment at most, integers 0–50, never a deployment that takes live traffic. */
export function checkMirrorTraffic(
  mirror: TrafficMap,
  traffic: TrafficMap,
  endpoint: string,
  deployments: readonly string[],
): Violation {
  for (const [name, value] of Object.entries(mirror)) {
    if (!Number.isInteger(value) || value < 0 || value > MAX_MIRROR_PERCENT) {
      return `Mirror traffic for deployment '${name}' must be an integer between 0 and ${MAX_MIRROR_PERCENT} (the maximum mirrored traffic is ${MAX_MIRROR_PERCENT}%), but was ${value}.`;
    }
    if (findName(deployments, name) === undefined) {
      return `Mirror traffic refers to deployment '${name}', which does not exist in endpoint '${endpoint}'. Existing deployments: ${deployments.length === 0 ? "(none)" : deployments.join(", ")}.`;
    }
  }
  const mirrored = Object.entries(mirror).filter(([, value]) => value > 0);
  if (mirrored.length > 1) {
    return `Mirror traffic can go to only one deployment, but ${mirrored.length} deployments have mirror traffic: ${describe(Object.fromEntries(mirrored))}.`;
  }
  for (const [name, value] of mirrored) {
    const live = Object.entries(traffic).find(([liveName]) => liveName.toLowerCase() === name.toLowerCase())?.[1] ?? 0;
    if (live > 0) {
      return `Deployment '${name}' takes ${live}% of the live traffic, so it can't also take ${value}% mirror traffic: a deployment can only be set to live or mirror traffic, not both.`;
    }
  }
  return undefined;
}

/** Instance count (sku.capacity): a whole number of at least 1. The upper bound is a quota, see below. */
export function checkCapacity(capacity: unknown, field = "sku.capacity"): Violation {
  if (typeof capacity !== "number" || !Number.isInteger(capacity) || capacity < 1) {
    return `${field} (the instance count) must be an integer of at least 1, but was ${JSON.stringify(capacity)}.`;
  }
  return undefined;
}

export function checkQuota(capacity: number, instanceType: string, maxInstances: number): Violation {
  if (capacity > maxInstances) {
    return `Not enough quota available for ${instanceType}: the deployment asks for ${capacity} instances, but the quota allows at most ${maxInstances} instances per deployment.`;
  }
  return undefined;
}

export function checkInstanceType(instanceType: string): Violation {
  if (!isManagedInstanceType(instanceType)) {
    return `Instance type '${instanceType}' is not supported for managed online deployments. Use a supported VM size such as Standard_DS3_v2 or Standard_F4s_v2.`;
  }
  return undefined;
}

/**
 * Model references Azure ML resolves: `azureml:name:version`, `azureml:name@label`, an ARM model version id,
 * or a registry asset id (`azureml://registries/...`).
 */
export function checkModelReference(model: string): Violation {
  const patterns = [
    /^azureml:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/,
    /^azureml:[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+$/,
    /^(azureml:)?\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/models\/[^/]+\/versions\/[^/]+$/i,
    /^azureml:\/\/registries\/[^/]+\/models\/[^/]+\/(versions\/[^/]+|labels\/[^/]+)$/,
  ];
  if (!patterns.some((pattern) => pattern.test(model))) {
    return `Model reference '${model}' is not valid. Use 'azureml:<name>:<version>', 'azureml:<name>@<label>', a model version ARM id or an 'azureml://registries/...' id.`;
  }
  return undefined;
}

/** ISO 8601 durations such as `PT5S`, `PT0.5S`, `PT1M30S`, `P1D`, as used by request settings and probes. */
export function checkDuration(value: unknown, field: string): Violation {
  const pattern = /^P(?!$)(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;
  if (typeof value !== "string" || !pattern.test(value)) {
    return `${field} must be an ISO 8601 duration such as 'PT5S', but was ${JSON.stringify(value)}.`;
  }
  return undefined;
}
