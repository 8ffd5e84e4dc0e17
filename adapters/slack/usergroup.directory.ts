/**
 * Which Slack usergroups a user is in, so roles bound to `slack:S…` groups work. One `usergroups.list`
 * (`include_users: true`, needs the `usergroups:read` scope) answers for the whole workspace and is cached.
 *
 * - The ack path never waits for Slack: it asks `cachedGroupsOf`, which answers only from a fresh cache.
 * - The worker asks `groupsOf`, which refreshes when needed (concurrent callers share one call).
 * - A failure degrades to "no groups" with a warning, and is not retried for `failureBackoffInMs`, so a Slack
 *   outage costs one slow call per back-off, not one per command. "No groups" can only deny, never grant.
 */
import type { Clock } from "../../commands/ports/clock.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";

export interface UsergroupEntry {
  readonly id: string;
  readonly users?: readonly string[];
}

export interface UsergroupDirectoryOptions {
  /** One `usergroups.list` call with `include_users: true`. */
  readonly list: () => Promise<readonly UsergroupEntry[]>;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** How long a listing is trusted. Default 5 minutes. */
  readonly ttlInMs?: number;
  /** After a failure, answer "no groups" without calling Slack for this long. Default 30 s. */
  readonly failureBackoffInMs?: number;
}

interface Snapshot {
  readonly at: number;
  readonly byUser: ReadonlyMap<string, readonly string[]>;
}

const NO_GROUPS: readonly string[] = Object.freeze([]);

export class UsergroupDirectory {
  readonly #list: UsergroupDirectoryOptions["list"];
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #ttlInMs: number;
  readonly #failureBackoffInMs: number;
  #snapshot: Snapshot | undefined;
  #failedAt: number | undefined;
  #refreshing: Promise<Snapshot | undefined> | undefined;

  constructor(options: UsergroupDirectoryOptions) {
    this.#list = options.list;
    this.#logger = options.logger;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#ttlInMs = options.ttlInMs ?? 5 * 60_000;
    this.#failureBackoffInMs = options.failureBackoffInMs ?? 30_000;
  }

  /** The user's groups from a fresh cache; `undefined` when the cache is cold or too old to decide with. */
  cachedGroupsOf(userId: string): readonly string[] | undefined {
    const snapshot = this.#fresh();
    return snapshot ? (snapshot.byUser.get(userId) ?? NO_GROUPS) : undefined;
  }

  /** The user's groups, refreshing the listing if it is older than the TTL. Never throws. */
  async groupsOf(userId: string): Promise<readonly string[]> {
    const snapshot = this.#fresh() ?? (await this.refresh());
    return snapshot?.byUser.get(userId) ?? NO_GROUPS;
  }

  /** Starts a refresh if none is fresh or running, without waiting for it. */
  warm(): void {
    if (!this.#fresh()) void this.refresh();
  }

  /** Loads the listing now (shared by concurrent callers). Resolves undefined on failure or during back-off. */
  refresh(): Promise<Snapshot | undefined> {
    const now = this.#clock.now().getTime();
    if (this.#failedAt !== undefined && now - this.#failedAt < this.#failureBackoffInMs) return Promise.resolve(undefined);
    this.#refreshing ??= this.#load().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #load(): Promise<Snapshot | undefined> {
    try {
      const groups = await this.#list();
      const byUser = new Map<string, string[]>();
      for (const group of groups) {
        for (const user of group.users ?? []) {
          const list = byUser.get(user);
          if (list) list.push(group.id);
          else byUser.set(user, [group.id]);
        }
      }
      this.#snapshot = { at: this.#clock.now().getTime(), byUser };
      this.#failedAt = undefined;
      return this.#snapshot;
    } catch (error) {
      this.#failedAt = this.#clock.now().getTime();
      this.#logger.warn("slack usergroups unavailable; deciding roles without groups", { error, retryInMs: this.#failureBackoffInMs });
      return undefined;
    }
  }

  #fresh(): Snapshot | undefined {
    const snapshot = this.#snapshot;
    return snapshot && this.#clock.now().getTime() - snapshot.at < this.#ttlInMs ? snapshot : undefined;
  }
}
