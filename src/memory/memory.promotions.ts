import type { ListPromotionsOptions, Promotion, PromotionUpdate, Promotions } from "../../commands/ports/promotions.port.js";
import { applyPromotionUpdate, comparePromotions, matchesPromotionFilter, normalisePromotion } from "../../commands/promote/promotion-record.js";

/**
 * Promotions kept in process memory: for the terminal adapter and core unit tests. Copies go in and out, so a caller
 * never holds the stored object; an update runs to completion without awaiting, so it needs no compare-and-swap.
 */
export class MemoryPromotions implements Promotions {
  private readonly promotions = new Map<string, Promotion>();

  async create(promotion: Promotion): Promise<Promotion> {
    const existing = this.promotions.get(promotion.id);
    if (existing) return structuredClone(existing);
    const stored = normalisePromotion(structuredClone(promotion));
    this.promotions.set(stored.id, stored);
    return structuredClone(stored);
  }

  async get(id: string): Promise<Promotion | undefined> {
    const stored = this.promotions.get(id);
    return stored && structuredClone(stored);
  }

  async update(id: string, update: PromotionUpdate): Promise<Promotion | undefined> {
    const stored = this.promotions.get(id);
    if (!stored) return undefined;
    const fields = update(structuredClone(stored));
    if (!fields) return undefined;
    const next = applyPromotionUpdate(stored, structuredClone(fields));
    this.promotions.set(id, next);
    return structuredClone(next);
  }

  async list(options: ListPromotionsOptions = {}): Promise<Promotion[]> {
    return [...this.promotions.values()]
      .filter((p) => matchesPromotionFilter(p, options))
      .sort(comparePromotions)
      .map((p) => structuredClone(p));
  }
}
