import type { ChannelRef } from "../../commands/invocation.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import type { DigestRunClaim, DigestSubscription, DigestSubscriptions, ListSubscriptionsOptions } from "../../commands/ports/digest-subscriptions.port.js";

interface Run {
  done: boolean;
  leaseExpiresAt: number;
}

/**
 * Scheduled digests kept in process memory: for the terminal adapter and core unit tests. Claims behave as the
 * Tables implementation's (one winner per run, a lapsed lease may be taken over), within this one process.
 */
export class MemoryDigestSubscriptions implements DigestSubscriptions {
  readonly #subscriptions = new Map<string, DigestSubscription>();
  readonly #runs = new Map<string, Run>();
  readonly #clock: Clock;
  readonly #leaseInMs: number;

  constructor(options: { readonly clock?: Clock; readonly leaseInMs?: number } = {}) {
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#leaseInMs = options.leaseInMs ?? 10 * 60_000;
  }

  async create(subscription: DigestSubscription): Promise<"created" | "exists"> {
    const key = subscriptionKey(subscription.channel, subscription.id);
    if (this.#subscriptions.has(key)) return "exists";
    this.#subscriptions.set(key, subscription);
    return "created";
  }

  async list(options: ListSubscriptionsOptions = {}): Promise<DigestSubscription[]> {
    const all = [...this.#subscriptions.values()];
    const { channel } = options;
    return channel ? all.filter((s) => s.channel.platform === channel.platform && s.channel.id === channel.id) : all;
  }

  async delete(channel: ChannelRef, id: string): Promise<boolean> {
    return this.#subscriptions.delete(subscriptionKey(channel, id));
  }

  async claimRun(subscription: DigestSubscription, dueAt: Date): Promise<DigestRunClaim> {
    const key = runKey(subscription, dueAt);
    const now = this.#clock.now().getTime();
    const run = this.#runs.get(key);
    if (run?.done) return "done";
    if (run && run.leaseExpiresAt > now) return "in-progress";
    this.#runs.set(key, { done: false, leaseExpiresAt: now + this.#leaseInMs });
    return "claimed";
  }

  async completeRun(subscription: DigestSubscription, dueAt: Date, sentAt: Date | undefined): Promise<void> {
    this.#runs.set(runKey(subscription, dueAt), { done: true, leaseExpiresAt: Number.POSITIVE_INFINITY });
    const key = subscriptionKey(subscription.channel, subscription.id);
    const current = this.#subscriptions.get(key);
    if (current) this.#subscriptions.set(key, { ...current, lastDueAt: dueAt, ...(sentAt ? { lastDigestAt: sentAt } : {}) });
  }
}

function subscriptionKey(channel: ChannelRef, id: string): string {
  return `${channel.platform}:${channel.id}:${id}`;
}

function runKey(subscription: DigestSubscription, dueAt: Date): string {
  return `${subscriptionKey(subscription.channel, subscription.id)}:${dueAt.toISOString()}`;
}
