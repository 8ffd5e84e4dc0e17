/**
 * A running deploy holds its endpoint. While Azure ML is still creating, updating or deleting one of its deployments,
 * every other change to the endpoint is refused, naming what runs, who started it through the bot, and where to
 * follow it: a traffic shift or a scale-down in the middle of a provisioning either fails halfway or races it.
 * Azure ML's own state is the lock, so it also holds for operations started outside the bot, and it can never be
 * left behind by a worker that died.
 */
import type { Deployment } from "../domain/endpoint.js";
import { requesterName } from "../changes/change-people.js";
import { problemReply, utcTimeOfDay } from "../replies.js";
import type { VerbContext, VerbResult } from "../verb-context.js";

const BUSY_STATES = ["Creating", "Updating", "Deleting", "Scaling"];

/** The refusal while `endpoint` is busy, or undefined when a change may go ahead. */
export async function endpointBusy(ctx: VerbContext, endpoint: string): Promise<VerbResult | undefined> {
  const options = { abortSignal: ctx.abortSignal };
  const deployments = await ctx.deps.endpoints.listDeployments(ctx.workspace, endpoint, options);
  const busy = deployments.find((d) => BUSY_STATES.includes(d.provisioningState));
  if (!busy) return undefined;
  const holder = await holderOf(ctx, endpoint, busy);
  const text = `\`${busy.name}\` is ${busy.provisioningState.toLowerCase()}${holder}: changes to ${endpoint} wait until Azure ML is done with it.`;
  const reply = problemReply(`${endpoint} is busy`, [text], `Follow it on its status card or with \`aml show ${endpoint}\`, then try again. Nothing was changed.`);
  return { reply, audit: { outcome: "conflict", endpoint, detail: `busy: ${busy.name} ${busy.provisioningState}` } };
}

/** Who started the operation through the bot, when the last change applied on the endpoint is it. */
async function holderOf(ctx: VerbContext, endpoint: string, busy: Deployment): Promise<string> {
  const last = await ctx.deps.pending.lastApplied(ctx.workspace.alias, endpoint, { abortSignal: ctx.abortSignal });
  if (!last || !["deploy", "delete"].includes(last.verb)) return "";
  const payload = last.payload as { readonly spec?: { readonly name?: string }; readonly deployment?: string };
  if ((payload.spec?.name ?? payload.deployment) !== busy.name) return "";
  const who = requesterName(last);
  return ` (\`aml ${last.verb}\` by ${who} at ${utcTimeOfDay(last.updatedAt ?? last.createdAt)}, request \`${last.id}\`)`;
}
