/**
 * ARM resource ids, types and route patterns for the Azure ML online-endpoint resources, in one place so
 * the routes, the views and the control surface agree on spelling.
 */
export const PROVIDER = "Microsoft.MachineLearningServices";
export const WORKSPACE_TYPE = `${PROVIDER}/workspaces`;
export const ENDPOINT_TYPE = `${PROVIDER}/workspaces/onlineEndpoints`;
export const DEPLOYMENT_TYPE = `${PROVIDER}/workspaces/onlineEndpoints/deployments`;

export const WORKSPACE_PATTERN =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}";
export const ENDPOINTS_PATTERN = `${WORKSPACE_PATTERN}/onlineEndpoints`;
export const ENDPOINT_PATTERN = `${ENDPOINTS_PATTERN}/{endpointName}`;
export const DEPLOYMENTS_PATTERN = `${ENDPOINT_PATTERN}/deployments`;
export const DEPLOYMENT_PATTERN = `${DEPLOYMENTS_PATTERN}/{deploymentName}`;
export const LOCATION_PATTERN = "/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/locations/{location}";

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export function workspaceId(ws: WorkspaceRef): string {
  return `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/${WORKSPACE_TYPE}/${ws.name}`;
}

export function endpointId(ws: WorkspaceRef, endpoint: string): string {
  return `${workspaceId(ws)}/onlineEndpoints/${endpoint}`;
}

export function deploymentId(ws: WorkspaceRef, endpoint: string, deployment: string): string {
  return `${endpointId(ws, endpoint)}/deployments/${deployment}`;
}

/** Path of an async-operation resource, as found in `Azure-AsyncOperation` / `Location` headers. */
export function operationPath(
  subscriptionId: string,
  location: string,
  kind: "mfeOperationsStatus" | "mfeOperationResults",
  operationId: string,
): string {
  return `/subscriptions/${subscriptionId}/providers/${PROVIDER}/locations/${location}/${kind}/${operationId}`;
}

/**
 * Where the scoring plane answers for an endpoint. Azure uses `https://{endpoint}.{region}.inference.ml.azure.com/score`;
 * the emulator has one host, so the workspace and endpoint move into the path.
 */
export function scoringUri(baseUrl: string, workspace: string, endpoint: string): string {
  return `${baseUrl}/inference/${encodeURIComponent(workspace)}/${encodeURIComponent(endpoint)}/score`;
}

export function swaggerUri(baseUrl: string, workspace: string, endpoint: string): string {
  return `${baseUrl}/inference/${encodeURIComponent(workspace)}/${encodeURIComponent(endpoint)}/swagger.json`;
}

/** Route patterns matching `scoringUri` / `swaggerUri`, for the scoring plane's routes. */
export const SCORING_PATTERN = "/inference/{workspaceName}/{endpointName}/score";
export const SWAGGER_PATTERN = "/inference/{workspaceName}/{endpointName}/swagger.json";
