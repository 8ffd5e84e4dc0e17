/**
 * The ways a managed deployment's create (or update) operation fails in Azure ML, as its troubleshooting guide
 * lists them ("Troubleshoot online endpoint deployment and scoring", MicrosoftDocs/azure-ai-docs, *Common
 * deployment errors*), each with the code the operation status reports and a message in the service's terms.
 * Asked for with an operation fault (`failOperations: [{ failure: "ImageBuildFailure", name: "canary" }]`);
 * `fake-logs.ts` then shows matching container logs.
 *
 * - ImageBuildFailure: the environment's image did not build; the error names where the build log is.
 * - BadArgument: the deployment's inputs could not be used, here the model could not be downloaded.
 * - ResourceNotReady: the container never passed its readiness probe (the guide's "Container initialization
 *   takes too long, so the readiness or liveness probe fails beyond the failure threshold").
 * - OutOfQuota: the region had no capacity left for the VM size (the guide's "Region-wide VM capacity"); a
 *   request beyond the subscription's quota is refused at once instead (quota.ts).
 */
import { createHash } from "node:crypto";
import { vmSizeOf } from "./managed-skus.js";
import type { DeploymentRecord } from "./state.js";

export const DEPLOYMENT_FAILURES = ["OutOfQuota", "ImageBuildFailure", "BadArgument", "ResourceNotReady"] as const;
export type DeploymentFailureKind = (typeof DEPLOYMENT_FAILURES)[number];

/** Where the image build log of a deployment is kept: the workspace's storage account, as AML names it. */
export function buildLogLocation(deployment: DeploymentRecord): { account: string; container: string; path: string } {
  const ws = deployment.endpoint.workspace;
  const account = `${ws.name.toLowerCase().replace(/[^a-z0-9]/g, "")}store${hash(ws.name).slice(0, 6)}`.slice(0, 24);
  const image = hash(`${ws.name}/${deployment.spec.properties.environmentId ?? deployment.name}`).slice(0, 32);
  return { account, container: "azureml", path: `ImageLogs/${image}/build.log` };
}

/** What the operation status reports (the shape of `lro.ts`'s OperationError, which refers to this module). */
export interface DeploymentFailure {
  readonly code: DeploymentFailureKind;
  readonly message: string;
}

export function describeDeploymentFailure(kind: DeploymentFailureKind, deployment: DeploymentRecord): DeploymentFailure {
  const { properties, sku } = deployment.spec;
  switch (kind) {
    case "ImageBuildFailure": {
      const log = buildLogLocation(deployment);
      return {
        code: kind,
        message:
          `Image build failed for environment ${properties.environmentId ?? "(inline)"} of deployment '${deployment.name}': pip could not install the ` +
          `environment's dependencies. For more details, check the build log under the storage account '${log.account}' in the container ` +
          `'${log.container}' at the path '${log.path}'.`,
      };
    }
    case "BadArgument":
      return {
        code: kind,
        message:
          `Unable to download user model: the storage initializer of deployment '${deployment.name}' could not read the artifacts of ` +
          `${properties.model ?? "its model"} from the workspace storage account (AuthorizationPermissionMismatch). Make sure the model is ` +
          `registered in the same workspace as the deployment and that the endpoint's identity can read the workspace storage account.`,
      };
    case "ResourceNotReady": {
      const probe = properties.readinessProbe;
      return {
        code: kind,
        message:
          `User container has crashed or terminated: deployment '${deployment.name}' never became ready. Its readiness probe failed ` +
          `${String(probe["failureThreshold"])} times (${String(probe["period"])} apart after ${String(probe["initialDelay"])}). ` +
          `Check the inference server log (get-logs) for an error in score.py's init(), or allow the container longer to start.`,
      };
    }
    case "OutOfQuota": {
      const size = vmSizeOf(properties.instanceType);
      return {
        code: kind,
        message:
          `Not enough capacity for ${properties.instanceType}${size === undefined ? "" : ` (${size.family})`} in region ${deployment.spec.location}: ` +
          `due to a lack of Azure Machine Learning capacity in the region, the service failed to provision ${sku.capacity} instance` +
          `${sku.capacity === 1 ? "" : "s"} of the specified VM size. Retry later or try deploying to a different region.`,
      };
    }
  }
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
