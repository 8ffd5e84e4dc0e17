/**
 * Entra ID group memberships of Teams users, from Microsoft Graph, so roles bound to `teams:<group-object-id>`
 * work. Teams sends only the user's object id, so the groups are asked for:
 * `GET /v1.0/users/{id}/transitiveMemberOf/microsoft.graph.group?$select=id` with the bot's identity (application
 * permission GroupMember.Read.All). Through an Azure SDK pipeline: bearer tokens, retries and, locally, the
 * emulator's CA for this client only.
 *
 * Answers come from a cache (the ack path never waits on Graph); a failed lookup degrades to "no groups", which
 * can only deny, never grant, and is logged once per user per interval rather than on every message.
 */
import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
} from "@azure/core-rest-pipeline";
import type { GroupDirectory } from "../../adapters/teams/group.directory.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import { redact } from "../logging/redact.js";

export const GRAPH_ENDPOINT = "https://graph.microsoft.com";
const MAX_PAGES = 20;

export interface GraphGroupDirectoryOptions {
  readonly credential: TokenCredential;
  /** Default https://graph.microsoft.com; the emulator's URL locally. */
  readonly endpoint?: string;
  readonly tlsCa?: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** How long a user's groups are trusted. Default 5 minutes. */
  readonly ttlInMs?: number;
}

interface Entry {
  readonly groups: readonly string[];
  readonly at: number;
}

export class GraphGroupDirectory implements GroupDirectory {
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<readonly string[]>>();
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient = createDefaultHttpClient();
  private readonly endpoint: string;
  private readonly ttlInMs: number;
  private readonly now: () => number;

  constructor(private readonly options: GraphGroupDirectoryOptions) {
    this.endpoint = (options.endpoint ?? GRAPH_ENDPOINT).replace(/\/+$/, "");
    this.ttlInMs = options.ttlInMs ?? 5 * 60_000;
    this.now = () => (options.clock ?? { now: () => new Date() }).now().getTime();
    this.pipeline = createPipelineFromOptions({ ...(options.tlsCa ? { tlsOptions: { ca: options.tlsCa } } : {}), retryOptions: { maxRetries: 2 } });
    this.pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: options.credential, scopes: `${GRAPH_ENDPOINT}/.default` }));
  }

  cachedGroupsOf(aadObjectId: string): readonly string[] | undefined {
    const entry = this.cache.get(aadObjectId.toLowerCase());
    return entry && this.now() - entry.at < this.ttlInMs ? entry.groups : undefined;
  }

  warm(aadObjectId: string): void {
    void this.groupsOf(aadObjectId);
  }

  groupsOf(aadObjectId: string, options: { readonly abortSignal?: AbortSignal } = {}): Promise<readonly string[]> {
    const key = aadObjectId.toLowerCase();
    const cached = this.cachedGroupsOf(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.lookUp(key, options.abortSignal).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async lookUp(userId: string, abortSignal: AbortSignal | undefined): Promise<readonly string[]> {
    const groups: string[] = [];
    try {
      let url: string | undefined = `${this.endpoint}/v1.0/users/${encodeURIComponent(userId)}/transitiveMemberOf/microsoft.graph.group?$select=id`;
      for (let page = 0; url && page < MAX_PAGES; page++) {
        const response = await this.pipeline.sendRequest(this.http, createPipelineRequest({ url, method: "GET", ...(abortSignal ? { abortSignal } : {}) }));
        if (response.status !== 200) throw new Error(`Graph answered ${response.status}`);
        const body = JSON.parse(response.bodyAsText ?? "{}") as { value?: { id?: unknown }[]; "@odata.nextLink"?: unknown };
        groups.push(...(body.value ?? []).flatMap((g) => (typeof g.id === "string" ? [g.id] : [])));
        url = typeof body["@odata.nextLink"] === "string" ? body["@odata.nextLink"] : undefined;
      }
    } catch (error) {
      this.options.logger.warn("Entra ID group lookup failed; treating the user as in no groups", {
        userId,
        error: redact(error instanceof Error ? error.message : String(error)),
      });
      // Remember the failure for the same interval, so a missing permission does not cost a call per message.
      this.cache.set(userId, { groups: [], at: this.now() });
      return [];
    }
    this.cache.set(userId, { groups, at: this.now() });
    return groups;
  }
}
