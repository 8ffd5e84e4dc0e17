/**
 * Turns online-endpoint request bodies into specs. PUT replaces the whole resource, so whatever the body
 * leaves out falls back to AML's defaults (an omitted `mirrorTraffic` clears the mirror); PATCH only takes
 * `tags` and `identity`, matching the `PartialMinimalTrackedResourceWithIdentity` body of the REST API.
 */
import { armErrors } from "./arm-errors.js";
import { checkMirrorTraffic, checkTraffic } from "./aml-rules.js";
import {
  isObject,
  normalizeIdentity,
  optionalEnum,
  optionalNumberMap,
  optionalObject,
  optionalString,
  optionalStringMap,
  requireEnum,
  requireObject,
} from "./body-fields.js";
import type { AuthMode, EndpointSpec } from "./state.js";

const AUTH_MODES: readonly AuthMode[] = ["AMLToken", "Key", "AADToken"];

export interface EndpointBodyContext {
  endpointName: string;
  resourceId: string;
  tenantId: string;
  workspaceLocation: string;
  /** Names of the endpoint's existing deployments (empty when creating). */
  deployments: readonly string[];
}

export function parseEndpointPut(body: unknown, ctx: EndpointBodyContext): EndpointSpec {
  if (body === undefined) throw armErrors.badArgument("The request body is empty; send the online endpoint to create or replace.");
  const resource = requireObject(body, "The request body");
  const location = optionalString(resource["location"], "location");
  if (location === undefined || location.trim() === "") throw armErrors.locationRequired();
  const props = requireObject(resource["properties"], "properties");
  const rawTraffic = optionalNumberMap(props["traffic"], "properties.traffic");
  const rawMirror = optionalNumberMap(props["mirrorTraffic"], "properties.mirrorTraffic");
  const trafficViolation = checkTraffic(rawTraffic, ctx.endpointName, ctx.deployments);
  if (trafficViolation !== undefined) throw armErrors.badArgument(trafficViolation, "properties.traffic");
  const mirrorViolation = checkMirrorTraffic(rawMirror, rawTraffic, ctx.endpointName, ctx.deployments);
  if (mirrorViolation !== undefined) throw armErrors.badArgument(mirrorViolation, "properties.mirrorTraffic");
  const traffic = canonicalNames(rawTraffic, ctx.deployments);
  const mirrorTraffic = canonicalNames(rawMirror, ctx.deployments);

  const sku = optionalObject(resource["sku"], "sku");
  const description = optionalString(props["description"], "properties.description");
  const compute = optionalString(props["compute"], "properties.compute");
  return {
    // A child resource lives where its workspace lives, whatever the body says.
    location: ctx.workspaceLocation,
    kind: optionalString(resource["kind"], "kind") ?? "Managed",
    tags: optionalStringMap(resource["tags"], "tags"),
    identity: normalizeIdentity(resource["identity"], "identity", ctx.resourceId, ctx.tenantId),
    ...(sku === undefined ? {} : { sku }),
    properties: {
      authMode: requireEnum(props["authMode"], AUTH_MODES, "properties.authMode"),
      ...(description === undefined ? {} : { description }),
      properties: optionalStringMap(props["properties"], "properties.properties"),
      traffic,
      mirrorTraffic,
      publicNetworkAccess: optionalEnum(props["publicNetworkAccess"], ["Enabled", "Disabled"], "properties.publicNetworkAccess") ?? "Enabled",
      ...(compute === undefined ? {} : { compute }),
    },
  };
}

/** PATCH may change `tags` and `identity` only; anything else needs a PUT of the whole endpoint. */
export function parseEndpointPatch(body: unknown, current: EndpointSpec, ctx: EndpointBodyContext): EndpointSpec {
  const patch = body === undefined ? {} : requireObject(body, "The request body");
  for (const key of Object.keys(patch)) {
    if (key === "tags" || key === "identity") continue;
    const props = patch[key];
    if (key === "properties" && isObject(props) && ("traffic" in props || "mirrorTraffic" in props)) {
      const field = "traffic" in props ? "traffic" : "mirrorTraffic";
      throw armErrors.badArgument(
        `properties.${field} can't be changed with PATCH: PATCH on an online endpoint only updates 'tags' and 'identity'. Traffic changes need a PUT (createOrUpdate) of the whole endpoint.`,
        `properties.${field}`,
      );
    }
    throw armErrors.badArgument(
      `'${key}' can't be changed with PATCH: PATCH on an online endpoint only updates 'tags' and 'identity'. Send the whole endpoint with PUT (createOrUpdate) instead.`,
      key,
    );
  }
  return {
    ...current,
    tags: "tags" in patch ? optionalStringMap(patch["tags"], "tags") : current.tags,
    identity: "identity" in patch ? normalizeIdentity(patch["identity"], "identity", ctx.resourceId, ctx.tenantId) : current.identity,
  };
}

/** Traffic keys are deployment names, which are case-insensitive: store them as the deployments spell them. */
function canonicalNames(map: Record<string, number>, deployments: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, value] of Object.entries(map)) {
    const canonical = deployments.find((d) => d.toLowerCase() === name.toLowerCase()) ?? name;
    result[canonical] = value;
  }
  return result;
}
