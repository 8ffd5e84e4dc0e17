/**
 * Turns online-deployment request bodies into specs, filling AML's documented defaults for managed
 * deployments (probes: 10 s delay/period, 2 s timeout, 30 failures; requests: 5 s timeout, 1 concurrent
 * request per instance). PATCH takes `tags` and `sku.capacity` only (`PartialMinimalTrackedResourceWithSku`).
 */
import { armErrors, ArmError } from "./arm-errors.js";
import { checkCapacity, checkInstanceType, checkModelReference, checkQuota } from "./aml-rules.js";
import {
  normalizeIdentity,
  optionalBoolean,
  optionalDuration,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringMap,
  requireObject,
  requireString,
} from "./body-fields.js";
import type { DeploymentSku, DeploymentSpec, JsonObject } from "./state.js";

export interface DeploymentBodyContext {
  resourceId: string;
  tenantId: string;
  workspaceLocation: string;
  maxInstances: number;
}

const DEFAULT_PROBE = { initialDelay: "PT10S", period: "PT10S", timeout: "PT2S", successThreshold: 1, failureThreshold: 30 };
const DEFAULT_REQUESTS = { requestTimeout: "PT5S", maxConcurrentRequestsPerInstance: 1, maxQueueWait: "PT0.5S" };

export function parseDeploymentPut(body: unknown, ctx: DeploymentBodyContext): DeploymentSpec {
  if (body === undefined) throw armErrors.badArgument("The request body is empty; send the online deployment to create or replace.");
  const resource = requireObject(body, "The request body");
  const props = requireObject(resource["properties"], "properties");
  const computeType = requireString(props["endpointComputeType"], "properties.endpointComputeType");
  if (computeType.toLowerCase() !== "managed") {
    throw armErrors.badArgument(
      `properties.endpointComputeType '${computeType}' is not supported by the AML emulator, which models managed online endpoints only. Use 'Managed'.`,
      "properties.endpointComputeType",
    );
  }
  const instanceType = requireString(props["instanceType"], "properties.instanceType");
  rule(checkInstanceType(instanceType), "properties.instanceType");
  const model = optionalString(props["model"], "properties.model");
  if (model !== undefined) rule(checkModelReference(model), "properties.model");
  const sku = parseSku(resource["sku"], instanceType, ctx.maxInstances);

  const description = optionalString(props["description"], "properties.description");
  const environmentId = optionalString(props["environmentId"], "properties.environmentId");
  const modelMountPath = optionalString(props["modelMountPath"], "properties.modelMountPath");
  const codeConfiguration = optionalObject(props["codeConfiguration"], "properties.codeConfiguration");
  const identity = resource["identity"] === undefined ? undefined : normalizeIdentity(resource["identity"], "identity", ctx.resourceId, ctx.tenantId);
  const startupProbe = props["startupProbe"] === undefined ? undefined : parseProbe(props["startupProbe"], "properties.startupProbe");
  return {
    location: ctx.workspaceLocation,
    kind: optionalString(resource["kind"], "kind") ?? "Managed",
    tags: optionalStringMap(resource["tags"], "tags"),
    ...(identity === undefined ? {} : { identity }),
    sku,
    properties: {
      endpointComputeType: "Managed",
      instanceType,
      ...(model === undefined ? {} : { model }),
      ...(description === undefined ? {} : { description }),
      properties: optionalStringMap(props["properties"], "properties.properties"),
      ...(codeConfiguration === undefined ? {} : { codeConfiguration }),
      ...(environmentId === undefined ? {} : { environmentId }),
      environmentVariables: optionalStringMap(props["environmentVariables"], "properties.environmentVariables"),
      scaleSettings: parseScaleSettings(props["scaleSettings"]),
      requestSettings: parseRequestSettings(props["requestSettings"]),
      livenessProbe: parseProbe(props["livenessProbe"], "properties.livenessProbe"),
      readinessProbe: parseProbe(props["readinessProbe"], "properties.readinessProbe"),
      ...(startupProbe === undefined ? {} : { startupProbe }),
      appInsightsEnabled: optionalBoolean(props["appInsightsEnabled"], "properties.appInsightsEnabled") ?? false,
      egressPublicNetworkAccess:
        optionalEnum(props["egressPublicNetworkAccess"], ["Enabled", "Disabled"], "properties.egressPublicNetworkAccess") ?? "Enabled",
      ...(modelMountPath === undefined ? {} : { modelMountPath }),
    },
  };
}

