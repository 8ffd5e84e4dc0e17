/**
 * `aml promote [endpoint] <candidate>`: a staged rollout of a deployment, a shadow stage then live shares, each
 * step held and gated on the candidate's metrics against the live baseline, reverted automatically when a gate
 * fails. Proposed like any change (so a rule may put it under approval), then run by the promotion machine.
 * `aml promotion status|pause|resume|abort|now <id>` and `aml promotions [endpoint]` follow and steer it.
 */
import * as z from "zod";
import { applyNow, proposeChange, type Proposal } from "../changes/propose-change.js";
import { dryRunFlag, endpointArg, overrideFlag, workspaceFlag, yesFlag } from "../common-flags.js";
import { chartSection } from "../digest/metrics-chart.js";
import { deploymentName } from "../domain/names.js";
import type { PositionalSpec } from "../parse/grammar.js";
import { refuse } from "../parse/refuse.js";
import type { Promotion } from "../ports/promotions.port.js";
import { gateLine } from "../promote/evaluate-gates.js";
import { planFor } from "../promote/plan-for.js";
import type { RetireMode } from "../promote/promotion-plan.js";
import { describeDuration } from "../promote/parse-steps.js";
import { promoteChangeKind, type PromotePayload } from "../promote/promote-change.js";
import { ABORT_VERB, PAUSE_VERB, PROMOTE_NOW_VERB, promotionCard, RESUME_VERB, stepLabel } from "../promote/promotion-card.js";
import { controlPromotion } from "../promote/promotion-controls.js";
import { readCandidate } from "../promote/promotion-gates.js";
import { baselineDeployments, describeTrafficSplit, splitOf, stepSplit } from "../promote/promotion-split.js";
import { channelReply, problemReply, utcTimeOfDay } from "../replies.js";
import type { Section } from "../reply.js";
import { resolveDeployment, resolveEndpoint } from "../target-resolver.js";
import { defineVerb, type VerbContext, type VerbResult } from "../verb-spec.js";
import { buttonVerb } from "./apply.verb.js";

const HOUR_MS = 60 * 60_000;

const PROMOTION_ID = /^[A-Za-z0-9-]{6,64}$/;
const ACTIONS = ["status", "pause", "resume", "abort", "now"] as const;
type Action = (typeof ACTIONS)[number];
const isAction = (word: string): word is Action => (ACTIONS as readonly string[]).includes(word);

const candidateOrId = z.string().transform((word, ctx) => (deploymentName.safeParse(word).success || PROMOTION_ID.test(word) ? word : refuse(ctx, "Deployment names are 1–32 letters, digits, hyphens or underscores.")));

