/**
 * A promotion's card, one per promotion, updated in place at every transition: where it is in its plan, each gate's
 * last reading against its threshold, when the next step is due, and the buttons that fit its state.
 */
import type { Promotion, PromotionState } from "../ports/promotions.port.js";
import { deploymentOrder, trafficBars, utcTimeOfDay } from "../replies.js";
import type { Button, Reply, Section, Tone } from "../reply.js";
import { gateLine } from "./evaluate-gates.js";
import { describeDuration } from "./parse-steps.js";
import type { PromotionStep } from "./promotion-plan.js";
import { baselineDeployments, describeTrafficSplit } from "./promotion-split.js";

export const PAUSE_VERB = "promotion-pause";
export const RESUME_VERB = "promotion-resume";
export const ABORT_VERB = "promotion-abort";
export const PROMOTE_NOW_VERB = "promotion-now";
export const PROMOTION_CONTROL_VERBS: readonly string[] = [PAUSE_VERB, RESUME_VERB, ABORT_VERB, PROMOTE_NOW_VERB];

export function promotionCardKey(id: string): string {
  return `promote:${id}`;
}

export function stepLabel(step: PromotionStep): string {
  return step.kind === "mirror" ? `mirror ${step.percent} %` : `${step.percent} % live`;
}

export function promotionCard(promotion: Promotion, timeScale: number): Reply {
  const { candidate, endpoint, plan } = promotion;
  const n = plan.steps.length;
  const current = plan.steps[promotion.step];
  const retiring = promotion.state === "running" && promotion.intent?.action === "retire";
  const where = promotion.step < 0 ? "starting" : `step ${promotion.step + 1} of ${n}${current ? ` (${stepLabel(current)})` : ""}`;
  const titles: Record<PromotionState, string> = {
    running: retiring ? `✅ Promoted ${candidate} on ${endpoint}: retiring the old deployments` : `⏳ Promoting ${candidate} on ${endpoint}: ${where}`,
    paused: `⏸ Paused: promotion of ${candidate} on ${endpoint} at ${where}`,
    reverting: `↩ Reverting the promotion of ${candidate} on ${endpoint}`,
    succeeded: `✅ Promoted: ${candidate} serves 100 % of ${endpoint}`,
    reverted: `↩ Reverted: ${candidate} on ${endpoint}`,
    aborted: `Aborted: promotion of ${candidate} on ${endpoint}`,
    failed: `❌ Promotion of ${candidate} on ${endpoint} stopped`,
  };
  const title = titles[promotion.state];
  const sections: Section[] = [
    {
      kind: "fields",
      fields: [
        { label: "Candidate", value: candidate },
        { label: "Baseline", value: baselineDeployments(promotion.baseline, candidate).join(", ") || "none" },
        { label: "Before", value: describeTrafficSplit(promotion.baseline) },
        { label: "Now", value: describeTrafficSplit(promotion.expected) },
        ...(promotion.nextAt && promotion.state === "running" ? [{ label: retiring ? "Retiring at" : "Next check", value: utcTimeOfDay(promotion.nextAt) }] : []),
      ],
    },
    { kind: "text", text: planLines(promotion) },
  ];
  const gates = promotion.lastGates?.length ? promotion.lastGates.map(gateLine) : plan.gates.map((g) => `• ${g.text}`);
  sections.push({ kind: "text", text: [`*Gates*${promotion.lastGates?.length ? " (last check)" : ""}, ${plan.minRequests} requests at least:`, ...gates].join("\n") });
  const names = deploymentOrder([], promotion.baseline.traffic, promotion.expected.traffic);
  sections.push({ kind: "traffic", label: "Live traffic", bars: trafficBars(names, promotion.expected.traffic, promotion.baseline.traffic) });
  if (promotion.note) sections.push({ kind: "text", text: promotion.note });
  const context = [
    `Requested by ${promotion.requestedByName ?? promotion.requestedBy}${promotion.reason ? `: ${promotion.reason}` : ""} · \`${promotion.id}\` · \`aml promotion status ${promotion.id}\``,
    ...(timeScale > 1 ? [`Plan time runs ${timeScale}× faster here (AML_PROMOTION_TIME_SCALE).`] : []),
  ];
  return {
    title,
    tone: TONES[promotion.state],
    sections,
    buttons: controls(promotion),
    context,
    visibility: "channel",
    mode: "new",
    summary: title,
  };
}

const TONES: Record<PromotionState, Tone> = { running: "info", paused: "warning", reverting: "warning", succeeded: "success", reverted: "warning", aborted: "info", failed: "error" };

function planLines(promotion: Promotion): string {
  return promotion.plan.steps
    .map((step, i) => {
      const mark = i < promotion.step || (i === promotion.step && promotion.state === "succeeded") ? "✓" : i === promotion.step ? "▶" : "·";
      const hold = i === promotion.plan.steps.length - 1 ? "" : ` · ${describeDuration(step.holdInMs)}`;
      const since = i === promotion.step && promotion.stepStartedAt ? ` (since ${utcTimeOfDay(promotion.stepStartedAt)})` : "";
      return `${mark} ${i + 1}. ${stepLabel(step)}${hold}${since}`;
    })
    .join("\n");
}

function controls(promotion: Promotion): Button[] {
  const id = promotion.id;
  const abort: Button = {
    label: "Abort",
    verb: ABORT_VERB,
    payloadId: id,
    style: "danger",
    confirm: { title: "Abort the promotion?", text: `Traffic goes back to ${describeTrafficSplit(promotion.baseline)} now.`, confirm: "Abort", deny: "Back" },
  };
  const now: Button = { label: "Promote now", verb: PROMOTE_NOW_VERB, payloadId: id, confirm: { title: "Promote now?", text: "The next step starts now, without waiting for the gates.", confirm: "Promote now", deny: "Back" } };
  switch (promotion.state) {
    case "running":
      return promotion.intent?.action === "retire" ? [] : [{ label: "Pause", verb: PAUSE_VERB, payloadId: id }, now, abort];
    case "paused":
      return [{ label: "Resume", verb: RESUME_VERB, payloadId: id, style: "primary" }, now, abort];
    default:
      return [];
  }
}
