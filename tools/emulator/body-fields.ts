/**
 * Typed readers for JSON request bodies. Each reader names the offending field in its 400 error, so a client
 * sees `properties.traffic.blue must be a number` rather than a generic "bad request".
 */
import { armErrors } from "./arm-errors.js";
import { checkDuration } from "./aml-rules.js";
import { objectIdFor } from "./token-issuer.js";
import type { JsonObject, StringMap } from "./state.js";

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, field: string): JsonObject {
  if (!isObject(value)) {
    throw armErrors.badArgument(`${field} must be a JSON object, but was ${describeValue(value)}.`, field);
  }
  return value;
}

export function optionalObject(value: unknown, field: string): JsonObject | undefined {
  return value === undefined || value === null ? undefined : requireObject(value, field);
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw armErrors.badArgument(`${field} must be a string, but was ${describeValue(value)}.`, field);
  return value;
}

export function requireString(value: unknown, field: string): string {
  const text = optionalString(value, field);
  if (text === undefined || text.trim() === "") throw armErrors.badArgument(`${field} is required.`, field);
  return text;
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw armErrors.badArgument(`${field} must be true or false, but was ${describeValue(value)}.`, field);
  return value;
}

export function optionalInteger(value: unknown, field: string, min: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw armErrors.badArgument(`${field} must be an integer of at least ${min}, but was ${describeValue(value)}.`, field);
  }
  return value;
}

/** Maps whose values are strings: tags, environment variables, free-form properties. */
export function optionalStringMap(value: unknown, field: string): StringMap {
  const object = optionalObject(value, field);
  if (object === undefined) return {};
  const result: StringMap = {};
  for (const [key, entry] of Object.entries(object)) {
    if (typeof entry !== "string") {
      throw armErrors.badArgument(`${field}.${key} must be a string, but was ${describeValue(entry)}.`, `${field}.${key}`);
    }
    result[key] = entry;
  }
  return result;
}

/** Maps of deployment name to percentage; range rules live in aml-rules. */
export function optionalNumberMap(value: unknown, field: string): Record<string, number> {
  const object = optionalObject(value, field);
  if (object === undefined) return {};
  const result: Record<string, number> = {};
  for (const [key, entry] of Object.entries(object)) {
    if (typeof entry !== "number" || !Number.isFinite(entry)) {
      throw armErrors.badArgument(`${field}.${key} must be a whole percentage, but was ${describeValue(entry)}.`, `${field}.${key}`);
    }
    result[key] = entry;
  }
  return result;
}

/** Enum values are matched case-insensitively and returned in their canonical spelling, as ARM does. */
export function optionalEnum<T extends string>(value: unknown, allowed: readonly T[], field: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  const match = typeof value === "string" ? allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase()) : undefined;
  if (match === undefined) {
    throw armErrors.badArgument(`${field} must be one of ${allowed.map((a) => `'${a}'`).join(", ")}, but was ${describeValue(value)}.`, field);
  }
  return match;
}

export function requireEnum<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  const result = optionalEnum(value, allowed, field);
  if (result === undefined) throw armErrors.badArgument(`${field} is required (one of ${allowed.map((a) => `'${a}'`).join(", ")}).`, field);
  return result;
}

export function optionalDuration(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const violation = checkDuration(value, field);
  if (violation !== undefined) throw armErrors.badArgument(violation, field);
  return value as string;
}

const IDENTITY_TYPES = ["None", "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned"] as const;

/**
 * Managed identity as ARM returns it: the service fills `principalId`/`tenantId` for a system-assigned
 * identity and `principalId`/`clientId` for each user-assigned one.
 */
export function normalizeIdentity(value: unknown, field: string, resourceId: string, tenantId: string): JsonObject {
  const object = optionalObject(value, field) ?? { type: "SystemAssigned" };
  const type = requireEnum(object["type"], IDENTITY_TYPES, `${field}.type`);
  const result: JsonObject = { type };
  if (type.includes("SystemAssigned")) {
    result["principalId"] = objectIdFor(tenantId, resourceId.toLowerCase());
    result["tenantId"] = tenantId;
  }
  const userAssigned = optionalObject(object["userAssignedIdentities"], `${field}.userAssignedIdentities`);
  if (userAssigned !== undefined && Object.keys(userAssigned).length > 0) {
    result["userAssignedIdentities"] = Object.fromEntries(
      Object.keys(userAssigned).map((id) => [
        id,
        { principalId: objectIdFor(tenantId, `${id}/principal`), clientId: objectIdFor(tenantId, `${id}/client`) },
      ]),
    );
  }
  return result;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return JSON.stringify(value);
}
