import type { CoreDeps } from "./core-deps.js";
import { APPROVE_VERB, REJECT_VERB } from "./approvals/approval-card.js";
import { decideApproval, requestCancelled } from "./approvals/approval-flow.js";
import { APPLY_VERB, CANCEL_VERB, REVERT_VERB } from "./changes/change-verbs.js";
import { checkDeploy, type WatchPayload } from "./deploy/deploy-watch.js";
import { NEXT_STEP_VERBS, nextStepCommand, nextStepTarget } from "./deploy/next-steps.js";
import { modelDeployCommand } from "./events/model-buttons.js";
import { ignoredReply, MODEL_DEPLOY_VERB, MODEL_EVENT_VERBS, modelButtonTarget } from "./events/model-card.js";
import { nothingToDo, pressChange } from "./changes/press-change.js";
import { immediateChangeId } from "./changes/propose-change.js";
import type { WorkspaceRef } from "./domain/endpoint.js";
import { setupFailureReply } from "./doctor/setup-failure-reply.js";
import { InfrastructureError, ThrottledError } from "./errors.js";
import type { ActionInvocation, CommandInvocation } from "./invocation.js";
import { normaliseDashes, parseArgs } from "./parse/parse-args.js";
import { tokenize } from "./parse/tokenize.js";
import { hasRole } from "./policy.js";
import type { AuditRecord } from "./ports/audit-log.port.js";
import type { FollowUp } from "./ports/follow-ups.port.js";
import { problemReply, throttledReadReply, unexpectedFailureReply, usageHint } from "./replies.js";
import type { Reply } from "./reply.js";
import { proposeRevert } from "./revert/revert-change.js";
import { PROMOTION_CONTROL_VERBS } from "./promote/promotion-card.js";
import { controlPromotion } from "./promote/promotion-controls.js";
import { runPromotionStep, type PromotionStepPayload } from "./promote/promotion-machine.js";
import { resolveWorkspace } from "./target-resolver.js";
import { VerbTable } from "./verb-table.js";
import type { AnyVerb, AuditDetails, VerbContext, VerbResult } from "./verb-spec.js";
import { allVerbs } from "./verbs/all-verbs.js";

export interface ExecuteOptions {
  readonly onProgress?: (reply: Reply) => void;
  readonly abortSignal?: AbortSignal;
}

/** How a bridge should handle a command: answer inline, or acknowledge and run it from the job queue. */
export type CommandPlan = { readonly slow: false } | { readonly slow: true; readonly ackText: string };

type Prepared =
  | { readonly ok: false; readonly reply: Reply; readonly verb?: AnyVerb; readonly audit: AuditDetails }
  | { readonly ok: true; readonly verb: AnyVerb; readonly args: unknown; readonly workspaceFlag?: string };

/**
 * The command core: parses a command, checks policy, runs the verb against the ports and returns a
 * platform-neutral Reply. Expected outcomes are replies; unexpected failures are logged with the
 * correlation id, which the reply shows.
 */
export class CommandCore {
  readonly table: VerbTable;
  /**
   * The last parse of each invocation: a chat turn plans and then executes the same one (an inline answer), so it is
   * parsed once. Keyed by the invocation object, which nothing mutates; dropped with it.
   */
  readonly #prepared = new WeakMap<CommandInvocation, Prepared>();

  constructor(
    private readonly deps: CoreDeps,
    table: VerbTable = new VerbTable(allVerbs()),
  ) {
    this.table = table;
  }

  /** Pure and fast (no I/O): lets a bridge decide to ack within Slack's 3 seconds. */
  plan(invocation: CommandInvocation): CommandPlan {
    const prepared = this.prepare(invocation);
    if (!prepared.ok || !prepared.verb.slow) return { slow: false };
    const ackText = prepared.verb.ackText?.(prepared.args) ?? this.genericAckText(invocation);
    return { slow: true, ackText };
  }

  /**
   * A "working on it" line that names only the verb: the ack may be posted in the channel before the worker
   * checks roles, so it must not echo arguments (a request body, say) to people who may not see them.
   */
  genericAckText(invocation: CommandInvocation): string {
    const verb = this.verbOf(invocation.text);
    return verb ? `⏳ Working on \`aml ${verb.name}\`…` : "⏳ Working on it…";
  }

