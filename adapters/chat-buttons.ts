/**
 * What every chat platform knows of the bot's own buttons, beyond what a renderer draws: which verbs are ours, the
 * clicks whose card the core keeps up to date itself, and the text box that goes with a button (`Button.input`):
 * its id, the same in every render (Slack `block_id` and `action_id`, the Adaptive Card input's `id`), and how what
 * was typed in it is read back from a click. Pure.
 */
import { APPROVE_VERB, REJECT_VERB } from "../commands/approvals/approval-card.js";
import { BUTTON_VERBS as CORE_BUTTON_VERBS } from "../commands/command-core.js";
import { NEXT_STEP_VERBS } from "../commands/deploy/next-steps.js";
import { MODEL_DEPLOY_VERB } from "../commands/events/model-card.js";
import { PROMOTION_CONTROL_VERBS } from "../commands/promote/promotion-card.js";
import type { Button, ButtonInput } from "../commands/reply.js";
import type { CoreRequest } from "./jobs.js";

/** The verbs our buttons carry (the core's list); a click with any other is someone else's button. */
export const BUTTON_VERBS: ReadonlySet<string> = new Set(CORE_BUTTON_VERBS);

/**
 * Approve and Reject act on a request for approval, whose card the core posts and updates itself on every copy
 * (the channel notifier): a click leaves the clicked card to it, never replaces it with its own answer. So do a
 * promotion's Pause, Resume, Abort and Promote now: its card is the core's, updated at every transition.
 */
const DECISION_VERBS: ReadonlySet<string> = new Set([APPROVE_VERB, REJECT_VERB, ...PROMOTION_CONTROL_VERBS]);

/**
 * A Ready card's next steps answer in a new message: the card stays, with its other steps. So does a model card's
 * Deploy (its preview is a new message, and the card's other endpoints stay to choose from).
 */
const STAYING_VERBS: ReadonlySet<string> = new Set([...DECISION_VERBS, ...NEXT_STEP_VERBS, MODEL_DEPLOY_VERB]);

/** The longest text a box sends; Slack and Teams are told so, and a longer one is cut. */
export const MAX_BUTTON_INPUT_CHARS = 500;

/** Slack caps a `block_id` and an `action_id` at 255 characters. */
const MAX_INPUT_ID_CHARS = 255;

/** The id of a button's text box, derived from the button alone, so the click says which box was its own. */
export function buttonInputId(button: Pick<Button, "verb" | "payloadId">): string {
  return `input:${button.verb}:${button.payloadId}`.slice(0, MAX_INPUT_ID_CHARS);
}

/** The text boxes a message shows for its buttons, in order: one per id (a platform refuses a repeated one). */
export function buttonBoxes(buttons: readonly Button[]): { readonly id: string; readonly input: ButtonInput }[] {
  const boxes = new Map<string, ButtonInput>();
  for (const b of buttons) if (b.input && !boxes.has(buttonInputId(b))) boxes.set(buttonInputId(b), b.input);
  return [...boxes].map(([id, input]) => ({ id, input }));
}

/** What was typed in a box, as a click carries it: trimmed and cut to the maximum; undefined when empty or absent. */
export function typedInput(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  let text = value.trim().slice(0, MAX_BUTTON_INPUT_CHARS);
  // Never half a character: a cut between the two halves of a surrogate pair drops the first half too.
  if (/[\ud800-\udbff]$/.test(text)) text = text.slice(0, -1);
  return text.trimEnd() || undefined;
}

/**
 * Whether a click leaves its card as it is: a decision (the core updates the request's card), or a next step of a
 * Ready card (its answer is a new message). No progress or answer replaces such a card.
 */
export function keepsItsCard(request: CoreRequest): boolean {
  return "verb" in request && STAYING_VERBS.has(request.verb);
}

/** Whether a click is a decision on a request for approval (its answer is private; the card is the core's). */
export function isDecision(request: CoreRequest): boolean {
  return "verb" in request && DECISION_VERBS.has(request.verb);
}
