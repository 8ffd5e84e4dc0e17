import type { z } from "zod";
import type { CoreDeps } from "./core-deps.js";
import type { WorkspaceRef } from "./domain/endpoint.js";
import type { CommandInvocation } from "./invocation.js";
import type { FlagSpecs, ParsedArgs } from "./parse/parse-args.js";
import type { Role } from "./policy.js";
import type { AuditOutcome } from "./ports/audit-log.port.js";
import type { ChangeKind } from "./changes/change-kind.js";
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

/**
 * One verb: its words, help, required role and behaviour. `args` is a zod schema from the parsed words to
 * the verb's typed arguments; its issue messages are shown to the user with the verb's usage.
 */
export interface VerbSpec<A = unknown> {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  /** e.g. `traffic [endpoint] <deployment>=<percent>... [--yes] [--dry-run]` */
  readonly usage: string;
  /** Help lines shown after the usage: how arguments may be written, what is inferred, what is not accepted. */
  readonly notes?: readonly string[];
  readonly examples: readonly string[];
  readonly role: Role;
  /** Talks to Azure: chat bridges acknowledge at once and run it from the job queue. */
  readonly slow: boolean;
  readonly flags: FlagSpecs;
  readonly args: z.ZodType<A, ParsedArgs>;
  /** The immediate "working on it" line shown while a slow verb runs. */
  readonly ackText?: (args: A) => string;
  run(ctx: VerbContext, args: A): Promise<VerbResult>;
  /** How the changes this verb previews are applied (their Apply button, `--yes`, a resumed job). */
  readonly change?: ChangeKind;
}

/** Erases a verb's argument type so verbs of different shapes share one table. */
export type AnyVerb = VerbSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineVerb<A>(spec: VerbSpec<A>): AnyVerb {
  return spec;
}
