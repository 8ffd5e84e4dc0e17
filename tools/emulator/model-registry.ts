/**
 * The workspace model registry, read only: seeded from the scenario (plus every version a seeded deployment
 * refers to, so a scenario never starts with a deployment Azure would refuse), listed and read through
 * `model.routes.ts`, and consulted when a deployment names its model. A reference resolves the way Azure ML
 * resolves it: `azureml:<name>:<version>`, `azureml:<name>@latest`, or the version's ARM id (with or without the
 * `azureml:` prefix); `azureml://registries/...` assets live outside the workspace and are taken on trust.
 */
import { createHash } from "node:crypto";
import { armErrors, type ArmError } from "./arm-errors.js";
import { workspaceId } from "./arm-ids.js";
import type { ScenarioWorkspace } from "./scenario.js";
import { stampNow, type EmulatorState, type ModelContainerRecord, type ModelVersionRecord, type WorkspaceRecord } from "./state.js";

export const MODEL_VERSION_TYPE = "Microsoft.MachineLearningServices/workspaces/models/versions";
const DAY_IN_MS = 86_400_000;
const SEED_AUTHOR = "seed@aml-emulator.local";

const SHORT_VERSION = /^azureml:([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+)$/;
const LABEL = /^azureml:([A-Za-z0-9_.-]+)@([A-Za-z0-9_.-]+)$/;
const ARM_VERSION_ID =
  /^(?:azureml:)?\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/i;

export function modelVersionId(ws: WorkspaceRecord, name: string, version: string): string {
  return `${workspaceId(ws)}/models/${name}/versions/${version}`;
}

/** Fills a workspace's registry from its scenario entry and from the models its deployments refer to. */
export function seedModels(workspace: WorkspaceRecord, seed: ScenarioWorkspace): void {
  for (const model of seed.models ?? []) {
    const count = model.versions.length;
    model.versions.forEach((entry, index) => {
      const version = typeof entry === "string" ? { version: entry } : entry;
      // Older versions first, a day apart, unless the scenario dates them.
      const at = version.createdAt ?? new Date(Date.now() - (count - index) * DAY_IN_MS).toISOString();
      const description = version.description ?? model.description;
      register(workspace, {
        name: model.name,
        version: version.version,
        modelType: model.modelType ?? "custom_model",
        ...(description === undefined ? {} : { description }),
        tags: { ...model.tags, ...version.tags },
        at,
      });
    });
  }
  for (const endpoint of seed.endpoints) {
    for (const deployment of endpoint.deployments ?? []) {
      const named = SHORT_VERSION.exec(deployment.model);
      if (named !== null && findVersion(workspace, named[1]!, named[2]!) === undefined) {
        register(workspace, { name: named[1]!, version: named[2]!, modelType: "custom_model", tags: {}, at: new Date(Date.now() - DAY_IN_MS).toISOString() });
      }
    }
  }
}

interface VersionSeed {
  name: string;
  version: string;
  modelType: string;
  description?: string;
  tags: Record<string, string>;
  at: string;
}

/**
 * Registers a new version, as `az ml model create` does (the registry's one write, used by the control route that
 * also publishes the ModelRegistered event). Returns undefined when the version exists: AML refuses to overwrite it.
 */
export function registerVersion(workspace: WorkspaceRecord, seed: Omit<VersionSeed, "at"> & { readonly properties?: Record<string, string> }): ModelVersionRecord | undefined {
  if (findVersion(workspace, seed.name, seed.version) !== undefined) return undefined;
  register(workspace, { ...seed, at: new Date().toISOString() });
  const record = findVersion(workspace, seed.name, seed.version)!;
  if (seed.properties) Object.assign(record.properties, seed.properties);
  return record;
}

function register(workspace: WorkspaceRecord, seed: VersionSeed): void {
  const key = seed.name.toLowerCase();
  const container: ModelContainerRecord = workspace.models.get(key) ?? { name: seed.name, versions: new Map() };
  workspace.models.set(key, container);
  const digest = createHash("sha256").update(`${workspace.name}/${seed.name}/${seed.version}`).digest("hex").slice(0, 32);
  const record: ModelVersionRecord = {
    name: container.name,
    version: seed.version,
    modelType: seed.modelType,
    ...(seed.description === undefined ? {} : { description: seed.description }),
    tags: seed.tags,
    properties: {},
    modelUri:
      `azureml://subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}/workspaces/${workspace.name}` +
      `/datastores/workspaceartifactstore/paths/LocalUpload/${digest}/${seed.name}`,
    created: { ...stampNow(SEED_AUTHOR, "User"), at: seed.at },
  };
  container.versions.set(seed.version, record);
}

export function findContainer(workspace: WorkspaceRecord, name: string): ModelContainerRecord | undefined {
  return workspace.models.get(name.toLowerCase());
}

function findVersion(workspace: WorkspaceRecord, name: string, version: string): ModelVersionRecord | undefined {
  return findContainer(workspace, name)?.versions.get(version);
}

/** Newest first: by creation time, then by version (numerically when both are numbers). */
export function newestFirst(container: ModelContainerRecord): ModelVersionRecord[] {
  return [...container.versions.values()].sort((a, b) => b.created.at.localeCompare(a.created.at) || compareVersions(b.version, a.version));
}

function compareVersions(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a.localeCompare(b);
}

/**
 * Checks that a deployment's model reference names a registered version; throws AML's 400 otherwise. The
 * reference is stored as sent (AML keeps what the client wrote).
 */
export function assertModelResolves(state: EmulatorState, workspace: WorkspaceRecord, reference: string): void {
  const error = unresolved(state, workspace, reference);
  if (error !== undefined) throw error;
}

function unresolved(state: EmulatorState, workspace: WorkspaceRecord, reference: string): ArmError | undefined {
  const short = SHORT_VERSION.exec(reference);
  if (short !== null) return missingVersion(workspace, reference, short[1]!, short[2]!);
  const label = LABEL.exec(reference);
  if (label !== null) {
    const container = findContainer(workspace, label[1]!);
    if (container === undefined) return missingContainer(workspace, reference, label[1]!);
    if (label[2] !== "latest") {
      return armErrors.modelNotFound(reference, `Label '${label[2]}' of model ${container.name} not found: 'latest' is the only label a deployment can use.`, {
        modelName: container.name,
        label: label[2]!,
      });
    }
    return undefined;
  }
  const id = ARM_VERSION_ID.exec(reference);
  if (id !== null) {
    const [, subscriptionId, resourceGroup, workspaceName, name, version] = id.map((part) => (part === undefined ? "" : decodeURIComponent(part)));
    const owner = state.workspaces.find(
      (ws) =>
        ws.subscriptionId.toLowerCase() === subscriptionId!.toLowerCase() &&
        ws.resourceGroup.toLowerCase() === resourceGroup!.toLowerCase() &&
        ws.name.toLowerCase() === workspaceName!.toLowerCase(),
    );
    if (owner === undefined) {
      return armErrors.modelNotFound(reference, `Workspace ${workspaceName} of the model was not found in resource group ${resourceGroup}.`, {
        workspaceName: workspaceName!,
      });
    }
    return missingVersion(owner, reference, name!, version!);
  }
  // Registry assets (`azureml://registries/...`) are not modelled: accepted as they are.
  return undefined;
}

function missingVersion(workspace: WorkspaceRecord, reference: string, name: string, version: string): ArmError | undefined {
  const container = findContainer(workspace, name);
  if (container === undefined) return missingContainer(workspace, reference, name);
  if (container.versions.has(version)) return undefined;
  const known = newestFirst(container).map((v) => v.version);
  return armErrors.modelNotFound(
    reference,
    `Model version ${container.name}:${version} not found in workspace ${workspace.name}. Registered versions: ${known.join(", ")}.`,
    { modelName: container.name, modelVersion: version, workspaceName: workspace.name },
  );
}

function missingContainer(workspace: WorkspaceRecord, reference: string, name: string): ArmError {
  return armErrors.modelNotFound(reference, `Model container with name: ${name} not found.`, { modelName: name, workspaceName: workspace.name });
}

/** A version as ARM shows it (`ModelVersion` of api-version 2024-10-01). */
export function modelVersionView(workspace: WorkspaceRecord, record: ModelVersionRecord): Record<string, unknown> {
  return {
    id: modelVersionId(workspace, record.name, record.version),
    name: record.version,
    type: MODEL_VERSION_TYPE,
    properties: {
      ...(record.description === undefined ? {} : { description: record.description }),
      tags: { ...record.tags },
      properties: { ...record.properties },
      isArchived: false,
      isAnonymous: false,
      flavors: flavorsOf(record.modelType),
      modelType: record.modelType,
      modelUri: record.modelUri,
      provisioningState: "Succeeded",
    },
    systemData: {
      createdAt: record.created.at,
      createdBy: record.created.by,
      createdByType: record.created.byType,
      lastModifiedAt: record.created.at,
      lastModifiedBy: record.created.by,
      lastModifiedByType: record.created.byType,
    },
  };
}

/** MLflow models carry their flavours (loader and framework versions); other types none. */
function flavorsOf(modelType: string): Record<string, { data: Record<string, string> }> {
  if (modelType !== "mlflow_model") return {};
  return {
    python_function: { data: { loader_module: "mlflow.sklearn", python_version: "3.10.14", env: "conda.yaml" } },
    sklearn: { data: { sklearn_version: "1.5.1", serialization_format: "cloudpickle", pickled_model: "model.pkl" } },
  };
}
