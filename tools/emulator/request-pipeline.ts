/**
 * Handles one HTTP request: record it, apply injected latency and canned faults, route it, check ARM
 * credentials and `api-version`, run the handler and write the answer (ARM error shape on failure).
 * Tokens and secrets never reach the request log: only method, path, query and status are kept.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ArmError, armErrors, asArmError } from "./arm-errors.js";
import type { RecordedRequest } from "./control.routes.js";
import type { Faults, RequestFaultRule } from "./faults.js";
import { headerValue, newRequestId, parseJsonBody, readBody, tracingHeaders, writeResult, type HttpResult } from "./http-kit.js";
import type { RouteContext, Router } from "./router.js";
import type { TokenIssuer, TokenPrincipal } from "./token-issuer.js";

export interface PipelineDeps {
  router: Router;
  issuer: TokenIssuer;
  faults: Faults;
  requests: RecordedRequest[];
  baseUrl(): string;
  /** Azure RBAC for ARM routes (rbac-enforcement.ts): throws ARM's 403 for an action the caller is not granted. */
  authorize?: (method: string, path: string, principal: TokenPrincipal) => void;
}

const CONTROL_PREFIX = "/__emulator/";
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
/** The log is a ring: long-running `npm run emulator` sessions must not grow without bound. */
const MAX_RECORDED_REQUESTS = 10_000;

export function createRequestHandler(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(deps, req, res);
  };
}

async function handle(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const at = new Date().toISOString();
  const baseUrl = deps.baseUrl();
  // Concatenate rather than resolve: a path such as `//x` must stay a path, not become a host.
  const rawUrl = req.url ?? "/";
  const url = new URL(`${baseUrl}${rawUrl.startsWith("/") ? rawUrl : `/${rawUrl}`}`);
  const method = (req.method ?? "GET").toUpperCase();
  const path = url.pathname;
  const isControl = path.startsWith(CONTROL_PREFIX);
  let result: HttpResult;
  try {
    if (!isControl) {
      const delay = deps.faults.takeLatency(method, path);
      if (delay > 0) await sleep(delay);
      const fault = deps.faults.takeRequestFault(method, path);
      if (fault !== undefined) throw injectedError(fault);
    }
    result = await route(deps, req, { method, path, query: url.searchParams, requestId, baseUrl });
  } catch (error) {
    const armError = asArmError(error);
    result = { status: armError.status, body: armError.toBody(), headers: { ...armError.extra.headers, "x-ms-error-code": armError.code } };
  }
  if (!res.headersSent && !res.destroyed) writeResult(res, result, tracingHeaders(req, requestId));
  if (!isControl) record(deps.requests, { method, path, query: Object.fromEntries(url.searchParams), status: result.status, at, requestId });
}

interface RequestLine {
  method: string;
  path: string;
  query: URLSearchParams;
  requestId: string;
  baseUrl: string;
}

async function route(deps: PipelineDeps, req: IncomingMessage, line: RequestLine): Promise<HttpResult> {
  const match = deps.router.match(line.method, line.path);
  if (match.kind === "wrong-method") throw armErrors.methodNotAllowed(line.method, match.allowed);
  if (match.kind === "none") throw notFound(line);
  const { route: found, params } = match;
  let principal: TokenPrincipal | undefined;
  let apiVersion = "";
  if (found.access === "arm") {
    principal = authenticate(deps.issuer, req, deps.issuer.defaultTenantId, line.baseUrl);
    apiVersion = requireApiVersion(line.query);
    deps.authorize?.(line.method, line.path, principal);
  }
  return found.handle(makeContext(req, line, params, principal, apiVersion));
}

function makeContext(
  req: IncomingMessage,
  line: RequestLine,
  params: Record<string, string>,
  principal: TokenPrincipal | undefined,
  apiVersion: string,
): RouteContext {
  let body: Promise<Buffer> | undefined;
  const rawBody = () => (body ??= readBody(req));
  return {
    req,
    method: line.method,
    path: line.path,
    query: line.query,
    params,
    requestId: line.requestId,
    baseUrl: line.baseUrl,
    principal,
    apiVersion,
    rawBody,
    jsonBody: async () => parseJsonBody(await rawBody()),
  };
}

function authenticate(issuer: TokenIssuer, req: IncomingMessage, tenantId: string, baseUrl: string): TokenPrincipal {
  const header = headerValue(req, "authorization");
  const challenge = (description: string) =>
    `Bearer authorization_uri="${baseUrl}/${tenantId}", error="invalid_token", error_description="${description}"`;
  if (header === undefined || header.trim() === "") {
    throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", {
      headers: { "WWW-Authenticate": challenge("The authentication failed because of missing 'Authorization' header.") },
    });
  }
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (token === undefined) {
    throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.", {
      headers: { "WWW-Authenticate": challenge("The authentication failed because the 'Authorization' header is not a Bearer token.") },
    });
  }
  const check = issuer.checkArmToken(token);
  if (!check.ok) {
    throw new ArmError(401, check.code, check.message, { headers: { "WWW-Authenticate": challenge(check.message) } });
  }
  return check.principal;
}

function requireApiVersion(query: URLSearchParams): string {
  const apiVersion = query.get("api-version");
  if (apiVersion === null || apiVersion === "") throw armErrors.missingApiVersion();
  if (!API_VERSION.test(apiVersion)) throw armErrors.invalidApiVersion(apiVersion);
  return apiVersion;
}

/** Unknown child types of a workspace get ARM's `InvalidResourceType`; anything else a plain 404. */
function notFound(line: RequestLine): ArmError {
  const typed = /\/providers\/Microsoft\.MachineLearningServices\/(workspaces\/[^/]+\/.+)$/i.exec(line.path);
  if (typed?.[1] !== undefined) {
    const segments = typed[1].split("/");
    const type = segments.filter((_, i) => i % 2 === 0).join("/");
    return armErrors.invalidResourceType(type, line.query.get("api-version") ?? "");
  }
  return armErrors.routeNotFound(line.path);
}

function injectedError(fault: RequestFaultRule): ArmError {
  const defaults: Record<number, [string, string]> = {
    429: ["TooManyRequests", "The request is being throttled as the limit has been reached for this operation type. Retry after the time in the Retry-After header."],
    500: ["InternalServerError", "Encountered an internal server error. (injected by the AML emulator)"],
    503: ["ServiceUnavailable", "The service is temporarily unavailable. Retry after the time in the Retry-After header."],
  };
  const [code, message] = defaults[fault.status] ?? ["InjectedFault", `Injected HTTP ${fault.status} fault.`];
  const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 || fault.status === 503 ? 1 : undefined);
  return new ArmError(fault.status, fault.code ?? code, fault.message ?? message, {
    headers: retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) },
  });
}

function record(requests: RecordedRequest[], entry: RecordedRequest): void {
  requests.push(entry);
  if (requests.length > MAX_RECORDED_REQUESTS) requests.splice(0, requests.length - MAX_RECORDED_REQUESTS);
}
