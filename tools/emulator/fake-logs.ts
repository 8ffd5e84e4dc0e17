/**
 * Plausible container logs for `getLogs`: what the storage initializer and the Azure ML inference server
 * print while a managed deployment starts and serves, or fails to (see deployment-failures.ts). A container that
 * never started has an empty log. Deterministic per deployment, so tests can assert on it.
 */
import { buildLogLocation } from "./deployment-failures.js";
import type { DeploymentRecord } from "./state.js";

export const LOG_CONTAINER_TYPES = ["InferenceServer", "StorageInitializer"] as const;
export type LogContainerType = (typeof LOG_CONTAINER_TYPES)[number];

export function fakeContainerLog(deployment: DeploymentRecord, containerType: LogContainerType, tail?: number): string {
  const lines = containerType === "StorageInitializer" ? storageInitializerLines(deployment) : inferenceServerLines(deployment);
  // `tail` counts lines from the end; 0 or absent means the whole log.
  const selected = tail === undefined || tail <= 0 ? lines : lines.slice(-tail);
  return selected.join("\n");
}

function timestamps(deployment: DeploymentRecord): (offsetSeconds: number) => string {
  const start = Date.parse(deployment.meta.created.at);
  return (offsetSeconds) => new Date(start + offsetSeconds * 1000).toISOString();
}

function storageInitializerLines(deployment: DeploymentRecord): string[] {
  const at = timestamps(deployment);
  const model = deployment.spec.properties.model ?? "(no model)";
  const failed = deployment.failure?.code;
  if (failed === "ImageBuildFailure" || failed === "OutOfQuota") return [];
  if (failed === "BadArgument") {
    return [
      `${at(1)} | INFO | azureml-storage-initializer | Starting storage initializer for deployment '${deployment.name}'`,
      `${at(2)} | INFO | azureml-storage-initializer | Resolving model ${model}`,
      `${at(4)} | ERROR | azureml-storage-initializer | Unable to download user model: This request is not authorized to perform this operation using this permission. ErrorCode: AuthorizationPermissionMismatch`,
      `${at(4)} | ERROR | azureml-storage-initializer | Storage initializer failed; the inference server will not start`,
    ];
  }
  return [
    `${at(1)} | INFO | azureml-storage-initializer | Starting storage initializer for deployment '${deployment.name}'`,
    `${at(2)} | INFO | azureml-storage-initializer | Resolving model ${model}`,
    `${at(4)} | INFO | azureml-storage-initializer | Downloading model artifacts to /var/azureml-app/azureml-models`,
    `${at(9)} | INFO | azureml-storage-initializer | Downloaded 3 files (41.7 MB)`,
    `${at(10)} | INFO | azureml-storage-initializer | Storage initializer completed successfully`,
  ];
}

function inferenceServerLines(deployment: DeploymentRecord): string[] {
  const at = timestamps(deployment);
  const { instanceType, model } = deployment.spec.properties;
  const state = deployment.meta.provisioningState;
  switch (deployment.failure?.code) {
    case "OutOfQuota":
    case "BadArgument":
      return [];
    case "ImageBuildFailure":
      return imageBuildLines(deployment, at);
    case "ResourceNotReady":
      return notReadyLines(deployment, at);
  }
  const lines = [
    `${at(12)} | INFO | Azure ML Inferencing HTTP server v1.3.2`,
    `${at(12)} | INFO | Server Settings: Entry Script Name: score.py, Model Directory: /var/azureml-app/azureml-models, Worker Count: 1`,
    `${at(13)} | INFO | Instance type ${instanceType}, model ${model ?? "(none)"}`,
    `${at(14)} | INFO | Initializing logger`,
    `${at(15)} | INFO | Invoking user's init function`,
  ];
  if (state === "Failed") {
    lines.push(
      `${at(16)} | ERROR | User's init function failed`,
      `${at(16)} | ERROR | Encountered Exception: Traceback (most recent call last): ModelLoadError: could not load model`,
      `${at(17)} | INFO | Worker exiting (pid: 98)`,
    );
    return lines;
  }
  lines.push(
    `${at(17)} | INFO | Users's init has completed successfully`,
    `${at(17)} | INFO | Scoring timeout is set to ${String(deployment.spec.properties.requestSettings["requestTimeout"] ?? "PT5S")}`,
    `${at(18)} | INFO | Swagger file not present`,
    `${at(18)} | INFO | Listening at: http://0.0.0.0:31311 (1)`,
    `${at(25)} | INFO | GET /readiness 200`,
    `${at(35)} | INFO | GET /liveness 200`,
    `${at(61)} | INFO | POST /score 200 12.4ms`,
  );
  return lines;
}

/** The container never started: what the image build printed before it failed. */
function imageBuildLines(deployment: DeploymentRecord, at: (offsetSeconds: number) => string): string[] {
  const log = buildLogLocation(deployment);
  return [
    `${at(1)} | ERROR | The inference server did not start: its image failed to build (ImageBuildFailure). Build log: https://${log.account}.blob.core.windows.net/${log.container}/${log.path}`,
    `${at(2)} | INFO | #8 [5/7] RUN conda env create -p /azureml-envs/azureml_env -f conda_dependencies.yml`,
    `${at(40)} | INFO | Installing pip dependencies: ...working... Pip subprocess error:`,
    `${at(41)} | ERROR | ERROR: Could not find a version that satisfies the requirement scikit-learn==9.9.9 (from versions: 1.5.0, 1.5.1, 1.5.2)`,
    `${at(41)} | ERROR | ERROR: No matching distribution found for scikit-learn==9.9.9`,
    `${at(42)} | ERROR | CondaEnvException: Pip failed`,
    `${at(42)} | ERROR | executor failed running [/bin/sh -c conda env create ...]: exit code: 1`,
  ];
}

/** The server starts, init() never finishes, the readiness probe keeps failing until AML gives up. */
function notReadyLines(deployment: DeploymentRecord, at: (offsetSeconds: number) => string): string[] {
  const threshold = Number(deployment.spec.properties.readinessProbe["failureThreshold"] ?? 30);
  const shown = Math.min(3, threshold);
  const probes = Array.from({ length: shown }, (_, i) => `${at(25 + i * 10)} | INFO | GET /readiness 503 (init() has not completed)`);
  return [
    `${at(12)} | INFO | Azure ML Inferencing HTTP server v1.3.2`,
    `${at(12)} | INFO | Server Settings: Entry Script Name: score.py, Model Directory: /var/azureml-app/azureml-models, Worker Count: 1`,
    `${at(15)} | INFO | Invoking user's init function`,
    `${at(16)} | INFO | Loading model from /var/azureml-app/azureml-models/${deployment.spec.properties.model ?? "model"}`,
    ...probes,
    `${at(25 + shown * 10)} | ERROR | Readiness probe failed ${threshold} times; the container is not ready and will be terminated`,
  ];
}
