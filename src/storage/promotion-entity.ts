/**
 * A promotion as a Table row and back: scalar fields as properties (dates as Edm.DateTime), the structured ones
 * (plan, baseline, expected, intent, lastGates, notify, channel, history) as JSON strings, validated with zod on the
 * way back so a row that is not a promotion is reported, never half-read. Pure: tested without a network.
 *
 * Limits (Azure Tables): a string property holds at most 64 KiB (32 K UTF-16 code units), an entity 1 MiB (UTF-16
 * again, so about 512 K characters) and 255 properties; this row has 26. Each string property is checked against the
 * first and all of them together against the second, with room to spare for the keys and property names. In practice
 * only the history grows (a plan has a few steps and gates, a split a few deployments): it keeps its newest
 * `MAX_PROMOTION_HISTORY` events and drops more of the oldest while its JSON is over the property limit.
 */
import * as z from "zod";
import { PROMOTION_STATES, type Promotion, type PromotionEvent, type PromotionIntent, type TrafficSplit } from "../../commands/ports/promotions.port.js";
import type { Gate, GateResult, PromotionPlan, PromotionStep } from "../../commands/promote/promotion-plan.js";
import type { ChannelRef } from "../../commands/invocation.js";
import { MAX_PROMOTION_HISTORY } from "../../commands/promote/promotion-record.js";

/** A Table string property holds at most 32 K UTF-16 code units. */
export const MAX_PROPERTY_CHARS = 32_000;
/** All string properties of a row together: 1 MiB is 512 K UTF-16 code units, less the keys, names and overhead. */
const MAX_ROW_CHARS = 480_000;

// Nested objects are loose: a field the core adds later is kept as written, not silently dropped on the next read.
const splitSchema: z.ZodType<TrafficSplit> = z.looseObject({ traffic: z.record(z.string(), z.number()), mirror: z.record(z.string(), z.number()) });
const stepSchema: z.ZodType<PromotionStep> = z.discriminatedUnion("kind", [
  z.looseObject({ kind: z.literal("mirror"), percent: z.number(), holdInMs: z.number() }),
  z.looseObject({ kind: z.literal("live"), percent: z.number(), holdInMs: z.number() }),
]);
const gateSchema: z.ZodType<Gate> = z.looseObject({
  metric: z.enum(["p50", "p90", "p99", "5xx", "4xx"]),
  bound: z.discriminatedUnion("kind", [
    z.looseObject({ kind: z.literal("ratio"), factor: z.number() }),
    z.looseObject({ kind: z.literal("absolute"), value: z.number() }),
    z.looseObject({ kind: z.literal("baseline-plus"), points: z.number() }),
  ]),
  text: z.string(),
});
const planSchema: z.ZodType<PromotionPlan> = z.looseObject({
  steps: z.array(stepSchema),
  gates: z.array(gateSchema),
  minRequests: z.number(),
  maxExtensions: z.number(),
  retire: z.looseObject({ soakInMs: z.number() }).optional(),
});
const gateResultSchema: z.ZodType<GateResult> = z.looseObject({
  gate: gateSchema,
  verdict: z.enum(["pass", "fail", "inconclusive"]),
  value: z.number().optional(),
  threshold: z.number().optional(),
  baseline: z.number().optional(),
  note: z.string().optional(),
});
const intentSchema: z.ZodType<PromotionIntent> = z.looseObject({
  transition: z.number().int(),
  action: z.enum(["step", "revert", "retire", "confirm"]),
  step: z.number().int(),
  target: splitSchema.optional(),
  reason: z.string().optional(),
});
const eventSchema: z.ZodType<PromotionEvent> = z.looseObject({ at: z.coerce.date(), text: z.string() });
const notifySchema: z.ZodType<Promotion["notify"]> = z.looseObject({ users: z.array(z.string()), groups: z.array(z.string()) });
const channelSchema: z.ZodType<ChannelRef> = z.looseObject({ platform: z.enum(["slack", "teams", "terminal"]), id: z.string() });

/** A JSON string property holding `schema`. */
function json<T>(schema: z.ZodType<T>) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "not JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const entitySchema = z.looseObject({
  id: z.string(),
  workspace: z.string(),
  endpoint: z.string(),
  location: z.string().nullish(),
  candidate: z.string(),
  plan: json(planSchema),
  baseline: json(splitSchema),
  expected: json(splitSchema),
  state: z.enum(PROMOTION_STATES),
  step: z.number().int(),
  stepStartedAt: z.coerce.date().nullish(),
  extendedInMs: z.number(),
  transition: z.number().int(),
  epoch: z.number().int(),
  intent: json(intentSchema).nullish(),
  nextAt: z.coerce.date().nullish(),
  lastGates: json(z.array(gateResultSchema)).nullish(),
  note: z.string().nullish(),
  requestedBy: z.string(),
  requestedByName: z.string().nullish(),
  notify: json(notifySchema),
  channel: json(channelSchema),
  reason: z.string().nullish(),
  retire: z.boolean(),
  history: json(z.array(eventSchema)),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});

