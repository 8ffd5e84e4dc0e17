/**
 * `--steps` of `aml promote` (and `steps` in `policy.promotions`): `mirror 10% 15m, 10% 15m, 50% 30m, 100%`.
 *
 * A step is `[mirror] <percent>% [<hold>]`; a hold is `90s`, `15m`, `2h` or a sum of them (`1h30m`). Every refusal
 * names the step it is about, as typed, and says what would be accepted, because the same text is read in chat (a
 * usage error) and in the config at start-up (an error naming the field).
 *
 * A hold on the last step is refused rather than ignored: at 100 % the baseline serves nothing, so a gate against it
 * could only ever be inconclusive; `--retire`'s soak is the wait after 100 %.
 */
import type { PromotionStep } from "./promotion-plan.js";

export type ParsedSteps = { readonly ok: true; readonly steps: PromotionStep[] } | { readonly ok: false; readonly message: string };

export const MAX_STEPS = 10;
/** Azure ML refuses mirror traffic above 50 % of live requests. */
export const MAX_MIRROR_PERCENT = 50;
export const MAX_HOLD_IN_MS = 24 * 60 * 60 * 1000;

const STEP_SHAPE = "a step is `[mirror] <percent>% <hold>`, e.g. `mirror 10% 15m` or `50% 30m`";
const EXAMPLE = "`mirror 10% 15m, 10% 15m, 50% 30m, 100%`";
const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000 } as const;

export function parseSteps(text: string): ParsedSteps {
  const parts = text.split(",").map((p) => p.trim().replace(/\s+/g, " "));
  if (parts.length === 1 && parts[0] === "") return { ok: false, message: `Give the steps, e.g. ${EXAMPLE}.` };
  if (parts.length > MAX_STEPS) return { ok: false, message: `A promotion has at most ${MAX_STEPS} steps; this one has ${parts.length}.` };

  const steps: PromotionStep[] = [];
  for (const [i, part] of parts.entries()) {
    const step = parseStep(part, i + 1);
    if (typeof step === "string") return { ok: false, message: step };
    steps.push(step);
  }

  let lastLive: { percent: number; n: number } | undefined;
  for (const [i, step] of steps.entries()) {
    const n = i + 1;
    const named = `Step ${n} (\`${parts[i]}\`)`;
    const last = n === steps.length;
    if (step.kind === "mirror" && lastLive !== undefined) {
      return { ok: false, message: `${named} mirrors after live step ${lastLive.n}: mirror steps (the shadow stage) come before the first live step.` };
    }
    if (step.kind === "live" && lastLive !== undefined && step.percent <= lastLive.percent) {
      const why = lastLive.percent === 100 ? `step ${lastLive.n} already gives it 100 %, which ends the plan` : `live shares must increase, and step ${lastLive.n} gives ${lastLive.percent} %`;
      return { ok: false, message: `${named} gives the candidate ${step.percent} %: ${why}.` };
    }
    if (!last && step.holdInMs === 0) {
      return { ok: false, message: `${named} needs a hold, e.g. \`${parts[i]} 15m\`: every step but the last waits, and its gates are checked, before the next.` };
    }
    if (step.kind === "live") lastLive = { percent: step.percent, n };
  }

  const last = steps[steps.length - 1]!;
  const lastText = parts[parts.length - 1]!;
  if (last.kind !== "live" || last.percent !== 100) {
    return { ok: false, message: `The last step must be \`100%\` live, so the candidate ends up serving all traffic; it is \`${lastText}\`. End with \`, 100%\`.` };
  }
  if (last.holdInMs > 0) {
    return { ok: false, message: `The last step (\`${lastText}\`) takes no hold: at 100 % the baseline serves nothing to compare with. Write \`100%\` (\`--retire\` waits its soak time before the old deployments go).` };
  }
  return { ok: true, steps };
}

/** One step, or the message refusing it. */
function parseStep(part: string, n: number): PromotionStep | string {
  if (part === "") return `Step ${n} is empty: separate steps with one comma, e.g. ${EXAMPLE}.`;
  const named = `Step ${n} (\`${part}\`)`;
  // `10 %` reads as `10%`: people put a space before the sign.
  const words = part.toLowerCase().replace(/(\d)\s+%/g, "$1%").split(" ");
  const kind = words[0] === "mirror" ? "mirror" : "live";
  if (kind === "mirror") words.shift();

  const share = words.shift();
  if (share === undefined) return `${named} has no share: ${STEP_SHAPE}.`;
  const percentMatch = /^(\d+(?:\.\d+)?)%$/.exec(share);
  if (percentMatch === null) {
    return /^\d+(\.\d+)?$/.test(share) ? `${named}: write the share with %, e.g. \`${share}%\`.` : `${named}: \`${share}\` is not understood; ${STEP_SHAPE}.`;
  }
  const percent = Number(percentMatch[1]);
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) return `${named}: a share is a whole percent from 1 to 100, not ${share}.`;
  if (kind === "mirror" && percent > MAX_MIRROR_PERCENT) {
    return `${named}: mirror traffic is at most ${MAX_MIRROR_PERCENT} % (Azure ML's limit), not ${percent} %.`;
  }

  let holdInMs = 0;
  const hold = words.shift();
  if (hold !== undefined) {
    const ms = parseDuration(hold);
    if (ms === undefined) return `${named}: \`${hold}\` is not a hold; write it in s, m or h, e.g. \`90s\`, \`15m\`, \`1h30m\`.`;
    if (ms === 0) return `${named}: a hold of ${hold} is no hold; give it a length, e.g. \`15m\`.`;
    if (ms > MAX_HOLD_IN_MS) return `${named}: a hold is at most 24h, not ${describeDuration(ms)}.`;
    holdInMs = ms;
  }
  if (words.length > 0) return `${named}: \`${words.join(" ")}\` is not understood; ${STEP_SHAPE}.`;
  return { kind, percent, holdInMs };
}

/** `90s`, `15m`, `1h30m`, `2h15m30s` (each unit once, in that order); undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim().toLowerCase());
  if (match === null || (match[1] ?? match[2] ?? match[3]) === undefined) return undefined;
  return Number(match[1] ?? 0) * UNIT_MS.h + Number(match[2] ?? 0) * UNIT_MS.m + Number(match[3] ?? 0) * UNIT_MS.s;
}

/** `1h30m`, `15m`, `90s` → `1m30s`: whole seconds, largest units first, as `parseDuration` reads them back. */
export function describeDuration(ms: number): string {
  let seconds = Math.round(ms / 1000);
  if (seconds <= 0) return "0s";
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  seconds -= m * 60;
  return `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${seconds > 0 ? `${seconds}s` : ""}`;
}

/** The steps as `parseSteps` reads them: `mirror 10% 15m, 10% 15m, 100%`. */
export function describeSteps(steps: readonly PromotionStep[]): string {
  return steps.map((s) => `${s.kind === "mirror" ? "mirror " : ""}${s.percent}%${s.holdInMs > 0 ? ` ${describeDuration(s.holdInMs)}` : ""}`).join(", ");
}
