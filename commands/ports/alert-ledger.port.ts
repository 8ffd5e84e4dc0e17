import type { ScaleBurst } from "../alerts/scale-burst.js";
import type { OperationOptions } from "./operation-options.js";

/**
 * `claimed`: the caller handles the event, then `complete`s it (or `release`s it after a failure, so the sender's
 * retry can claim it at once). `duplicate`: it was handled already, or another delivery is handling it right now.
 */
export type EventClaim = "claimed" | "duplicate";

/** A stored burst and the version to write it back against (an ETag in Tables). */
export interface VersionedBurst {
  readonly burst: ScaleBurst;
  readonly version: string;
}

/**
 * What the alert dispatcher remembers between deliveries: which events it has handled (so Azure Monitor's retries
 * and duplicate deliveries post once) and the open burst of scale steps per endpoint (so a burst updates one
 * message). Implemented in Azure Tables, where `claim` is a conditional insert and `saveBurst` an If-Match write.
 */
export interface AlertLedger {
  claim(dedupeKey: string, options?: OperationOptions): Promise<EventClaim>;
  complete(dedupeKey: string, options?: OperationOptions): Promise<void>;
  release(dedupeKey: string, options?: OperationOptions): Promise<void>;
  getBurst(workspace: string, endpoint: string, options?: OperationOptions): Promise<VersionedBurst | undefined>;
  /**
   * Writes the endpoint's burst if it is still at `ifVersion` (`undefined`: only if there is none yet).
   * Returns the new version, or `undefined` when someone else wrote first (read again and retry).
   */
  saveBurst(burst: ScaleBurst, ifVersion: string | undefined, options?: OperationOptions): Promise<string | undefined>;
}
