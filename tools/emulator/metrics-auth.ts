/**
 * Bearer tokens for the metrics data plane. Its OAuth scope is `https://metrics.monitor.azure.com/.default`
 * (securityDefinitions of the 2024-02-01 metricBatch swagger); the public `MetricsClient` of
 * @azure/monitor-query-metrics 1.0.0 asks for `https://management.azure.com/.default` unless told otherwise
 * (dist/esm/metricsClient.js), and works against Azure, so both audiences are accepted here.
 */
import { ArmError } from "./arm-errors.js";
import { headerValue } from "./http-kit.js";
import type { RouteContext } from "./router.js";
import { ARM_AUDIENCES, type TokenIssuer, type TokenPrincipal } from "./token-issuer.js";

export const METRICS_AUDIENCE = "https://metrics.monitor.azure.com";
const ACCEPTED = [METRICS_AUDIENCE, ...ARM_AUDIENCES];

export function authenticateMetrics(issuer: TokenIssuer, ctx: RouteContext): TokenPrincipal {
  const challenge = `Bearer authorization_uri="${ctx.baseUrl}/${issuer.defaultTenantId}", error="invalid_token"`;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(ctx.req, "authorization") ?? "")?.[1];
  const fail = (code: string, message: string): never => {
    throw new ArmError(401, code, message, { headers: { "WWW-Authenticate": challenge } });
  };
  if (token === undefined) return fail("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or not a Bearer token.");
  const check = issuer.checkToken(token, ACCEPTED);
  if (!check.ok) return fail(check.code, check.message);
  return check.principal;
}
