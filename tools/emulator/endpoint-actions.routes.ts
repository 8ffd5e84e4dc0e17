/**
 * POST actions on an online endpoint: `listKeys` and `regenerateKeys` (authMode Key) and `token`
 * (authMode AMLToken), shaped as the published swagger examples.
 */
import { armErrors } from "./arm-errors.js";
import { ENDPOINT_PATTERN } from "./arm-ids.js";
import { optionalString, requireEnum, requireObject } from "./body-fields.js";
import { json, type HttpResult } from "./http-kit.js";
import type { Route, RouteContext } from "./router.js";
import { beginOperation, workspaceOf, type EmulatorServices } from "./services.js";
import { newEndpointKey, type AuthMode, type EndpointRecord } from "./state.js";

/** AML tokens for scoring live for an hour; clients should refresh after half of that. */
const AML_TOKEN_LIFETIME_SECONDS = 3600;
export const AML_TOKEN_AUDIENCE = "https://ml.azure.com";

export function endpointActionRoutes(services: EmulatorServices): Route[] {
  function endpointOf(ctx: RouteContext): EndpointRecord {
    return services.state.requireEndpoint(workspaceOf(services, ctx), ctx.params["endpointName"] ?? "");
  }

  function requireAuthMode(endpoint: EndpointRecord, wanted: AuthMode, action: string): void {
    const actual = endpoint.spec.properties.authMode;
    if (actual !== wanted) {
      throw armErrors.badArgument(
        `${action} is only available for endpoints with authMode '${wanted}', but online endpoint '${endpoint.name}' uses authMode '${actual}'.`,
        "properties.authMode",
      );
    }
  }

  function listKeys(ctx: RouteContext): HttpResult {
    const endpoint = endpointOf(ctx);
    requireAuthMode(endpoint, "Key", "listKeys");
    return json(200, { primaryKey: endpoint.keys.primaryKey, secondaryKey: endpoint.keys.secondaryKey });
  }

  async function regenerateKeys(ctx: RouteContext): Promise<HttpResult> {
    const endpoint = endpointOf(ctx);
    const body = requireObject(await ctx.jsonBody(), "The request body");
    const keyType = requireEnum(body["keyType"], ["Primary", "Secondary"] as const, "keyType");
    const keyValue = optionalString(body["keyValue"], "keyValue");
    if (keyValue !== undefined && keyValue.trim() === "") throw armErrors.badArgument("keyValue must not be empty; omit it to get a generated key.", "keyValue");
    requireAuthMode(endpoint, "Key", "regenerateKeys");
    const { headers } = beginOperation(
      services,
      ctx,
      {
        resourceType: "endpoint",
        action: "regenerateKeys",
        name: endpoint.name,
        subscriptionId: endpoint.workspace.subscriptionId,
        location: endpoint.workspace.location,
        onSucceeded: () => {
          const value = keyValue ?? newEndpointKey();
          if (keyType === "Primary") endpoint.keys.primaryKey = value;
          else endpoint.keys.secondaryKey = value;
        },
        onFailed: () => undefined,
      },
      true,
    );
    return { status: 202, headers };
  }

  function token(ctx: RouteContext): HttpResult {
    const endpoint = endpointOf(ctx);
    requireAuthMode(endpoint, "AMLToken", "token");
    const issued = services.issuer.issue({
      audience: AML_TOKEN_AUDIENCE,
      clientId: ctx.principal?.clientId,
      expiresInSeconds: AML_TOKEN_LIFETIME_SECONDS,
    });
    return json(200, {
      accessToken: issued.accessToken,
      tokenType: "Bearer",
      expiryTimeUtc: issued.expiresOn,
      refreshAfterTimeUtc: issued.expiresOn - AML_TOKEN_LIFETIME_SECONDS / 2,
    });
  }

  return [
    { name: "endpoints.listKeys", methods: ["POST"], pattern: `${ENDPOINT_PATTERN}/listKeys`, access: "arm", handle: listKeys },
    { name: "endpoints.regenerateKeys", methods: ["POST"], pattern: `${ENDPOINT_PATTERN}/regenerateKeys`, access: "arm", handle: regenerateKeys },
    { name: "endpoints.token", methods: ["POST"], pattern: `${ENDPOINT_PATTERN}/token`, access: "arm", handle: token },
  ];
}
