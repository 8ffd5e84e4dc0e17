/**
 * The Entra ID endpoints a client-credential caller needs: token (v2 with `scope`, v1 with `resource`),
 * OpenID discovery and instance discovery, so MSAL-based credentials (e.g. `ClientSecretCredential` with
 * `authorityHost` set to the emulator) work against it. Errors use Entra's `{ error, error_description,
 * error_codes }` shape. Secrets and tokens are never logged.
 */
import { randomUUID } from "node:crypto";
import type { HttpResult } from "./http-kit.js";
import type { Route, RouteContext } from "./router.js";
import type { TokenIssuer } from "./token-issuer.js";

export interface TokenRoutesConfig {
  issuer: TokenIssuer;
  tenantId: string;
  /** When set, only these credentials get tokens. */
  clients?: readonly { clientId: string; clientSecret: string }[];
}

const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);

export function tokenRoutes(config: TokenRoutesConfig): Route[] {
  function entraError(status: number, error: string, code: number, description: string): HttpResult {
    const traceId = randomUUID();
    const timestamp = new Date().toISOString();
    return {
      status,
      body: {
        error,
        error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${randomUUID()} Timestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: randomUUID(),
      },
    };
  }

  function checkTenant(ctx: RouteContext): HttpResult | undefined {
    const tenant = ctx.params["tenantId"] ?? "";
    if (tenant.toLowerCase() === config.tenantId.toLowerCase()) return undefined;
    return entraError(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }

  /** Validates a client-credentials form and returns either the audience to mint for, or the error answer. */
  async function checkForm(ctx: RouteContext, version: "v1" | "v2"): Promise<{ form: URLSearchParams; audience: string } | HttpResult> {
    const form = new URLSearchParams((await ctx.rawBody()).toString("utf8"));
    const grantType = form.get("grant_type");
    if (grantType !== "client_credentials") {
      return entraError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'. The AML emulator supports client_credentials only.`);
    }
    const clientId = form.get("client_id") ?? "";
    const secret = form.get("client_secret") ?? "";
    if (clientId === "") return entraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
    if (secret === "") return entraError(401, "invalid_client", 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
    if (config.clients !== undefined) {
      const known = config.clients.find((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
      if (known === undefined) {
        return entraError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${config.tenantId}'.`);
      }
      if (known.clientSecret !== secret) {
        return entraError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
      }
    }
    if (version === "v1") {
      const resource = form.get("resource") ?? "";
      if (resource === "") return entraError(400, "invalid_resource", 500011, "The resource principal was not found: the 'resource' parameter is required.");
      return { form, audience: resource };
    }
    const scopes = (form.get("scope") ?? "").split(" ").filter((s) => s !== "" && !OIDC_SCOPES.has(s));
    const scope = scopes[0];
    if (scopes.length !== 1 || scope === undefined || !scope.endsWith("/.default")) {
      return entraError(400, "invalid_scope", 1002012, `The provided value for scope '${form.get("scope") ?? ""}' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    return { form, audience: scope.slice(0, -"/.default".length).replace(/\/+$/, "") };
  }

  async function tokenV2(ctx: RouteContext): Promise<HttpResult> {
    const tenantError = checkTenant(ctx);
    if (tenantError !== undefined) return tenantError;
    const checked = await checkForm(ctx, "v2");
    if ("status" in checked) return checked;
    const issued = config.issuer.issue({ audience: checked.audience, clientId: checked.form.get("client_id") ?? undefined });
    return {
      status: 200,
      body: { token_type: "Bearer", expires_in: issued.expiresInSeconds, ext_expires_in: issued.expiresInSeconds, access_token: issued.accessToken },
    };
  }

  async function tokenV1(ctx: RouteContext): Promise<HttpResult> {
    const tenantError = checkTenant(ctx);
    if (tenantError !== undefined) return tenantError;
    const checked = await checkForm(ctx, "v1");
    if ("status" in checked) return checked;
    const issued = config.issuer.issue({ audience: checked.audience, clientId: checked.form.get("client_id") ?? undefined });
    // The v1 endpoint answers with numbers as strings.
    return {
      status: 200,
      body: {
        token_type: "Bearer",
        expires_in: String(issued.expiresInSeconds),
        ext_expires_in: String(issued.expiresInSeconds),
        expires_on: String(issued.expiresOn),
        not_before: String(issued.notBefore),
        resource: checked.audience,
        access_token: issued.accessToken,
      },
    };
  }

  function openIdConfiguration(ctx: RouteContext): HttpResult {
    const tenantError = checkTenant(ctx);
    if (tenantError !== undefined) return tenantError;
    const tenant = ctx.params["tenantId"] ?? config.tenantId;
    const base = `${ctx.baseUrl}/${tenant}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["HS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        issuer: config.issuer.issuerFor(tenant),
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${base}/openid/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid", "appid", "azp", "ver"],
        tenant_region_scope: "EU",
        cloud_instance_name: new URL(ctx.baseUrl).host,
        cloud_graph_host_name: new URL(ctx.baseUrl).host,
        msgraph_host: new URL(ctx.baseUrl).host,
      },
    };
  }

  /** HS256 tokens have no public key to publish; the key set is empty. */
  function keys(): HttpResult {
    return { status: 200, body: { keys: [] } };
  }

  function instanceDiscovery(ctx: RouteContext): HttpResult {
    const host = new URL(ctx.baseUrl).host;
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${ctx.baseUrl}/${config.tenantId}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  }

  return [
    { name: "entra.token.v2", methods: ["POST"], pattern: "/{tenantId}/oauth2/v2.0/token", access: "public", handle: tokenV2 },
    { name: "entra.token.v1", methods: ["POST"], pattern: "/{tenantId}/oauth2/token", access: "public", handle: tokenV1 },
    { name: "entra.oidc.v2", methods: ["GET"], pattern: "/{tenantId}/v2.0/.well-known/openid-configuration", access: "public", handle: openIdConfiguration },
    { name: "entra.oidc.v1", methods: ["GET"], pattern: "/{tenantId}/.well-known/openid-configuration", access: "public", handle: openIdConfiguration },
    { name: "entra.keys", methods: ["GET"], pattern: "/{tenantId}/discovery/v2.0/keys", access: "public", handle: keys },
    { name: "entra.instance", methods: ["GET"], pattern: "/common/discovery/instance", access: "public", handle: instanceDiscovery },
  ];
}