  /** The verb a command line names (after an optional `aml` or `/aml`), whoever sends it. No I/O. */
  verbOf(text: string): AnyVerb | undefined {
    const words = tokenize(normaliseDashes(text));
    if (!words.ok) return undefined;
    const [first, second] = words.words;
    const word = first?.replace(/^\//, "").toLowerCase() === "aml" ? second : first;
    return word === undefined ? undefined : this.table.lookup(word);
  }

  async execute(invocation: CommandInvocation, options: ExecuteOptions = {}): Promise<Reply> {
    const prepared = this.prepare(invocation);
    const verbName = prepared.verb?.name ?? "unknown";
    if (!prepared.ok) {
      await this.record(invocation, verbName, invocation.text, undefined, prepared.audit);
      return prepared.reply;
    }
    const verb = prepared.verb;
    if (verb.button) {
      // A button typed by hand (`aml apply <id>`): the button's path checks roles and audits, as for a click.
      const { actor, channel, correlationId } = invocation;
      return this.press({ ...verb.button(prepared.args), actor, channel, correlationId }, options);
    }
    return this.guard(invocation, verbName, invocation.text, options, async () => {
      if (prepared.verb.change) {
        // A redelivered `--yes` job: the change it started (maybe sent, maybe not) is resumed, never started again.
        const started = await this.deps.pending.get(immediateChangeId(invocation.correlationId), { abortSignal: options.abortSignal });
        const workspace = started && this.deps.workspaces.find((w) => w.alias === started.workspace);
        if (started && workspace) {
          return { workspace, result: await pressChange(this.context(invocation, workspace, options), prepared.verb.change, started, APPLY_VERB) };
        }
      }
      const defaults = verb.noWorkspace ? {} : await this.deps.channels.getDefaults(invocation.channel, { abortSignal: options.abortSignal });
      const workspace = resolveWorkspace(this.deps, defaults, prepared.workspaceFlag);
      if (!workspace.ok) return { result: { reply: workspace.reply, audit: { outcome: "invalid" } } };
      const ctx = this.context(invocation, workspace.value, options);
      const result = await verb.run(ctx, prepared.args);
      return verb.noWorkspace ? { result } : { workspace: workspace.value, result };
    });
  }

  /**
   * A button click: Apply or Cancel of a previewed change, Approve or Reject of a request for approval, Revert of an
   * applied change. Apply and Cancel act in the preview's channel and need the change's role (or, to cancel, having
   * asked); Approve and Reject need being an approver (checked by the approval flow), from wherever the request's
   * card is; Revert proposes the undo wherever the change's card is, for someone with the change's role.
   */
  async press(action: ActionInvocation, options: ExecuteOptions = {}): Promise<Reply> {
    const text = [action.verb, action.payloadId, action.input].filter(Boolean).join(" ");
    const invocation: CommandInvocation = { text, actor: action.actor, channel: action.channel, correlationId: action.correlationId };
    if (NEXT_STEP_VERBS.includes(action.verb)) return this.nextStep(action, invocation, options);
    if (PROMOTION_CONTROL_VERBS.includes(action.verb)) return this.steerPromotion(action, invocation, options);
    if (MODEL_EVENT_VERBS.includes(action.verb)) return this.modelButton(action, invocation, options);
    return this.guard(invocation, action.verb, text, options, async () => {
      const deps = this.deps;
      const pending = await deps.pending.get(action.payloadId, { abortSignal: options.abortSignal });
      if (!pending || !BUTTON_VERBS.includes(action.verb)) {
        return { result: nothingToDo("This button is no longer valid. Run the command again for a fresh preview.", "not-found") };
      }
      const verb = this.table.lookup(pending.verb);
      const workspace = deps.workspaces.find((w) => w.alias === pending.workspace);
      if (!verb?.change || !workspace) return { result: nothingToDo("This change can no longer be applied here.", "invalid") };
      const audited = { endpoint: pending.endpoint };
      const ctx = this.context(invocation, workspace, options);
      if (action.verb === REVERT_VERB) {
        // An applied change's Revert button proposes its undo here (a preview, or a request for approval): the role
        // checked is that of the change's verb, and the undo is a change like any other.
        return { workspace, result: await proposeRevert(ctx, pending, (name) => this.table.lookup(name), { yes: false }) };
      }
      const deciding = action.verb === APPROVE_VERB || action.verb === REJECT_VERB;
      if (deciding || (pending.approval && action.verb === APPLY_VERB)) {
        if (!pending.approval) return { workspace, result: nothingToDo("This change does not need approval: its preview's Apply button applies it.", "invalid", audited) };
        if (!deciding) return { workspace, result: nothingToDo("This change needs approval: its last Approve applies it.", "invalid", audited) };
        const decision = action.verb === APPROVE_VERB ? "approve" : "reject";
        return { workspace, result: await decideApproval(ctx, verb.change, pending, decision, action.input?.trim() || undefined) };
      }
      const channels = pending.approval?.channels.map((c) => c.id) ?? [pending.channelId];
      if (!channels.includes(action.channel.id)) {
        // A preview is shown to the people of one channel: acting on it elsewhere would hide the change from them.
        const message = "This change was previewed in another channel: apply or cancel it there, or run the command here for a fresh preview.";
        return { workspace, result: { reply: problemReply("Not here", [message]), audit: { ...audited, outcome: "denied", detail: message } } };
      }
      const mayAct = hasRole(action.actor, verb.role, deps.policy) || (action.verb === CANCEL_VERB && action.actor.userId === pending.requestedBy);
      if (!mayAct) return { workspace, result: denied(verb.role, `${action.verb} this change`, audited) };
      const result = await pressChange(ctx, verb.change, pending, action.verb);
      if (!pending.approval) return { workspace, result };
      // A request's cards belong to the notifier, which updates every copy alike: the answer to the click is private.
      await requestCancelled(deps, pending.id, { abortSignal: options.abortSignal });
      return { workspace, result: { ...result, reply: { ...result.reply, visibility: "requester", mode: "new" } } };
    });
  }

  /**
   * A Ready card's next step: runs the command its button names as if the clicker typed it (so their role, a
   * freeze, an approval rule and the preview all apply), answering in a new message so the card stays.
   */
  private async nextStep(action: ActionInvocation, invocation: CommandInvocation, options: ExecuteOptions): Promise<Reply> {
    const { changeId, sample } = nextStepTarget(action.payloadId);
    const change = await this.deps.pending.get(changeId, { abortSignal: options.abortSignal });
    const command = change && nextStepCommand(action.verb, change, sample);
    if (!command) {
      return this.guard(invocation, action.verb, invocation.text, options, async () => ({
        result: nothingToDo("This button is no longer valid. Type the command its card shows instead.", "not-found"),
      }));
    }
    const reply = await this.execute({ ...invocation, text: command }, options);
    return { ...reply, mode: "new" };
  }

  /**
   * A registered model's card: Deploy runs `aml deploy` as the clicker typed it (suggested name, `--from` the busiest
   * deployment now), answering in a new message so the card stays; Ignore replaces the card with who ignored it.
   */
  private async modelButton(action: ActionInvocation, invocation: CommandInvocation, options: ExecuteOptions): Promise<Reply> {
    const target = modelButtonTarget(action.verb, action.payloadId);
    const workspace = target && this.deps.workspaces.find((w) => w.alias === target.workspace);
    const endpoint = action.verb === MODEL_DEPLOY_VERB ? target?.endpoint : undefined;
    // Read before the guard so that a deploy is audited once, as the deploy it runs; a failed read is audited here.
    const planned =
      target && workspace && endpoint
        ? await modelDeployCommand(this.deps.endpoints, workspace, { ...target, endpoint }, { abortSignal: options.abortSignal }).catch((error: unknown) => ({ error }))
        : undefined;
    if (planned && "ok" in planned && planned.ok) return { ...(await this.execute({ ...invocation, text: planned.command }, options)), mode: "new" };
    return this.guard(invocation, action.verb, invocation.text, options, async () => {
      if (!target || !workspace) return { result: nothingToDo("This button is no longer valid: `aml models <name>` lists a model's versions.", "not-found") };
      if (planned && "error" in planned) throw planned.error;
      if (planned && !planned.ok) return { workspace, result: nothingToDo(planned.message, "not-found", { ...(endpoint ? { endpoint } : {}) }) };
      const by = action.actor.displayName ?? action.actor.userId;
      return { workspace, result: { reply: ignoredReply(target, by), audit: { outcome: "ok", detail: `ignored ${target.model}:${target.version}` } } };
    });
  }

  /** Pause, Resume, Abort or Promote now on a promotion's card: the promotion's own workspace, whatever the channel's. */
  private steerPromotion(action: ActionInvocation, invocation: CommandInvocation, options: ExecuteOptions): Promise<Reply> {
    return this.guard(invocation, action.verb, invocation.text, options, async () => {
      const promotion = await this.deps.promotions.get(action.payloadId, { abortSignal: options.abortSignal });
      const workspace = this.deps.workspaces.find((w) => w.alias === promotion?.workspace);
      if (!promotion || !workspace) return { result: nothingToDo("This button is no longer valid: `aml promotions` lists the promotions.", "not-found") };
      return { workspace, result: await controlPromotion(this.context(invocation, workspace, options), action.verb, promotion.id) };
    });
  }

  /**
   * Work the core scheduled for itself (`FollowUps`): a check on a provisioning. Throws only what the runtime should
   * retry (storage or Azure unreachable); a check that finds nothing to do returns.
   */
  async followUp(followUp: FollowUp, options: ExecuteOptions = {}): Promise<void> {
    switch (followUp.kind) {
      case "watch-operation":
        return checkDeploy(this.deps, followUp.payload as WatchPayload & { readonly check: number }, options.abortSignal);
      case "promotion-step":
        return runPromotionStep(this.deps, followUp.payload as PromotionStepPayload, options.abortSignal);
    }
  }

  private prepare(invocation: CommandInvocation): Prepared {
    let prepared = this.#prepared.get(invocation);
    if (!prepared) this.#prepared.set(invocation, (prepared = this.parse(invocation)));
    return prepared;
  }

  private parse(invocation: CommandInvocation): Prepared {
    const words = tokenize(normaliseDashes(invocation.text));
    if (!words.ok) return { ok: false, reply: problemReply("Could not read the command", [words.message]), audit: { outcome: "invalid" } };
    const [first, ...rest] = words.words[0]?.replace(/^\//, "").toLowerCase() === "aml" ? words.words.slice(1) : words.words;
    const verb = this.table.lookup(first ?? "help");
    if (!verb) {
      const suggestions = this.table.suggest(first!);
      const hint = suggestions.length ? `Did you mean \`aml ${suggestions[0]}\`? ` : "";
      return { ok: false, reply: problemReply("Unknown command", [`\`${first}\` is not an aml verb.`], `${hint}\`aml help\` lists them all.`), audit: { outcome: "invalid" } };
    }
    if (!hasRole(invocation.actor, verb.role, this.deps.policy)) {
      return { ok: false, verb, ...denied(verb.role, `run \`aml ${verb.name}\``) };
    }
    const parsed = parseArgs(rest, { ...verb.flags, help: { type: "boolean", description: "Show this verb's help" } });
    if (!parsed.ok) return usageProblem(verb, parsed.message);
    const { help, ...flags } = parsed.args.flags;
    if (help === true) return { ok: false, verb, reply: this.table.verbHelpReply(verb), audit: { outcome: "ok", detail: "help" } };
    const read = verb.read({ positionals: parsed.args.positionals, flags });
    if (!read.ok) return usageProblem(verb, read.problem, read.usage);
    return { ok: true, verb, args: read.args, ...(typeof flags.workspace === "string" ? { workspaceFlag: flags.workspace } : {}) };
  }

  private context(invocation: CommandInvocation, workspace: WorkspaceRef, options: ExecuteOptions): VerbContext {
    return {
      invocation,
      deps: this.deps,
      workspace,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    };
  }

  /**
   * Runs a verb, turning unexpected failures into a reply with the correlation id, and audits either way. A run
   * aborted because its worker is stopping (shutdown, a lost job lease) is not an outcome: it rethrows, so the job
   * is delivered again and resumes, instead of telling chat something went wrong while the change is in flight.
   */
  private async guard(
    invocation: CommandInvocation,
    verbName: string,
    text: string,
    options: ExecuteOptions,
    run: () => Promise<{ workspace?: WorkspaceRef; result: VerbResult }>,
  ): Promise<Reply> {
    let outcome: { workspace?: WorkspaceRef; result: VerbResult };
    try {
      outcome = await run();
    } catch (error) {
      if (options.abortSignal?.aborted) throw error;
      outcome = { result: this.failureResult(invocation, verbName, error) };
    }
    await this.record(invocation, verbName, text, outcome.workspace, outcome.result.audit);
    return outcome.result.reply;
  }

  /**
   * A read Azure throttled is the throttled outcome (as a write's is); an infrastructure failure points to `aml doctor`
   * (saying what is wrong to an admin when the port could tell); anything else, a bug, the bare correlation id.
   */
  private failureResult(invocation: CommandInvocation, verbName: string, error: unknown): VerbResult {
    const { correlationId } = invocation;
    if (error instanceof ThrottledError) {
      this.deps.logger.warn("command throttled by Azure", { correlationId, verb: verbName, retryAfterInMs: error.retryAfterInMs, error });
      return { reply: throttledReadReply(error.retryAfterInMs), audit: { outcome: "failed", detail: `throttled: ${error.message}` } };
    }
    this.deps.logger.error("command failed", { correlationId, verb: verbName, error });
    const audit: AuditDetails = { outcome: "error", detail: error instanceof Error ? error.name : "error" };
    if (error instanceof InfrastructureError) {
      // The bot's own set-up may be at fault (a role, a token): say so to an admin, and point everyone to `aml doctor`.
      const admin = hasRole(invocation.actor, "admin", this.deps.policy);
      return { reply: setupFailureReply(error.setupProblem, { correlationId, admin, workspaces: this.deps.workspaces }), audit: { ...audit, ...(error.setupProblem ? { detail: `${error.name}: ${error.setupProblem.kind}` } : {}) } };
    }
    return { reply: unexpectedFailureReply(correlationId), audit };
  }

  private async record(
    invocation: CommandInvocation,
    verb: string,
    text: string,
    workspace: WorkspaceRef | undefined,
    details: AuditDetails,
  ): Promise<void> {
    const record: AuditRecord = {
      at: this.deps.clock.now(),
      correlationId: invocation.correlationId,
      platform: invocation.actor.platform,
      userId: invocation.actor.userId,
      channelId: invocation.channel.id,
      verb,
      text,
      ...(workspace ? { workspace: workspace.alias } : {}),
      ...details,
    };
    try {
      await this.deps.audit.append(record);
    } catch (error) {
      // A lost audit line must not hide the result of a change that already happened; operators see it in logs.
      this.deps.logger.error("audit append failed", { correlationId: invocation.correlationId, verb, error });
    }
  }
}

/** The verbs a button (or its typed form) may carry: the chat bridges accept these and no others. */
export const BUTTON_VERBS: readonly string[] = [APPLY_VERB, CANCEL_VERB, APPROVE_VERB, REJECT_VERB, REVERT_VERB, ...NEXT_STEP_VERBS, ...PROMOTION_CONTROL_VERBS, ...MODEL_EVENT_VERBS];

/** Words the verb cannot read: what is wrong, and the usage (of the action it concerns, when it has actions). */
function usageProblem(verb: AnyVerb, problem: string, usage = verb.usage): Prepared {
  const reply = problemReply(`Could not run \`aml ${verb.name}\``, [problem], usageHint(usage));
  return { ok: false, verb, reply, audit: { outcome: "invalid", detail: problem } };
}

function denied(role: string, what: string, extra: Partial<AuditDetails> = {}): { reply: Reply; audit: AuditDetails } {
  const reply = problemReply("Not allowed", [`You need the *${role}* role to ${what}.`], "Ask an aml-chatops admin to grant it. Nothing was changed.");
  return { reply, audit: { ...extra, outcome: "denied" } };
}
