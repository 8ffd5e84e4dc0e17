/** Small readers for Azure Monitor's loosely typed fields, shared by the payload parsers. */
import { createHash } from "node:crypto";
import * as z from "zod";

/** A number sent as a number or as a string ("3", "25", "7.727"); anything else reads as absent. */
export const looseNumber = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((value) => {
    if (value === null || value === undefined || (typeof value === "string" && value.trim() === "")) return undefined;
    const n = typeof value === "number" ? value : Number(value.trim());
    return Number.isFinite(n) ? n : undefined;
  });

/** An optional string that may also come as null. */
export const looseString = z
  .string()
  .nullish()
  .transform((value) => (value === null || value === undefined || value.trim() === "" ? undefined : value));

export function parseTime(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** A short, stable key from the fields that identify an event (never from when it was received). */
export function stableKey(prefix: string, parts: readonly (string | number | undefined)[]): string {
  const digest = createHash("sha256")
    .update(JSON.stringify(parts.map((p) => (typeof p === "string" ? p.toLowerCase() : (p ?? null)))))
    .digest("hex");
  return `${prefix}:${digest.slice(0, 40)}`;
}
