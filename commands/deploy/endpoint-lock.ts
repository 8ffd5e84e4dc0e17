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
  const promoting = await runningPromotion(ctx, endpoint);
  if (promoting) return promoting;
  const deployments = await ctx.deps.endpoints.listDeployments(ctx.workspace, endpoint, options);
  const busy = deployments.find((d) => BUSY_STATES.includes(d.provisioningState));
  if (!busy) return undefined;
  const holder = await holderOf(ctx, endpoint, busy);
  const text = `\`${busy.name}\` is ${busy.provisioningState.toLowerCase()}${holder}: changes to ${endpoint} wait until Azure ML is done with it.`;
  const reply = problemReply(`${endpoint} is busy`, [text], `Follow it on its status card or with \`aml show ${endpoint}\`, then try again. Nothing was changed.`);
  return { reply, audit: { outcome: "conflict", endpoint, detail: `busy: ${busy.name} ${busy.provisioningState}` } };
}

/**
 * A promotion holds its endpoint until it is over: a change in the middle would be judged by its gates, or undone by
 * its revert. Its own steps do not come through here. Once it has succeeded and only waits to retire the old
 * deployments, it holds nothing (the retirement itself is a change of its own).
 */
export async function runningPromotion(ctx: VerbContext, endpoint: string): Promise<VerbResult | undefined> {
  const active = await ctx.deps.promotions.list({ workspace: ctx.workspace.alias, endpoint, active: true, abortSignal: ctx.abortSignal });
  const holder = active.find((p) => p.intent?.action !== "retire");
  if (!holder) return undefined;
  const step = holder.step < 0 ? "starting" : `step ${holder.step + 1} of ${holder.plan.steps.length}`;
  const text = `A promotion of \`${holder.candidate}\` holds ${endpoint} (${holder.state}, ${step}; started by ${holder.requestedByName ?? holder.requestedBy} at ${utcTimeOfDay(holder.createdAt)}).`;
  const reply = problemReply(`${endpoint} is being promoted`, [text], `Follow it on its card or with \`aml promotion status ${holder.id}\`; pause or abort it there first if this change cannot wait. Nothing was changed.`);
  return { reply, audit: { outcome: "conflict", endpoint, detail: `promotion ${holder.id} ${holder.state}` } };
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
