/**
 * A deliberately small HTTPS client for the emulator tests: real TLS that trusts only the emulator's CA,
 * no Azure SDK (the SDK is tested against the emulator elsewhere), and helpers for ARM paths and LROs.
 */
import { Agent, request as httpsRequest } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import { defaultScenario } from "../../../tools/emulator/scenario.js";
import { startAmlEmulator, type AmlEmulatorOptions, type RunningAmlEmulator } from "../../../tools/emulator/aml-emulator.js";

export const API_VERSION = "2022-10-01";

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // Tests read arbitrary JSON; `any` keeps assertions short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as-is. */
  body?: unknown;
}

export class HttpsTestClient {
  private readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    ca: string,
  ) {
    this.agent = new Agent({ ca, keepAlive: false });
  }

  send(pathOrUrl: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(pathOrUrl, this.baseUrl);
    const headers: Record<string, string> = { ...options.headers };
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method: options.method ?? "GET", headers, agent: this.agent, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown;
          try {
            parsed = text === "" ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parsed });
        });
      });
      req.on("timeout", () => req.destroy(new Error(`request to ${url.href} timed out`)));
      req.on("error", reject);
      req.end(payload);
    });
  }
}

/** ARM calls with a Bearer token and `api-version`, and helpers for the default scenario's paths. */
export class ArmTestClient extends HttpsTestClient {
  constructor(
    readonly emulator: RunningAmlEmulator,
    private token: string = emulator.issueToken(),
  ) {
    super(emulator.url, emulator.ca);
  }

  useToken(token: string): void {
    this.token = token;
  }

  workspacePath(workspace = "demo", resourceGroup = this.emulator.scenario.resourceGroup): string {
    return `/subscriptions/${this.emulator.scenario.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspace}`;
  }

  endpointPath(endpoint: string, workspace = "demo"): string {
    return `${this.workspacePath(workspace)}/onlineEndpoints/${endpoint}`;
  }

  deploymentPath(endpoint: string, deployment: string, workspace = "demo"): string {
    return `${this.endpointPath(endpoint, workspace)}/deployments/${deployment}`;
  }

  arm(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const separator = path.includes("?") ? "&" : "?";
    const withVersion = /[?&]api-version=/.test(path) ? path : `${path}${separator}api-version=${API_VERSION}`;
    return this.send(withVersion, { method, body, headers: { authorization: `Bearer ${this.token}`, ...headers } });
  }

  get(path: string, headers?: Record<string, string>) {
    return this.arm("GET", path, undefined, headers);
  }

  put(path: string, body: unknown, headers?: Record<string, string>) {
    return this.arm("PUT", path, body, headers);
  }

  patch(path: string, body: unknown, headers?: Record<string, string>) {
    return this.arm("PATCH", path, body, headers);
  }

  delete(path: string, headers?: Record<string, string>) {
    return this.arm("DELETE", path, undefined, headers);
  }

  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.arm("POST", path, body, headers);
  }

  /** Polls an `Azure-AsyncOperation` URL until the operation leaves InProgress; returns every status seen. */
  async waitForOperation(statusUrl: string, timeoutMs = 5_000): Promise<{ final: HttpResponse; seen: string[] }> {
    const seen: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.arm("GET", statusUrl);
      seen.push(String(response.json?.status));
      if (response.json?.status !== "InProgress") return { final: response, seen };
      if (Date.now() > deadline) throw new Error(`operation ${statusUrl} still InProgress after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Sends a write and waits for its long-running operation to end; returns the accepted response. */
  async writeAndWait(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResponse> {
    const accepted = await this.arm(method, path, body, headers);
    const statusUrl = accepted.headers["azure-asyncoperation"];
    if (typeof statusUrl === "string") await this.waitForOperation(statusUrl);
    return accepted;
  }
}

export const FAST_LRO_MS = 30;
/**
 * For tests that look at a resource while its operation runs (Creating, Updating, a 202 from the Location
 * URL): long enough that a loaded CI machine cannot finish the operation before the next request.
 */
export const OBSERVABLE_LRO_MS = 250;

/** Starts an emulator for tests: fast operations, a throwaway certificate, no files written. */
export function startTestEmulator(options: AmlEmulatorOptions = {}): Promise<RunningAmlEmulator> {
  return startAmlEmulator({ lroDelayInMs: FAST_LRO_MS, tlsCacheDir: false, scenario: defaultScenario(), ...options });
}

/** Decodes a JWT payload without verifying it (the emulator verifies). */
export function jwtPayload(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}
