/**
 * The scoring plane: `POST {url}/inference/{workspace}/{endpoint}/score`, the emulator's form of
 * `https://{endpoint}.{region}.inference.ml.azure.com/score`, answering as AML's front end does:
 * - routing by live traffic weights; a share of live requests copied to the mirror deployment, whose
 *   answers are discarded; `azureml-model-deployment` pins a deployment (even at 0 %), never mirrored;
 * - the deployment that answered in the `azureml-model-deployment` response header;
 * - 401 for a bad credential; 404 when no deployment has positive weight; 408 when the model takes longer
 *   than the deployment's `requestSettings.requestTimeout`; 424 when the model container fails, with
 *   `ms-azureml-model-error-statuscode` / `-reason`; 429 beyond 2 × maxConcurrentRequestsPerInstance × instances.
 * Front-end refusals are plain text; the model's answers are JSON.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SCORING_PATTERN } from "./arm-ids.js";
import { headerValue, json, type HttpResult } from "./http-kit.js";
import type { Route, RouteContext } from "./router.js";
import { authorizeScoring } from "./scoring-auth.js";
import type { ScoringRoute } from "./scoring-ledger.js";
import { predict } from "./scoring-model.js";
import { durationInMs, type ScoringPlane } from "./scoring-plane.js";
import type { EmulatorServices } from "./services.js";
import type { DeploymentRecord, EndpointRecord } from "./state.js";

export const NO_ROUTE_MESSAGE =
  "No valid deployments to route to. Please check that the endpoint has at least one deployment with positive weight values or use a deployment specific header to route.";

export interface ScoringRoutesConfig {
  readonly services: EmulatorServices;
  readonly plane: ScoringPlane;
}

export function scoringRoutes({ services, plane }: ScoringRoutesConfig): Route[] {
  async function score(ctx: RouteContext): Promise<HttpResult> {
    const endpoint = findEndpoint(services, ctx.params["workspaceName"] ?? "", ctx.params["endpointName"] ?? "");
    if (endpoint === undefined) return text(404, `Online endpoint '${ctx.params["endpointName"]}' was not found in workspace '${ctx.params["workspaceName"]}'.`);
    const auth = authorizeScoring(ctx.req, endpoint, services.issuer);
    if (!auth.ok) return text(401, auth.message, { "WWW-Authenticate": "Bearer" });
    const body = await ctx.rawBody();
    const request: ScoredRequest = { body, authorization: headerValue(ctx.req, "authorization") ?? "" };
    const tracing = { "x-request-id": ctx.requestId };
    const pinned = headerValue(ctx.req, "azureml-model-deployment")?.trim();
    if (pinned) {
      const deployment = endpoint.deployments.get(pinned.toLowerCase());
      if (deployment === undefined) {
        return text(404, `Deployment '${pinned}' was not found on online endpoint '${endpoint.name}'. Check the azureml-model-deployment header.`, tracing);
      }
      return withHeaders(await serve(deployment, "pinned", request), tracing);
    }
    const live = plane.pickLive(endpoint);
    if (live === undefined) return text(404, NO_ROUTE_MESSAGE, tracing);
    for (const mirror of plane.pickMirrors(endpoint, live)) {
      // Shadow traffic: sent alongside, its answer discarded; a failure there never reaches the caller.
      void serve(mirror, "mirror", request).catch(() => undefined);
    }
    return withHeaders(await serve(live, "live", request), tracing);
  }

  async function serve(deployment: DeploymentRecord, route: ScoringRoute, request: ScoredRequest): Promise<HttpResult> {
    const at = Date.now();
    const where = { workspace: deployment.endpoint.workspace.name, endpoint: deployment.endpoint.name, deployment: deployment.name };
    plane.ledger.dispatched(where, route, at);
    let result: HttpResult;
    if (!plane.tryEnter(deployment)) {
      result = text(429, `Too many pending requests for deployment '${deployment.name}': it accepts 2 x maxConcurrentRequestsPerInstance x instance count requests at a time.`, {
        "ms-azureml-model-error-reason": "too_many_pending_request",
        "Retry-After": "1",
      });
    } else {
      try {
        result = await run(deployment, request);
      } finally {
        plane.leave(deployment);
      }
    }
    const modelStatus = Number(result.headers?.["ms-azureml-model-error-statuscode"]);
    plane.ledger.finished({ ...where, route, at, status: result.status, latencyInMs: Date.now() - at, ...(Number.isFinite(modelStatus) ? { modelStatus } : {}) });
    return withHeaders(result, { "azureml-model-deployment": deployment.name });
  }

  async function run(deployment: DeploymentRecord, { body, authorization }: ScoredRequest): Promise<HttpResult> {
    if (deployment.meta.provisioningState === "Failed" || deployment.meta.provisioningState === "Creating") {
      return modelError(503, "model_not_ready", { error: `Deployment '${deployment.name}' is ${deployment.meta.provisioningState}: its container is not ready.` });
    }
    const knobs = plane.knobsOf(deployment);
    const timeoutInMs = durationInMs(deployment.spec.properties.requestSettings["requestTimeout"]);
    const latencyInMs = knobs.latencyMs ?? 0;
    if (latencyInMs > timeoutInMs) {
      await sleep(timeoutInMs);
      return text(408, `Request timed out: deployment '${deployment.name}' did not answer within its request timeout (${timeoutInMs} ms, requestSettings.requestTimeout).`);
    }
    if (latencyInMs > 0) await sleep(latencyInMs);
    if (knobs.answer) {
      const { status, body: scripted, contentType } = knobs.answer;
      return { status, text: scripted.split("{{authorization}}").join(authorization), ...(contentType ? { contentType } : {}) };
    }
    if (knobs.errorRate !== undefined && knobs.errorRate > 0 && plane.random() < knobs.errorRate) {
      return modelError(500, "model_error", { error: "An unexpected error occurred in scoring script. Check the logs for more info." });
    }
    const answer = predict(knobs.model, body);
    if (!answer.ok) return modelError(answer.status, "model_error", { error: answer.error });
    return json(200, answer.predictions);
  }

  return [{ name: "scoring.score", methods: ["POST"], pattern: SCORING_PATTERN, access: "public", handle: score }];
}

/** What a deployment is asked: the body, and the Authorization header (for a scripted answer that echoes it). */
interface ScoredRequest {
  readonly body: Buffer;
  readonly authorization: string;
}

function findEndpoint(services: EmulatorServices, workspace: string, endpoint: string): EndpointRecord | undefined {
  const ws = services.state.workspaces.find((w) => w.name.toLowerCase() === workspace.toLowerCase());
  return ws?.endpoints.get(endpoint.toLowerCase());
}

/** AML answers 424 for any non-200 from the model container, and says what the container said in headers. */
function modelError(containerStatus: number, reason: string, body: unknown): HttpResult {
  return json(424, body, { "ms-azureml-model-error-statuscode": String(containerStatus), "ms-azureml-model-error-reason": reason });
}

function text(status: number, message: string, headers: Record<string, string> = {}): HttpResult {
  return { status, text: message, headers };
}

function withHeaders(result: HttpResult, headers: Record<string, string>): HttpResult {
  return { ...result, headers: { ...result.headers, ...headers } };
}
