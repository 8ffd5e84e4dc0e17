import { describe, expect, it } from "vitest";
import { InvalidJobError } from "../../commands/errors.js";
import { FOLLOW_UP_JOB, followUpOf } from "../../src/runtime/queue-follow-ups.js";

const job = (payload: Record<string, unknown>) => ({ id: "j1", kind: FOLLOW_UP_JOB, payload, enqueuedAt: "2026-12-01T10:00:00.000Z" });

describe("followUpOf", () => {
  it("reads a promotion's transition as a follow-up", () => {
    const payload = { promotionId: "chg-1", epoch: 0, transition: 3 };
    expect(followUpOf(job({ id: "chg-1:e0:t3", kind: "promotion-step", payload }))).toEqual({ id: "chg-1:e0:t3", kind: "promotion-step", payload });
  });

  it("refuses a kind it does not know, naming the field", () => {
    expect(() => followUpOf(job({ id: "x", kind: "promotion-jump", payload: {} }))).toThrow(InvalidJobError);
    expect(() => followUpOf(job({ id: "x", kind: "promotion-jump", payload: {} }))).toThrow("Job j1: invalid follow-up (kind)");
  });
});
