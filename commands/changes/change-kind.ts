import type { ChangeOutcome, ConditionalUpdateOptions } from "../ports/endpoint-control.port.js";
import type { PendingChange } from "../ports/pending-change.port.js";
import type { Reply, Section } from "../reply.js";
import type { VerbContext } from "../verb-context.js";

/**
 * What Azure ML holds now for the resource a change is about, compared with the preview. The apply machine
 * (`apply-change.ts`) decides from it alone, so it works the same on a first click, a retry and a redelivered job.
 */
export interface Observed {
  /** `target`: the change is in place. `before`: as it was at the preview. `other`: someone changed it since. */
  readonly matches: "target" | "before" | "other";
  /** The state in the preview's words, e.g. `blue=30 green=70; mirror green=10` or `green=2`. */
  readonly now: string;
  /** The resource's ETag now: a send is conditional on it, so a change between this read and the write is caught. */
  readonly etag?: string;
  /** Azure ML's provisioning state, shown next to a result. */
  readonly provisioningState: string;
  /** The verb's own view of the resource, handed back to `doneReply`. */
  readonly detail: unknown;
}

/** A change that undoes another, stored as the change kind that applies it reads it. */
export interface InverseChange {
  /** The verb whose change kind applies it: the reverted change's own, or another (a deploy's inverse removes). */
  readonly verb: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Its preview, before → after. */
  readonly sections: readonly Section[];
}

/** A verb's previewed change as the apply machine drives it. Implemented by traffic/mirror and scale. */
export interface ChangeKind {
  /** Words for titles and audit lines: the action, before and after as previewed. */
  describe(change: PendingChange): { readonly action: string; readonly before: string; readonly after: string };
  /**
   * Reads the resource (waiting while Azure ML is still working on it, so a redelivered job does not judge an
   * operation that is about to fail and roll back). `undefined` when the resource no longer exists.
   */
  observe(ctx: VerbContext, change: PendingChange, options: { readonly waitWhileBusyInMs: number }): Promise<Observed | undefined>;
  /** Sends the change with `options` as they are: the ETag it is conditional on, progress, the abort signal. */
  send(ctx: VerbContext, change: PendingChange, options: ConditionalUpdateOptions): Promise<ChangeOutcome<Observed>>;
  /** The message for a change that is in place. */
  doneReply(ctx: VerbContext, change: PendingChange, observed: Observed): Reply;
  /**
   * The change that restores what this one replaced (`aml revert`): its `before` is the state this change left, so
   * the apply machine refuses it once someone changed the resource since. Absent when a kind cannot be reverted.
   */
  inverse?(change: PendingChange): InverseChange;
}
