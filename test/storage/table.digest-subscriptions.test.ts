/** Scheduled digests on a real Azurite, through the real Tables SDK. */
import { describe, expect, it } from "vitest";
import type { DigestSubscription } from "../../commands/ports/digest-subscriptions.port.js";
import { StorageClients } from "../../src/storage/storage-clients.js";
import { TableDigestSubscriptions } from "../../src/storage/table.digest-subscriptions.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

function clockAt(iso: string): { now(): Date; advance(ms: number): void } {
  let ms = Date.parse(iso);
  return { now: () => new Date(ms), advance: (by) => void (ms += by) };
}

async function newStore(options: { clock?: { now(): Date }; leaseInMs?: number } = {}): Promise<{ tables: [string, string]; store: TableDigestSubscriptions }> {
  const tables: [string, string] = [uniqueTableName("digests"), uniqueTableName("digestruns")];
  await fixture.clients.ensure({ tables });
  return { tables, store: new TableDigestSubscriptions(fixture.clients.table(tables[0]), fixture.clients.table(tables[1]), options) };
}

const TEAMS_CHANNEL = { platform: "teams", id: "19:abc/def#ghi?@thread.tacv2" } as const;

function subscription(overrides: Partial<DigestSubscription> = {}): DigestSubscription {
  return {
    id: "dg-0000abcd",
    channel: { platform: "slack", id: "C0OPS" },
    workspace: "demo",
    endpoint: "fraud-scorer",
    schedule: "weekday 09:00",
    timeZone: "Europe/Paris",
    periodInMs: 30 * 24 * 3_600_000,
    createdBy: "ops",
    createdAt: new Date("2026-11-20T10:00:00Z"),
    ...overrides,
  };
}

describe("TableDigestSubscriptions", () => {
  it("round-trips subscriptions, lists them per channel or all, and deletes only within the channel", async () => {
    const { store } = await newStore();
    const a = subscription();
    const b = subscription({ id: "dg-0000beef", channel: TEAMS_CHANNEL, endpoint: undefined, schedule: "hourly", timeZone: "UTC", periodInMs: 3_600_000 });
    expect(await store.create(a)).toBe("created");
    expect(await store.create(b)).toBe("created");
    expect(await store.create({ ...a, schedule: "daily 10:00" })).toBe("exists");
    expect(await store.list({ channel: a.channel })).toEqual([a]);
    const { endpoint: _none, ...withoutEndpoint } = b;
    expect(await store.list({ channel: TEAMS_CHANNEL })).toEqual([withoutEndpoint]);
    expect((await store.list()).map((s) => s.id).sort()).toEqual(["dg-0000abcd", "dg-0000beef"]);
    expect(await store.delete(TEAMS_CHANNEL, a.id)).toBe(false);
    expect(await store.delete(a.channel, a.id)).toBe(true);
    expect(await store.delete(a.channel, a.id)).toBe(false);
    expect((await store.list()).map((s) => s.id)).toEqual(["dg-0000beef"]);
  });

  it("lets one of several timers claim a run, records it when done, and keeps other due times apart", async () => {
    const { tables, store } = await newStore();
    const s = subscription();
    await store.create(s);
    const due = new Date("2026-11-23T08:00:00Z");
    // Separate clients and stores: as separate Functions instances would be.
    const others = Array.from({ length: 4 }, () => {
      const clients = StorageClients.fromConnectionString(fixture.azurite.connectionString);
      return new TableDigestSubscriptions(clients.table(tables[0]), clients.table(tables[1]));
    });
    const claims = await Promise.all([store, ...others].map((x) => x.claimRun(s, due)));
    expect(claims.filter((c) => c === "claimed")).toHaveLength(1);
    expect(claims.filter((c) => c === "in-progress")).toHaveLength(4);
    const sentAt = new Date("2026-11-23T08:00:05Z");
    await store.completeRun(s, due, sentAt);
    expect(await others[0]!.claimRun(s, due)).toBe("done");
    expect(await others[0]!.claimRun(s, new Date("2026-11-24T08:00:00Z"))).toBe("claimed");
    expect(await store.list({ channel: s.channel })).toEqual([{ ...s, lastDueAt: due, lastDigestAt: sentAt }]);
    // Not delivered: the due time is recorded, the last digest stays what it was.
    await store.completeRun(s, new Date("2026-11-24T08:00:00Z"), undefined);
    expect((await store.list())[0]).toMatchObject({ lastDueAt: new Date("2026-11-24T08:00:00Z"), lastDigestAt: sentAt });
  });

  it("gives a run whose poster died to the next timer once the lease has passed", async () => {
    const clock = clockAt("2026-11-23T08:00:00Z");
    const { store } = await newStore({ clock, leaseInMs: 60_000 });
    const s = subscription();
    const due = new Date("2026-11-23T08:00:00Z");
    expect(await store.claimRun(s, due)).toBe("claimed");
    clock.advance(59_000);
    expect(await store.claimRun(s, due)).toBe("in-progress");
    clock.advance(2_000);
    expect(await store.claimRun(s, due)).toBe("claimed");
  });

  it("records nothing on a subscription deleted while its digest was out", async () => {
    const { store } = await newStore();
    const s = subscription();
    await store.create(s);
    const due = new Date("2026-11-23T08:00:00Z");
    expect(await store.claimRun(s, due)).toBe("claimed");
    await store.delete(s.channel, s.id);
    await store.completeRun(s, due, new Date());
    expect(await store.list()).toEqual([]);
  });
});
