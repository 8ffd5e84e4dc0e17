/**
 * Long `aml invoke` commands for the tests of what each chat platform can carry: valid JSON bodies of the ten-feature
 * fraud sample, built to an exact length, with nothing a chat client or the Teams bridge would rewrite (no double
 * spaces, no `&`, `<` or `>`).
 */

/** `invoke fraud-scorer {"data": [[…], …]}` of exactly `length` characters, and how many rows its body has. */
export function invokeOfLength(length: number, endpoint = "fraud-scorer"): { text: string; rows: number } {
  const prefix = `invoke ${endpoint} {"data": [`;
  const suffix = "]}";
  const row = "[1,2,3,4,5,6,7,8,9,10]";
  let rows = Math.floor((length - prefix.length - suffix.length + 1) / (row.length + 1));
  // The rest pads the first feature as `1.000…`, which takes at least two characters ("1" → "1.0").
  while (rows > 0 && length - (prefix.length + suffix.length + rows * (row.length + 1) - 1) === 1) rows--;
  if (rows < 1) throw new RangeError(`an invoke of ${length} characters is too short to build`);
  const rest = length - (prefix.length + suffix.length + rows * (row.length + 1) - 1);
  const first = rest === 0 ? row : `[1.${"0".repeat(rest - 1)}${row.slice(2)}`;
  const text = `${prefix}${[first, ...Array.from({ length: rows - 1 }, () => row)].join(",")}${suffix}`;
  if (text.length !== length) throw new Error(`built ${text.length} characters, not ${length}`);
  return { text, rows };
}