/** Every field of a promotion: a field added to `Promotion` fails the type check here until the row maps it. */
const FIELDS = {
  id: true,
  workspace: true,
  endpoint: true,
  location: true,
  candidate: true,
  plan: true,
  baseline: true,
  expected: true,
  state: true,
  step: true,
  stepStartedAt: true,
  extendedInMs: true,
  transition: true,
  epoch: true,
  intent: true,
  nextAt: true,
  lastGates: true,
  note: true,
  requestedBy: true,
  requestedByName: true,
  notify: true,
  channel: true,
  reason: true,
  retire: true,
  history: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Record<keyof Promotion, true>;
const PROMOTION_FIELDS = Object.keys(FIELDS) as (keyof Promotion)[];

/** The row's properties (without its keys). */
export type PromotionProperties = Record<string, string | number | boolean | Date | { value: number; type: "Double" }>;

/** The promotion as stored: what `toProperties` writes and `fromEntity` reads back (the history may be shorter). */
export function storedForm(promotion: Promotion): Promotion {
  return { ...promotion, history: fittingHistory(promotion.history) };
}

/** The row's properties; `RangeError` when a field is over the property limit (a bug: plans and splits are small). */
export function toProperties(promotion: Promotion): PromotionProperties {
  const { plan, baseline, expected, intent, lastGates, notify, channel, history, extendedInMs, ...scalars } = storedForm(promotion);
  const properties: PromotionProperties = {};
  for (const [name, value] of Object.entries(scalars)) {
    if (value === undefined || !(name in FIELDS)) continue;
    if (typeof value === "string") checkSize(promotion.id, name, value);
    properties[name] = value as PromotionProperties[string];
  }
  // Typed: an untyped integer is an Edm.Int32, and a long wait could pass 2^31 ms.
  properties["extendedInMs"] = { value: extendedInMs, type: "Double" };
  const structured = { plan, baseline, expected, intent, lastGates, notify, channel, history };
  for (const [name, value] of Object.entries(structured)) {
    if (value === undefined) continue;
    properties[name] = checkSize(promotion.id, name, JSON.stringify(value));
  }
  const total = Object.values(properties).reduce<number>((sum, value) => sum + (typeof value === "string" ? value.length : 0), 0);
  if (total > MAX_ROW_CHARS) throw new RangeError(`Promotion ${promotion.id}: ${total} characters in all, at most ${MAX_ROW_CHARS} in one row`);
  return properties;
}

export class InvalidPromotionRow extends Error {
  override readonly name = "InvalidPromotionRow";
  /** Field paths only: a row's values are not for logs. */
  readonly fields: readonly string[];
  constructor(fields: readonly string[]) {
    super(`not a promotion (${fields.join(", ")})`);
    this.fields = fields;
  }
}

/** The promotion in a row; `InvalidPromotionRow` naming the fields that are not what a promotion holds. */
export function fromEntity(entity: Record<string, unknown>): Promotion {
  const parsed = entitySchema.safeParse(entity);
  if (!parsed.success) throw new InvalidPromotionRow([...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(row)"))]);
  // Only a promotion's own fields: not the row's keys, ETag, Timestamp or the service's odata.metadata. An absent
  // optional field is left out.
  const data: Record<string, unknown> = parsed.data;
  return Object.fromEntries(PROMOTION_FIELDS.flatMap((name) => (data[name] === null || data[name] === undefined ? [] : [[name, data[name]]]))) as unknown as Promotion;
}

/** The newest events (at most `MAX_PROMOTION_HISTORY`) whose JSON fits in one property. */
function fittingHistory(history: readonly PromotionEvent[]): readonly PromotionEvent[] {
  let kept = history.slice(-MAX_PROMOTION_HISTORY);
  while (kept.length > 0 && JSON.stringify(kept).length > MAX_PROPERTY_CHARS) kept = kept.slice(1);
  return kept;
}

function checkSize(id: string, name: string, text: string): string {
  if (text.length > MAX_PROPERTY_CHARS) throw new RangeError(`Promotion ${id}: ${name} is ${text.length} characters, at most ${MAX_PROPERTY_CHARS}`);
  return text;
}
