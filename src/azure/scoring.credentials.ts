/**
 * The key or token the bot scores an endpoint with, obtained with its own identity and kept in memory only:
 * - Key: `onlineEndpoints.listKeys` through the per-subscription ARM client; cached briefly (keys do not
 *   expire, but `regenerateKeys` may replace them at any time), and dropped at once when scoring says 401.
 * - AMLToken: `onlineEndpoints.getToken` through the same client; cached until its `refreshAfterTimeUtc`.
 * - AADToken: `credential.getToken("https://ml.azure.com/.default")`; cached until it should be refreshed.
 * Concurrent calls for one endpoint share one fetch (`--compare` scores two deployments at once). Secrets
 * are never logged, never put in messages, and never leave this module except to the scoring request.
 */
import type { TokenCredential } from "@azure/core-auth";
import { isRestError } from "@azure/core-rest-pipeline";
import type { Endpoint, WorkspaceRef } from "../../commands/domain/endpoint.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { redact } from "../logging/redact.js";
import type { ArmClientFactory } from "./arm.client-factory.js";
import { isAbortError, toThrowable } from "./arm.failures.js";

/** The audience Azure ML scoring accepts for Entra tokens. */
export const AML_SCORING_SCOPE = "https://ml.azure.com/.default";
export const DEFAULT_KEY_TTL_IN_MS = 5 * 60_000;
/** Tokens are refreshed this long before they expire when the service gives no refresh time. */
const REFRESH_MARGIN_IN_MS = 5 * 60_000;

export type ScoringCredential = { readonly ok: true; readonly secret: string } | { readonly ok: false; readonly message: string };

interface Cached {
  readonly fetch: Promise<{ secret: string; refreshAt: number }>;
}

export interface ScoringCredentialsOptions {
  readonly credential: TokenCredential;
  readonly clients: ArmClientFactory;
  readonly keyTtlInMs?: number;
  /** Epoch ms; injected so tests can let cached credentials age. */
  readonly now?: () => number;
}

export class ScoringCredentials {
  private readonly cache = new Map<string, Cached & { refreshAt?: number }>();
  private readonly keyTtlInMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ScoringCredentialsOptions) {
    this.keyTtlInMs = options.keyTtlInMs ?? DEFAULT_KEY_TTL_IN_MS;
    this.now = options.now ?? Date.now;
  }

  async get(endpoint: Endpoint, options: OperationOptions = {}): Promise<ScoringCredential> {
    const key = cacheKey(endpoint);
    let entry = this.cache.get(key);
    if (entry?.refreshAt !== undefined && entry.refreshAt <= this.now()) entry = undefined;
    if (entry === undefined) {
      const fetch = this.fetch(endpoint, options);
      const created: Cached & { refreshAt?: number } = { fetch };
      this.cache.set(key, created);
      fetch.then(
        (value) => (created.refreshAt = value.refreshAt),
        () => this.cache.get(key) === created && this.cache.delete(key),
      );
      entry = created;
    }
    try {
      return { ok: true, secret: (await entry.fetch).secret };
    } catch (error) {
      if (isAbortError(error)) throw error;
      const refusal = refusalOf(error, endpoint);
      if (refusal !== undefined) return { ok: false, message: refusal };
      throw toThrowable(`get a scoring credential for ${endpoint.name}`, error);
    }
  }

  /** Forgets the endpoint's credential: the next `get` fetches a fresh one (after a 401). */
  invalidate(endpoint: Endpoint): void {
    this.cache.delete(cacheKey(endpoint));
  }

  /** Forgets the endpoint's credential whatever its auth mode (a key rotation knows the endpoint by name only). */
  forget(workspace: WorkspaceRef, endpointName: string): void {
    const prefix = `${workspacePrefix(workspace)}/${endpointName}/`.toLowerCase();
    for (const key of [...this.cache.keys()]) if (key.startsWith(prefix)) this.cache.delete(key);
  }

  private async fetch(endpoint: Endpoint, options: OperationOptions): Promise<{ secret: string; refreshAt: number }> {
    const { workspace } = endpoint;
    const now = this.now();
    if (endpoint.authMode === "AADToken") {
      const token = await this.options.credential.getToken(AML_SCORING_SCOPE, { abortSignal: options.abortSignal });
      if (!token) throw new CredentialRefusal("the identity got no token for https://ml.azure.com.");
      return { secret: token.token, refreshAt: token.refreshAfterTimestamp ?? token.expiresOnTimestamp - REFRESH_MARGIN_IN_MS };
    }
    const client = this.options.clients.forSubscription(workspace.subscriptionId);
    const call = { abortSignal: options.abortSignal };
    if (endpoint.authMode === "Key") {
      const keys = await client.onlineEndpoints.listKeys(workspace.resourceGroup, workspace.workspace, endpoint.name, call);
      if (!keys.primaryKey) throw new CredentialRefusal("listKeys returned no primary key.");
      return { secret: keys.primaryKey, refreshAt: now + this.keyTtlInMs };
    }
    const token = await client.onlineEndpoints.getToken(workspace.resourceGroup, workspace.workspace, endpoint.name, call);
    if (!token.accessToken) throw new CredentialRefusal("the token action returned no access token.");
    const refreshAt = token.refreshAfterTimeUtc !== undefined ? token.refreshAfterTimeUtc * 1000 : token.expiryTimeUtc !== undefined ? token.expiryTimeUtc * 1000 - REFRESH_MARGIN_IN_MS : now + this.keyTtlInMs;
    return { secret: token.accessToken, refreshAt };
  }
}

class CredentialRefusal extends Error {
  override readonly name = "CredentialRefusal";
}

const CREDENTIAL_ERRORS = new Set(["AuthenticationError", "AggregateAuthenticationError", "CredentialUnavailableError", "CredentialRefusal"]);

/** Failures that mean "this identity gets no credential here", worded for the user; undefined otherwise. */
function refusalOf(error: unknown, endpoint: Endpoint): string | undefined {
  if (error instanceof Error && CREDENTIAL_ERRORS.has(error.name)) return redact(firstLine(error.message));
  if (!isRestError(error) || error.statusCode === undefined) return undefined;
  const action = endpoint.authMode === "Key" ? "listKeys" : "token";
  const said = redact(firstLine(error.message));
  switch (error.statusCode) {
    case 401:
    case 403:
      return `the bot's identity may not call \`${action}\` on the endpoint (HTTP ${error.statusCode}: ${said})`;
    case 404:
      return `Azure Resource Manager no longer knows the endpoint (HTTP 404: ${said})`;
    case 400:
      return `Azure ML refused \`${action}\` (HTTP 400: ${said})`;
    default:
      return undefined;
  }
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

function cacheKey(endpoint: Endpoint): string {
  return `${workspacePrefix(endpoint.workspace)}/${endpoint.name}/${endpoint.authMode}`.toLowerCase();
}

function workspacePrefix(ws: WorkspaceRef): string {
  return `${ws.subscriptionId}/${ws.resourceGroup}/${ws.workspace}`;
}