export const promoteVerb = defineVerb({
  name: "promote",
  group: "change",
  aliases: [],
  summary: "Roll a deployment out in gated steps (shadow, then live shares), reverted automatically if a gate fails",
  notes: [
    "Steps: `mirror 10% 15m, 10% 15m, 50% 30m, 100%` (a mirror step shadows that share of live requests; each step holds for its time). Gates: `p99 <= 1.2x, 5xx <= 1%, 5xx <= baseline + 0.5pt, p99 <= 250ms`.",
    "Without `--steps` or `--gate`, the workspace's defaults from the config (`policy.promotions`), else the built-in ones. `--retire` deletes the old deployments after a soak at 0 %; `--scale-down` keeps them at their fewest instances instead, for a quick way back.",
    "Its card shows each step and gate, with Pause, Resume, Promote now and Abort; `aml promotion status <id>` too.",
  ],
  examples: ["promote fraud-scorer green", 'promote green --steps "10% 10m, 100%" --gate "p99 <= 1.5x"', "promote fraud-scorer green --retire", "promote fraud-scorer green --scale-down"],
  role: "operator",
  slow: true,
  // `promote status <id>` (and pause, resume, abort, now) reads as `aml promotion <action> <id>`: the id is longer
  // than a deployment name may be, so the candidate takes either and `run` tells them apart.
  positionals: [endpointArg, { name: "candidate", description: "The deployment to promote", label: "deployment name", schema: candidateOrId }],
  flags: {
    steps: { type: "string", description: "The steps, e.g. `mirror 10% 15m, 10% 15m, 100%`", placeholder: "plan", quoted: true },
    gate: { type: "string", description: "The gates, e.g. `p99 <= 1.2x, 5xx <= 1%`", placeholder: "gates", quoted: true },
    retire: { type: "boolean", description: "Delete the old deployments after the soak time" },
    "scale-down": { type: "boolean", description: "Scale the old deployments down to their minimum after the soak time, instead of deleting them" },
    reason: { type: "string", description: "Why, for approvers and the audit log", placeholder: "text", quoted: true },
    yes: yesFlag,
    "dry-run": { ...dryRunFlag, description: "Show the plan and what each step sends, without starting it" },
    override: overrideFlag,
    workspace: workspaceFlag,
  },
  ackText: (a) => `⏳ Planning the promotion of ${a.candidate}…`,
  async run(ctx, a) {
    const action = a.endpoint?.toLowerCase();
    if (action !== undefined && isAction(action)) return promotionAction(ctx, action, a.candidate);
    const named = deploymentName.safeParse(a.candidate);
    if (!named.success) return { reply: problemReply(`Cannot promote ${a.candidate}`, [named.error.issues[0]?.message ?? "Not a deployment name."]), audit: { outcome: "invalid" } };
    const target = await resolveDeployment(ctx, a.endpoint, a.candidate);
    if (!target.ok) return target.refusal;
    const { endpoint, deployment } = target.value;
    const refuse = (problem: string, hint?: string): VerbResult => ({ reply: problemReply(`Cannot promote ${a.candidate}`, [problem], hint), audit: { outcome: "invalid", endpoint: endpoint.name, detail: problem } });
    if (deployment.provisioningState !== "Succeeded") return refuse(`\`${a.candidate}\` is ${deployment.provisioningState.toLowerCase()}, not ready to take traffic.`, `Wait for its status card to say Ready (\`aml show ${endpoint.name}\`).`);
    const before = splitOf(endpoint);
    if (baselineDeployments(before, a.candidate).length === 0) return refuse(`No other deployment of ${endpoint.name} serves live traffic (${describeTrafficSplit(before)}): there is no baseline to compare \`${a.candidate}\` with.`, "Give it traffic with `aml traffic` instead.");
    if (a.retire && a.scaleDown) return refuse("`--retire` deletes the old deployments and `--scale-down` keeps them at their minimum: give one of them.");
    const retire: RetireMode | undefined = a.retire ? "delete" : a.scaleDown ? "scale" : undefined;
    const planned = planFor(ctx.deps.policy, ctx.workspace.alias, endpoint.name, { ...(a.steps !== undefined ? { steps: a.steps } : {}), ...(a.gate !== undefined ? { gates: a.gate } : {}), ...(retire ? { retire } : {}) });
    if (!planned.ok) return refuse(planned.message);
    const { plan, source } = planned;
    if ((before.traffic[a.candidate] ?? 0) > 0 && plan.steps.some((s) => s.kind === "mirror")) {
      return refuse(`\`${a.candidate}\` already serves ${before.traffic[a.candidate]} % of live traffic, and Azure ML does not mirror to a deployment that does.`, 'Give `--steps` without a mirror step, e.g. `--steps "25% 15m, 100%"`.');
    }
    const payload: PromotePayload = { candidate: a.candidate, plan, planSource: source, retire: retire !== undefined, before, ...(endpoint.location ? { location: endpoint.location } : {}), ...(a.reason ? { reason: a.reason } : {}) };
    const sections = await previewSections(ctx, endpoint.name, endpoint.location, payload);
    const audit = { endpoint: endpoint.name, before: describeTrafficSplit(before), after: `${a.candidate}=100 in ${plan.steps.length} steps` };
    if (a.dryRun) {
      const reply = channelReply({ title: `Dry run: promote ${a.candidate} on ${endpoint.name}`, tone: "info", sections: [...sections, { kind: "text", text: "Nothing was started." }], visibility: "requester", summary: `Dry run: promote ${a.candidate}` });
      return { reply, audit: { ...audit, outcome: "previewed", detail: "dry run" } };
    }
    const proposal: Proposal = {
      verb: "promote",
      endpoint: endpoint.name,
      payload,
      ...(endpoint.etag !== undefined ? { etag: endpoint.etag } : {}),
      title: `Promote ${a.candidate} on ${endpoint.name}`,
      sections,
      summary: `Proposed: promote ${a.candidate} on ${endpoint.name} in ${plan.steps.length} steps`,
      confirmText: `Start promoting ${a.candidate} on ${endpoint.name}? Each step waits for its gates; a failed gate puts ${describeTrafficSplit(before)} back.`,
      override: a.override,
      ...(a.reason ? { reason: a.reason } : {}),
    };
    if (a.yes) return applyNow(ctx, promoteChangeKind, proposal);
    return proposeChange(ctx, proposal, audit);
  },
  change: promoteChangeKind,
});

