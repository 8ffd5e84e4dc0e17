/**
 * ARM list paging: `{ value: [...], nextLink }` where `nextLink` is an absolute URL carrying an opaque
 * `$skipToken` plus the original query, which the SDK follows as-is (adding only `api-version`).
 * arm-machinelearning 2.1.1 names the token parameter `$skip`, so both names are accepted.
 */
import { armErrors } from "./arm-errors.js";
import type { RouteContext } from "./router.js";

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

export function paginate<T>(items: readonly T[], ctx: RouteContext, pageSize: number): Page<T> {
  const token = ctx.query.get("$skipToken") ?? ctx.query.get("$skip");
  const offset = token === null ? 0 : decodeToken(token);
  const end = offset + pageSize;
  const page: Page<T> = { value: items.slice(offset, end) };
  if (end < items.length) {
    const query = new URLSearchParams(ctx.query);
    query.delete("$skip");
    query.set("$skipToken", encodeToken(end));
    page.nextLink = `${ctx.baseUrl}${ctx.path}?${query.toString()}`;
  }
  return page;
}

/** A client-requested page size (`count`, `$top`), capped by the emulator's own page size. */
export function requestedPageSize(ctx: RouteContext, parameter: string, max: number): number {
  const raw = ctx.query.get(parameter);
  if (raw === null) return max;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw armErrors.badArgument(`The query parameter '${parameter}' must be a positive integer, but was '${raw}'.`, parameter);
  }
  return Math.min(value, max);
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), "utf8").toString("base64url");
}

function decodeToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown };
    if (typeof parsed.offset === "number" && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // fall through to the error below
  }
  throw armErrors.badArgument(`The skip token '${token}' is not valid; use the nextLink of the previous page as-is.`, "$skipToken");
}
