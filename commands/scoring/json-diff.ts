/**
 * What differs between two JSON answers, leaf by leaf: the JSON path, both values, and for numbers the
 * delta, so "green scores 0.02 higher on row 1" is visible at a glance in `aml invoke --compare`.
 */
export interface JsonDifference {
  /** e.g. `$[1]`, `$.result.scores[0]` */
  readonly path: string;
  /** Compact JSON of each side; `undefined` when that side has nothing at this path. */
  readonly left?: string;
  readonly right?: string;
  /** right − left, when both are numbers. */
  readonly delta?: number;
}

export function diffJson(left: unknown, right: unknown, path = "$", out: JsonDifference[] = []): JsonDifference[] {
  if (typeof left === "number" && typeof right === "number") {
    if (left !== right) out.push({ path, left: String(left), right: String(right), delta: right - left });
    return out;
  }
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      diffSide(i < left.length, left[i], i < right.length, right[i], `${path}[${i}]`, out);
    }
    return out;
  }
  if (isObject(left) && isObject(right)) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    for (const key of keys) diffSide(key in left, left[key], key in right, right[key], `${path}${propertyPath(key)}`, out);
    return out;
  }
  if (JSON.stringify(left) !== JSON.stringify(right)) out.push({ path, left: compact(left), right: compact(right) });
  return out;
}

function diffSide(hasLeft: boolean, left: unknown, hasRight: boolean, right: unknown, path: string, out: JsonDifference[]): void {
  if (hasLeft && hasRight) diffJson(left, right, path, out);
  else out.push({ path, ...(hasLeft ? { left: compact(left) } : {}), ...(hasRight ? { right: compact(right) } : {}) });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function propertyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Short enough for a table cell. */
function compact(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** A delta people can read: few digits, a sign, and the relative change when it means something. */
export function formatDelta(difference: JsonDifference): string {
  if (difference.delta === undefined) return "–";
  const delta = difference.delta;
  const sign = delta > 0 ? "+" : delta < 0 ? "−" : "";
  const magnitude = Number(Math.abs(delta).toPrecision(4));
  const base = Number(difference.left);
  const relative = base !== 0 && Number.isFinite(base) ? ` (${sign}${Number(Math.abs((delta / base) * 100).toPrecision(3))} %)` : "";
  return `${sign}${magnitude}${relative}`;
}
