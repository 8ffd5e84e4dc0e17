/**
 * ARM-shaped errors. Every failure the emulator answers with goes through `ArmError`, so clients see the
 * `{ error: { code, message, details, additionalInfo } }` body that Azure Resource Manager and the
 * Azure ML resource provider return (the `default` response of the published swagger examples).
 */

export interface ArmAdditionalInfo {
  type: string;
  info: unknown;
}

export interface ArmErrorBody {
  error: {
    code: string;
    message: string;
    target?: string;
    details: ArmErrorBody["error"][];
    additionalInfo: ArmAdditionalInfo[];
  };
}

export class ArmError extends Error {
  override readonly name = "ArmError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {
      headers?: Record<string, string>;
      additionalInfo?: ArmAdditionalInfo[];
      target?: string;
      /** Inner errors, as AML nests a specific code under a generic one (`UserError` → `ModelNotFound`). */
      details?: { code: string; message: string }[];
    } = {},
  ) {
    super(message);
  }

  toBody(): ArmErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.extra.target === undefined ? {} : { target: this.extra.target }),
        details: (this.extra.details ?? []).map((detail) => ({ ...detail, details: [], additionalInfo: [] })),
        additionalInfo: this.extra.additionalInfo ?? [],
      },
    };
  }
}

/** AML's resource provider attaches the values it formatted into a message as `MessageParameters`. */
function messageParameters(value: Record<string, string>): ArmAdditionalInfo[] {
  return [{ type: "MessageParameters", info: { value } }];
}

export const armErrors = {
  missingApiVersion: () =>
    new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."),

  invalidApiVersion: (value: string) =>
    new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${value}' is invalid. The supported versions are of the form 'YYYY-MM-DD' or 'YYYY-MM-DD-preview'.`,
    ),

  invalidJson: (detail: string) =>
    new ArmError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: '${detail}'.`),

  /** AML reports request-level validation failures with the `BadArgument` code (see its troubleshooting guide). */
  badArgument: (message: string, target?: string) =>
    new ArmError(400, "BadArgument", message, target === undefined ? {} : { target }),

  locationRequired: () => new ArmError(400, "LocationRequired", "The location property is required for this definition."),

  subscriptionNotFound: (subscriptionId: string) =>
    new ArmError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`),

  resourceGroupNotFound: (resourceGroup: string) =>
    new ArmError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`),

  workspaceNotFound: (resourceGroup: string, workspace: string) =>
    new ArmError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.MachineLearningServices/workspaces/${workspace}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),

  endpointNotFound: (workspace: string, endpoint: string) =>
    new ArmError(404, "UserError", `Endpoint ${endpoint} not found in workspace ${workspace}`, {
      additionalInfo: messageParameters({ endpointName: endpoint, workspaceName: workspace }),
    }),

  /** Wording as AML returns it (seen in Azure-Samples/contoso-chat#139). */
  deploymentNotFound: (workspace: string, endpoint: string, deployment: string) =>
    new ArmError(404, "UserError", `Deployment ${deployment} not found in endpoint ${endpoint}, workspace ${workspace}`, {
      additionalInfo: messageParameters({ deploymentName: deployment, endpointName: endpoint, workspaceName: workspace }),
    }),

  /**
   * A model reference that names no registered version. AML answers `UserError` with the specific `ModelNotFound`
   * inside ("Model container with name: patient-model not found.", seen in Azure/mlops-v2#76); a deployment PUT
   * refuses it as a bad request.
   */
  modelNotFound: (reference: string, detail: string, parameters: Record<string, string>) =>
    new ArmError(400, "UserError", `The model '${reference}' of the deployment was not found: ${detail}`, {
      target: "properties.model",
      details: [{ code: "ModelNotFound", message: detail }],
      additionalInfo: messageParameters(parameters),
    }),

  operationNotFound: (operationId: string) =>
    new ArmError(404, "NotFound", `Operation '${operationId}' was not found or has expired.`),

  invalidResourceType: (type: string, apiVersion: string) =>
    new ArmError(
      404,
      "InvalidResourceType",
      `The resource type '${type}' could not be found in the namespace 'Microsoft.MachineLearningServices' for api version '${apiVersion}'.`,
    ),

  routeNotFound: (path: string) => new ArmError(404, "NotFound", `No route matches '${path}'.`),

  methodNotAllowed: (method: string, allowed: string[]) =>
    new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`, {
      headers: { Allow: allowed.join(", ") },
    }),

  conflict: (message: string) => new ArmError(409, "Conflict", message),

  preconditionFailed: (message: string) => new ArmError(412, "PreconditionFailed", message),

  payloadTooLarge: (limit: number) =>
    new ArmError(413, "RequestEntityTooLarge", `The request body exceeds the limit of ${limit} bytes.`),

  internal: (message: string) => new ArmError(500, "InternalServerError", message),
};

export function asArmError(error: unknown): ArmError {
  if (error instanceof ArmError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return armErrors.internal(`The AML emulator failed to handle the request: ${message}`);
}
