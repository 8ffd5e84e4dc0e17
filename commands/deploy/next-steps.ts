/**
 * What to try with a deployment that just became ready, as buttons on its Ready card: a saved sample sent to it
 * alone, 10 % of live requests mirrored to it, 10 % of live traffic, or a staged promotion with the workspace's
 * plan. A click runs the command its button names, as the person who clicked typed it (their role, freezes,
 * approvals and the preview apply), and answers in a new message: the Ready card stays, so the next step can be
 * tried too. The buttons carry the deploy's change id, from
 * which the endpoint, the deployment and the workspace are read back, never taken from the click.
 */
import type { PendingChange } from "../ports/pending-change.port.js";
import type { Button } from "../reply.js";
import { SAMPLE_NAME } from "../scoring/payload.js";

export const TRY_INVOKE_VERB = "try-invoke";
export const TRY_MIRROR_VERB = "try-mirror";
export const TRY_TRAFFIC_VERB = "try-traffic";
export const TRY_PROMOTE_VERB = "try-promote";
export const NEXT_STEP_VERBS: readonly string[] = [TRY_INVOKE_VERB, TRY_MIRROR_VERB, TRY_TRAFFIC_VERB, TRY_PROMOTE_VERB];

/** The share of live requests the first mirror or traffic step gives a new deployment. */
const FIRST_STEP_PERCENT = 10;

/** The Ready card's buttons; the invoke one when the endpoint has a saved sample (`sample`: its name). */
export function nextStepButtons(changeId: string, sample: string | undefined): Button[] {
  return [
    ...(sample ? [{ label: `Invoke @${sample}`, verb: TRY_INVOKE_VERB, payloadId: `${changeId}@${sample}` }] : []),
    { label: `Mirror ${FIRST_STEP_PERCENT} %`, verb: TRY_MIRROR_VERB, payloadId: changeId },
    { label: `Traffic ${FIRST_STEP_PERCENT} %`, verb: TRY_TRAFFIC_VERB, payloadId: changeId },
    { label: "Promote", verb: TRY_PROMOTE_VERB, payloadId: changeId },
  ];
}

/** The change a next-step button names (and the sample, for invoke). */
export function nextStepTarget(payloadId: string): { readonly changeId: string; readonly sample?: string } {
  const at = payloadId.indexOf("@");
  return at < 0 ? { changeId: payloadId } : { changeId: payloadId.slice(0, at), sample: payloadId.slice(at + 1) };
}

/** The command a next-step click runs, or undefined when the change is not a deploy (a forged or stale button). */
export function nextStepCommand(verb: string, change: PendingChange, sample: string | undefined): string | undefined {
  // A deploy's payload (`DeployPayload`, read structurally: the status card that carries these buttons is its own).
  const deployment = change.verb === "deploy" ? (change.payload as { readonly spec?: { readonly name?: unknown } }).spec?.name : undefined;
  if (typeof deployment !== "string") return undefined;
  const where = `--workspace ${change.workspace}`;
  switch (verb) {
    case TRY_INVOKE_VERB:
      return sample && SAMPLE_NAME.test(sample) ? `invoke ${change.endpoint} @${sample} --deployment ${deployment} ${where}` : undefined;
    case TRY_MIRROR_VERB:
      return `mirror ${change.endpoint} ${deployment}=${FIRST_STEP_PERCENT} ${where}`;
    case TRY_TRAFFIC_VERB:
      return `traffic ${change.endpoint} ${deployment}=${FIRST_STEP_PERCENT} ${where}`;
    case TRY_PROMOTE_VERB:
      return `promote ${change.endpoint} ${deployment} ${where}`;
    default:
      return undefined;
  }
}