/** The plan, what each step sends, the gates, and how the candidate has done so far (its pinned and mirrored requests). */
async function previewSections(ctx: VerbContext, endpoint: string, location: string | undefined, payload: PromotePayload): Promise<Section[]> {
  const { plan, candidate, before } = payload;
  const steps = plan.steps.map((step, i) => `${i + 1}. ${stepLabel(step)}${i < plan.steps.length - 1 ? ` · ${describeDuration(step.holdInMs)}` : ""} → ${describeTrafficSplit(stepSplit(before, candidate, step))}`);
  const sections: Section[] = [
    { kind: "fields", fields: [{ label: "Candidate", value: candidate }, { label: "Baseline", value: baselineDeployments(before, candidate).join(", ") }, { label: "Now", value: describeTrafficSplit(before) }, { label: "Plan", value: payload.planSource }] },
    { kind: "text", text: ["*Steps*", ...steps].join("\n") },
    { kind: "text", text: [`*Gates* (each step, candidate against the baseline, ${plan.minRequests} requests at least; a failed gate reverts to ${describeTrafficSplit(before)}):`, ...plan.gates.map((g) => `• ${g.text}`)].join("\n") },
  ];
  if (payload.retire && plan.retire) {
    const fate = plan.retire.mode === "scale" ? "scaled down to their minimum instances" : "deleted";
    sections.push({ kind: "text", text: `Then the old deployments are ${fate} after ${describeDuration(plan.retire.soakInMs)} at 0 % (approval per policy).` });
  }
  const workspace = ctx.workspace;
  const now = ctx.deps.clock.now();
  try {
    const read = await readCandidate(ctx.deps, workspace, { endpoint, candidate, baseline: before, plan }, { start: new Date(now.getTime() - HOUR_MS), end: now }, ctx.abortSignal, location);
    sections.push({ kind: "text", text: ["*The candidate so far* (last hour, the gates as they would read now):", ...read.results.map(gateLine)].join("\n") });
    if (read.chart) sections.push(await chartSection(ctx.deps.charts, ctx.deps.logger, read.chart, `${candidate} against the baseline over the last hour`, { correlationId: ctx.invocation.correlationId, ...(ctx.abortSignal ? { abortSignal: ctx.abortSignal } : {}) }));
  } catch (error) {
    ctx.deps.logger.warn("candidate metrics not read for the promotion preview", { correlationId: ctx.invocation.correlationId, error });
    sections.push({ kind: "text", text: "The candidate's metrics could not be read now; the gates read them at each step." });
  }
  return sections;
}

const promotionId = {
  name: "id",
  description: "The promotion's id, as its card shows it",
  missing: "Give the promotion's id (its card and `aml promotions` show it).",
  schema: z.string().regex(PROMOTION_ID, "A promotion id is letters, digits and dashes, as its card shows it."),
} as const satisfies PositionalSpec;

const CONTROLS = { pause: PAUSE_VERB, resume: RESUME_VERB, abort: ABORT_VERB, now: PROMOTE_NOW_VERB } as const;

