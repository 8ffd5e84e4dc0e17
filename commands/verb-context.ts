/**
 * What a verb runs with and what it returns, on their own so the change machinery (commands/changes/) can use them
 * without importing the verb spec that names it (no cycle). `verb-spec.ts` re-exports them.
 */
import type { CoreDeps } from "./core-deps.js";
import type { WorkspaceRef } from "./domain/endpoint.js";
import type { CommandInvocation } from "./invocation.js";
import type { AuditOutcome } from "./ports/audit-log.port.js";
import type { Reply } from "./reply.js";

export interface VerbContext {
  readonly invocation: CommandInvocation;
  readonly deps: CoreDeps;
  /** The workspace this command acts on: `--workspace`, else the channel's, else the default. */
  readonly workspace: WorkspaceRef;
  /** Progress of long operations, e.g. to update a chat message while Azure works. */
  readonly onProgress?: (reply: Reply) => void;
  readonly abortSignal?: AbortSignal;
}

/** What a verb did, for the audit log. */
export interface AuditDetails {
  readonly outcome: AuditOutcome;
  readonly endpoint?: string;
  readonly before?: string;
  readonly after?: string;
  readonly detail?: string;
}

export interface VerbResult {
  readonly reply: Reply;
  readonly audit: AuditDetails;
}
