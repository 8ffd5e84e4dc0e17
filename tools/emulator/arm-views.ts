/**
 * Renders stored records as the ARM JSON Azure ML returns (the shapes of the published swagger examples):
 * full ARM id, type, systemData, and service-computed properties such as scoringUri and provisioningState.
 */
import { DEPLOYMENT_TYPE, ENDPOINT_TYPE, scoringUri, swaggerUri } from "./arm-ids.js";
import { recordId, type DeploymentRecord, type EndpointRecord, type ResourceMeta } from "./state.js";

function systemData(meta: ResourceMeta) {
  return {
    createdAt: meta.created.at,
    createdBy: meta.created.by,
    createdByType: meta.created.byType,
    lastModifiedAt: meta.modified.at,
    lastModifiedBy: meta.modified.by,
    lastModifiedByType: meta.modified.byType,
  };
}

export function endpointView(record: EndpointRecord, baseUrl: string): Record<string, unknown> {
  const { spec, meta, workspace } = record;
  const id = recordId(record);
  return {
    id,
    name: record.name,
    type: ENDPOINT_TYPE,
    location: spec.location,
    tags: { ...spec.tags },
    kind: spec.kind,
    identity: structuredClone(spec.identity),
    ...(spec.sku === undefined ? {} : { sku: structuredClone(spec.sku) }),
    systemData: systemData(meta),
    properties: {
      ...(spec.properties.description === undefined ? {} : { description: spec.properties.description }),
      // AML adds its own bookkeeping entries next to the client's free-form properties.
      properties: {
        ...spec.properties.properties,
        "azureml.onlineendpointid": id.toLowerCase(),
        ...(record.lastOperationUri === undefined ? {} : { AzureAsyncOperationUri: record.lastOperationUri }),
      },
      authMode: spec.properties.authMode,
      scoringUri: scoringUri(baseUrl, workspace.name, record.name),
      swaggerUri: swaggerUri(baseUrl, workspace.name, record.name),
      traffic: { ...spec.properties.traffic },
      mirrorTraffic: { ...spec.properties.mirrorTraffic },
      publicNetworkAccess: spec.properties.publicNetworkAccess,
      ...(spec.properties.compute === undefined ? {} : { compute: spec.properties.compute }),
      provisioningState: meta.provisioningState,
    },
  };
}

export function deploymentView(record: DeploymentRecord): Record<string, unknown> {
  const { spec, meta } = record;
  return {
    id: recordId(record),
    name: record.name,
    type: DEPLOYMENT_TYPE,
    location: spec.location,
    tags: { ...spec.tags },
    kind: spec.kind,
    ...(spec.identity === undefined ? {} : { identity: structuredClone(spec.identity) }),
    sku: { ...spec.sku },
    systemData: systemData(meta),
    properties: {
      ...structuredClone(spec.properties),
      properties: {
        ...spec.properties.properties,
        ...(record.lastOperationUri === undefined ? {} : { AzureAsyncOperationUri: record.lastOperationUri }),
      },
      provisioningState: meta.provisioningState,
    },
  };
}
