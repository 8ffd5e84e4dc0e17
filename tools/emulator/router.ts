/**
 * A tiny path router. Route modules (ARM endpoints, deployments, operations, tokens, the control surface,
 * and later the scoring plane and the metrics API) each contribute `Route`s; adding a plane means adding a
 * module, never editing another module's routes.
 *
 * Patterns are `/literal/{param}/...`. Literal segments match case-insensitively, as ARM does for
 * `resourceGroups`, `providers/Microsoft.MachineLearningServices`, and so on.
 */
import type { IncomingMessage } from "node:http";
import type { HttpResult } from "./http-kit.js";
import type { TokenPrincipal } from "./token-issuer.js";

/**
 * `arm`: Bearer token for ARM plus `api-version`; `public`: neither (token issuer, control surface).
 * Later planes may check their own credentials inside the handler and use `public`.
 */
export type RouteAccess = "arm" | "public";

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly method: string;
  /** The raw (still percent-encoded) path, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Decoded path parameters named after the `{placeholders}` in the route pattern. */
  readonly params: Readonly<Record<string, string>>;
  readonly requestId: string;
  /** The emulator's base URL, e.g. `https://127.0.0.1:7400`, for building absolute links. */
  readonly baseUrl: string;
  /** Set for `arm` routes once the token checked out. */
  readonly principal: TokenPrincipal | undefined;
  /** Set for `arm` routes once `api-version` checked out. */
  readonly apiVersion: string;
  rawBody(): Promise<Buffer>;
  /** The parsed JSON body, or `undefined` when the body is empty. */
  jsonBody(): Promise<unknown>;
}

export interface Route {
  /** For logs and debugging only. */
  readonly name: string;
  readonly methods: readonly string[];
  readonly pattern: string;
  readonly access: RouteAccess;
  handle(ctx: RouteContext): Promise<HttpResult> | HttpResult;
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "none" };

interface CompiledRoute {
  route: Route;
  segments: { literal?: string; param?: string }[];
  literalCount: number;
}

export class Router {
  private readonly compiled: CompiledRoute[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) {
      const segments = splitPath(route.pattern).map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment)?.[1];
        return param === undefined ? { literal: segment.toLowerCase() } : { param };
      });
      this.compiled.push({ route, segments, literalCount: segments.filter((s) => s.literal !== undefined).length });
      // More specific patterns first, so `/__emulator/health` beats `/{tenantId}/...`-style patterns.
      this.compiled.sort((a, b) => b.literalCount - a.literalCount);
    }
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const segments = splitPath(path);
    const allowed = new Set<string>();
    for (const candidate of this.compiled) {
      const params = matchSegments(candidate.segments, segments);
      if (params === undefined) continue;
      if (candidate.route.methods.includes(method)) return { kind: "found", route: candidate.route, params };
      for (const m of candidate.route.methods) allowed.add(m);
    }
    return allowed.size > 0 ? { kind: "wrong-method", allowed: [...allowed] } : { kind: "none" };
  }
}

function splitPath(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function matchSegments(
  pattern: CompiledRoute["segments"],
  segments: string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const actual = segments[i]!;
    if (expected.literal !== undefined) {
      if (safeDecode(actual).toLowerCase() !== expected.literal) return undefined;
    } else if (expected.param !== undefined) {
      params[expected.param] = safeDecode(actual);
    }
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
