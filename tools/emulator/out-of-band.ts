/**
 * Out-of-band changes ("another user edited the endpoint"), applied straight to the store. They skip
 * validation on purpose, like a direct edit, and give the resource a new ETag so a client holding the old
 * one gets 412 on its next conditional write.
 */
import type { ResourceChange } from "./faults.js";
import { touch, stampNow, type EmulatorState, type ProvisioningState } from "./state.js";

const STATES: readonly ProvisioningState[] = ["Creating", "Updating", "Deleting", "Succeeded", "Failed", "Canceled"];

export function applyOutOfBandChange(state: EmulatorState, resourceId: string, change: ResourceChange, by: string): void {
  const record = state.findByResourceId(resourceId);
  if (record === undefined) throw new Error(`No endpoint or deployment has the id '${resourceId}'.`);
  const spec = record.spec as unknown as Record<string, unknown>;
  let provisioningState: ProvisioningState | undefined;
  if (typeof change === "function") {
    change(spec);
  } else {
    const patch = structuredClone(change);
    const props = patch["properties"];
    if (isPlainObject(props) && "provisioningState" in props) {
      const wanted = props["provisioningState"];
      provisioningState = STATES.find((s) => s === wanted);
      if (provisioningState === undefined) throw new Error(`Unknown provisioningState ${JSON.stringify(wanted)}; use one of ${STATES.join(", ")}.`);
      delete props["provisioningState"];
    }
    mergePatch(spec, patch);
  }
  touch(record.meta, stampNow(by, "User"), provisioningState);
}

/** RFC 7396: objects merge recursively, `null` deletes, anything else replaces. */
function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
    } else if (isPlainObject(value)) {
      const current = target[key];
      const next = isPlainObject(current) ? current : {};
      mergePatch(next, value);
      target[key] = next;
    } else {
      target[key] = value;
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