/** PATCH may change `tags` and `sku.capacity`; anything else needs a PUT of the whole deployment. */
export function parseDeploymentPatch(body: unknown, current: DeploymentSpec, maxInstances: number): DeploymentSpec {
  const patch = body === undefined ? {} : requireObject(body, "The request body");
  for (const key of Object.keys(patch)) {
    if (key !== "tags" && key !== "sku") {
      throw armErrors.badArgument(
        `'${key}' can't be changed with PATCH: PATCH on an online deployment only updates 'tags' and 'sku.capacity'. Send the whole deployment with PUT (createOrUpdate) instead.`,
        key,
      );
    }
  }
  let sku = current.sku;
  const skuPatch = optionalObject(patch["sku"], "sku");
  if (skuPatch !== undefined) {
    for (const key of Object.keys(skuPatch)) {
      if (key !== "capacity") {
        throw armErrors.badArgument(
          `'sku.${key}' can't be changed with PATCH: PATCH on an online deployment only updates 'tags' and 'sku.capacity'.`,
          `sku.${key}`,
        );
      }
    }
    if ("capacity" in skuPatch) {
      const capacity = skuPatch["capacity"];
      rule(checkCapacity(capacity), "sku.capacity");
      quota(capacity as number, current.properties.instanceType, maxInstances);
      sku = { ...current.sku, capacity: capacity as number };
    }
  }
  return { ...current, sku, tags: "tags" in patch ? optionalStringMap(patch["tags"], "tags") : current.tags };
}

function parseSku(value: unknown, instanceType: string, maxInstances: number): DeploymentSku {
  const sku = optionalObject(value, "sku") ?? {};
  const capacity = sku["capacity"] ?? 1;
  rule(checkCapacity(capacity), "sku.capacity");
  quota(capacity as number, instanceType, maxInstances);
  const result: DeploymentSku = { name: optionalString(sku["name"], "sku.name") ?? "Default", capacity: capacity as number };
  for (const key of ["tier", "size", "family"] as const) {
    const text = optionalString(sku[key], `sku.${key}`);
    if (text !== undefined) result[key] = text;
  }
  return result;
}

function parseScaleSettings(value: unknown): JsonObject {
  const settings = optionalObject(value, "properties.scaleSettings");
  if (settings === undefined) return { scaleType: "Default" };
  const scaleType = optionalEnum(settings["scaleType"], ["Default", "TargetUtilization"], "properties.scaleSettings.scaleType") ?? "Default";
  if (scaleType === "Default") return { scaleType };
  const min = optionalInteger(settings["minInstances"], "properties.scaleSettings.minInstances", 0) ?? 1;
  const max = optionalInteger(settings["maxInstances"], "properties.scaleSettings.maxInstances", 1) ?? 1;
  if (min > max) {
    throw armErrors.badArgument(
      `properties.scaleSettings.minInstances (${min}) must not be greater than maxInstances (${max}).`,
      "properties.scaleSettings",
    );
  }
  return {
    scaleType,
    minInstances: min,
    maxInstances: max,
    targetUtilizationPercentage: optionalInteger(settings["targetUtilizationPercentage"], "properties.scaleSettings.targetUtilizationPercentage", 1) ?? 70,
    pollingInterval: optionalDuration(settings["pollingInterval"], "properties.scaleSettings.pollingInterval") ?? "PT1S",
  };
}

function parseRequestSettings(value: unknown): JsonObject {
  const settings = optionalObject(value, "properties.requestSettings") ?? {};
  const field = (name: string) => `properties.requestSettings.${name}`;
  return {
    requestTimeout: optionalDuration(settings["requestTimeout"], field("requestTimeout")) ?? DEFAULT_REQUESTS.requestTimeout,
    maxConcurrentRequestsPerInstance:
      optionalInteger(settings["maxConcurrentRequestsPerInstance"], field("maxConcurrentRequestsPerInstance"), 1) ??
      DEFAULT_REQUESTS.maxConcurrentRequestsPerInstance,
    maxQueueWait: optionalDuration(settings["maxQueueWait"], field("maxQueueWait")) ?? DEFAULT_REQUESTS.maxQueueWait,
  };
}

function parseProbe(value: unknown, field: string): JsonObject {
  const probe = optionalObject(value, field) ?? {};
  return {
    initialDelay: optionalDuration(probe["initialDelay"], `${field}.initialDelay`) ?? DEFAULT_PROBE.initialDelay,
    period: optionalDuration(probe["period"], `${field}.period`) ?? DEFAULT_PROBE.period,
    timeout: optionalDuration(probe["timeout"], `${field}.timeout`) ?? DEFAULT_PROBE.timeout,
    successThreshold: optionalInteger(probe["successThreshold"], `${field}.successThreshold`, 1) ?? DEFAULT_PROBE.successThreshold,
    failureThreshold: optionalInteger(probe["failureThreshold"], `${field}.failureThreshold`, 1) ?? DEFAULT_PROBE.failureThreshold,
  };
}

function rule(violation: string | undefined, field: string): void {
  if (violation !== undefined) throw armErrors.badArgument(violation, field);
}

/** Asking for more instances than the quota allows is AML's `OutOfQuota`. */
function quota(capacity: number, instanceType: string, maxInstances: number): void {
  const violation = checkQuota(capacity, instanceType, maxInstances);
  if (violation !== undefined) throw new ArmError(400, "OutOfQuota", violation, { target: "sku.capacity" });
}
