/**
 * What every `Promotions` store keeps to, in Tables and in memory alike: how an update is merged into the stored
 * promotion, how much history a row keeps, which promotions a list matches and in what order.
 */
import { FINAL_PROMOTION_STATES, type ListPromotionsOptions, type Promotion, type PromotionUpdate } from "../ports/promotions.port.js";

/** The newest events a stored promotion keeps: a row must stay under the Tables property and entity limits. */
export const MAX_PROMOTION_HISTORY = 50;

export function isFinalPromotion(promotion: Pick<Promotion, "state">): boolean {
  return FINAL_PROMOTION_STATES.includes(promotion.state);
}

/**
 * The promotion as an update writes it: the fields returned replace the stored ones (a field returned as `undefined`
 * is cleared, e.g. a done `intent`), the identity and `createdAt` never change, and the history keeps its newest events.
 */
export function applyPromotionUpdate(current: Promotion, fields: NonNullable<ReturnType<PromotionUpdate>>): Promotion {
  return normalisePromotion({ ...current, ...fields, id: current.id, workspace: current.workspace, endpoint: current.endpoint, createdAt: current.createdAt });
}

/** Without `undefined` fields, and with the newest `MAX_PROMOTION_HISTORY` events only. */
export function normalisePromotion(promotion: Promotion): Promotion {
  const defined = Object.fromEntries(Object.entries(promotion).filter(([, value]) => value !== undefined)) as unknown as Promotion;
  return { ...defined, history: promotion.history.slice(-MAX_PROMOTION_HISTORY) };
}

export function matchesPromotionFilter(promotion: Promotion, options: ListPromotionsOptions): boolean {
  return (
    (options.workspace === undefined || promotion.workspace === options.workspace) &&
    (options.endpoint === undefined || promotion.endpoint === options.endpoint) &&
    (!options.active || !isFinalPromotion(promotion))
  );
}

/** Newest first; the id breaks ties, so every store lists in the same order. */
export function comparePromotions(a: Pick<Promotion, "createdAt" | "id">, b: Pick<Promotion, "createdAt" | "id">): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
