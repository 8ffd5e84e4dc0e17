/**
 * Y-axis ticks at "nice" numbers: Heckbert's loose labelling ("Nice numbers for graph labels", Graphics Gems,
 * 1990) with steps of 1, 2, 2.5 or 5 times a power of ten, so an axis reads 0, 50, 100, 150 rather than
 * 0, 62.5, 125, 187.5. Pure: no locale, the same ticks for the same numbers.
 */

export interface AxisTicks {
  /** Bottom and top of the axis: the first and last tick, covering the data. */
  readonly min: number;
  readonly max: number;
  readonly step: number;
  /** Tick values from bottom to top, `min` and `max` included. */
  readonly values: readonly number[];
  /** One label per value, without needless decimals ("0", "2.5", "1.5k"). */
  readonly labels: readonly string[];
}

const DEFAULT_TICKS = 5;

/**
 * Ticks for a panel's values: a zero baseline when the data is non-negative (and a zero top when it is
 * non-positive), 0 to 1 when there is no data or every value is zero.
 */
export function axisTicks(values: readonly number[], targetTicks = DEFAULT_TICKS): AxisTicks {
  const finite = values.filter((v) => Number.isFinite(v));
  let low = finite.length === 0 ? 0 : Math.min(...finite);
  let high = finite.length === 0 ? 0 : Math.max(...finite);
  if (low >= 0) low = 0;
  if (high <= 0) high = 0;
  if (low === high) high = 1;
  return niceTicks(low, high, targetTicks);
}

/** Heckbert's loose labels for [min, max]: about `targetTicks` ticks, the first at or below min, the last at or above max. */
export function niceTicks(min: number, max: number, targetTicks = DEFAULT_TICKS): AxisTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`niceTicks needs finite bounds, got ${min} and ${max}`);
  let [low, high] = min <= max ? [min, max] : [max, min];
  if (low === high) {
    // A single value: an axis of its own magnitude centred on it (or -0.5 to 0.5 around zero).
    const half = (Math.abs(low) || 1) / 2;
    [low, high] = [low - half, high + half];
  }
  const range = niceNumber(high - low, false);
  const step = niceNumber(range / Math.max(1, targetTicks - 1), true);
  const decimals = stepDecimals(step);
  // The small slack keeps 3.0000000000000004 / 0.25 from adding a tick.
  const first = Math.floor(low / step + 1e-9);
  const last = Math.ceil(high / step - 1e-9);
  const values = Array.from({ length: last - first + 1 }, (_, i) => roundTo((first + i) * step, decimals));
  return { min: values[0]!, max: values.at(-1)!, step, values, labels: values.map((v) => tickLabel(v, step)) };
}

/**
 * A nice number near `x`: 1, 2, 2.5, 5 or 10 times a power of ten; the nearest one when `round`, else the
 * smallest at least `x`.
 */
function niceNumber(x: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(x));
  const power = 10 ** exponent;
  const fraction = x / power;
  const nice = round
    ? fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7 ? 5 : 10
    : fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  // 10 ** -2 * 25 is 0.25000000000000006: keep the step exact to its own decimals.
  return roundTo(nice * power, Math.max(0, 1 - exponent));
}

/** Decimal places a multiple of `step` needs: 0 for 50, 1 for 0.5, 2 for 0.25. */
function stepDecimals(step: number): number {
  for (let decimals = 0; decimals < 15; decimals++) {
    if (Math.abs(roundTo(step, decimals) - step) < step * 1e-9) return decimals;
  }
  return 15;
}

/** "0", "7.5", "150", "2.5k", "10k": thousands shortened once the step is a thousand or more. */
function tickLabel(value: number, step: number): string {
  if (value === 0) return "0";
  if (step >= 1000) return `${trim(value / 1000, stepDecimals(step / 1000))}k`;
  return trim(value, stepDecimals(step));
}

function trim(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return decimals === 0 ? text : text.replace(/\.?0+$/, "");
}

function roundTo(value: number, decimals: number): number {
  const rounded = Number(value.toFixed(decimals));
  return rounded === 0 ? 0 : rounded; // no -0
}