export const promotionVerb = defineVerb({
  name: "promotion",
  group: "change",
  aliases: [],
  summary: "One promotion: its status, or pause, resume, abort (revert now) or move it on now",
  examples: ["promotion status pending-0042", "promotion pause pending-0042", "promotion abort pending-0042"],
  role: "viewer",
  roleNote: "operator to pause, resume, abort or move it on; under an approval rule, Promote now takes an approver who is not the requester",
  slow: true,
  flags: {},
  actions: {
    status: { positionals: [promotionId] },
    pause: { positionals: [promotionId] },
    resume: { positionals: [promotionId] },
    abort: { positionals: [promotionId] },
    now: { positionals: [promotionId] },
  },
  ackText: (a) => (a.action === "status" ? "⏳ Reading the promotion…" : `⏳ ${a.action} the promotion…`),
  run: (ctx, a) => promotionAction(ctx, a.action, a.id),
});

/** `status`: the card with its history; the others steer it. */
async function promotionAction(ctx: VerbContext, action: Action, id: string): Promise<VerbResult> {
  if (action !== "status") return controlPromotion(ctx, CONTROLS[action], id);
  const promotion = await ctx.deps.promotions.get(id, { abortSignal: ctx.abortSignal });
  if (!promotion) return { reply: problemReply("No such promotion", [`There is no promotion \`${id}\`.`], "`aml promotions` lists them."), audit: { outcome: "not-found" } };
  const card = promotionCard(promotion, ctx.deps.promotionTimeScale);
  const history = promotion.history.slice(-10).map((e) => `${utcTimeOfDay(e.at)} ${e.text}`);
  const reply = { ...card, sections: [...card.sections, { kind: "text" as const, text: ["*History*", ...history].join("\n") }] };
  return { reply, audit: { outcome: "ok", endpoint: promotion.endpoint, detail: promotion.id } };
}

export const promotionsVerb = defineVerb({
  name: "promotions",
  group: "look",
  aliases: [],
  summary: "Running and past promotions of an endpoint (or all), with their outcome",
  examples: ["promotions", "promotions fraud-scorer"],
  role: "viewer",
  slow: true,
  positionals: [endpointArg],
  flags: { workspace: workspaceFlag },
  ackText: () => "⏳ Reading promotions…",
  async run(ctx, a) {
    let endpoint: string | undefined;
    if (a.endpoint !== undefined) {
      const resolved = await resolveEndpoint(ctx, a.endpoint);
      if (!resolved.ok) return { reply: resolved.reply, audit: { outcome: "invalid" } };
      endpoint = resolved.value.endpoint.name;
    }
    const list = await ctx.deps.promotions.list({ workspace: ctx.workspace.alias, ...(endpoint ? { endpoint } : {}), abortSignal: ctx.abortSignal });
    const scope = endpoint ?? `workspace ${ctx.workspace.alias}`;
    // An entry per promotion, not a 7-column table, whose cells a Teams card on a phone broke inside words (issue
    // 14 §3); a section each, so twenty long notes stay within Slack's 3,000 characters a block.
    const entry = (p: Promotion): Section => {
      const step = p.step < 0 ? "not started" : `step ${p.step + 1} of ${p.plan.steps.length}`;
      const started = `${p.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
      return { kind: "text", text: [`*${p.endpoint}*: ${p.candidate} · ${p.state} · ${step}`, `\`${p.id}\` · started ${started}`, ...(p.note ? [p.note] : [])].join("\n") };
    };
    const reply = channelReply({
      title: `Promotions: ${scope}`,
      tone: "info",
      sections: list.length === 0
        ? [{ kind: "text", text: "No promotion yet. `aml promote <endpoint> <deployment>` starts one." }]
        : list.slice(0, 20).map(entry),
      summary: `${list.length} promotion(s) on ${scope}`,
    });
    return { reply, audit: { outcome: "ok", ...(endpoint ? { endpoint } : {}) } };
  },
});

/**
 * The card's buttons as typed words (`aml promotion-pause <id>`), which is how the terminal and chat clients without
 * buttons show them; `aml promotion pause <id>` is the listed form.
 */
const PRESSED = { [PAUSE_VERB]: "pauses", [RESUME_VERB]: "resumes", [ABORT_VERB]: "aborts (the split from before, now)", [PROMOTE_NOW_VERB]: "moves on to the next step" };
export const promotionButtonVerbs = Object.entries(PRESSED).map(([verb, does]) =>
  buttonVerb(verb, `What a promotion card's button does: ${does}`, "operator; Promote now under an approval rule: an approver who is not the requester", { ...promotionId, label: "promotion id" }),
);
