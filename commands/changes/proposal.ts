import type { Section } from "../reply.js";

/** A change as a verb proposes it: what the preview (or the approval card) shows, and what is stored to apply. */
export interface Proposal {
  readonly verb: string;
  readonly endpoint: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly etag?: string;
  readonly title: string;
  readonly sections: readonly Section[];
  readonly summary: string;
  /** Words for the Apply confirmation dialog. */
  readonly confirmText: string;
  /** Why the requester wants it (`--reason`), shown to approvers. */
  readonly reason?: string;
  /** `--override "<reason>"`: an admin's reason to change a frozen endpoint. */
  readonly override?: string | undefined;
}
