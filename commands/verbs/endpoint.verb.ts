/**
 * `aml endpoint create <name> [--auth key|aml-token|aad-token] [--description …]`: a new endpoint with no deployments,
 * the first step of Azure ML's quick-start flow. Previewed and applied like any change (a rule naming `endpoint` puts
 * it under approval); a status card follows the creation and shows the scoring URI once it is ready.
 */
import * as z from "zod";
import type { ChangeKind, Observed } from "../changes/change-kind.js";
import { applyNow, proposeChange, type Proposal } from "../changes/propose-change.js";
import { overrideFlag, workspaceFlag, yesFlag } from "../common-flags.js";
import { scheduleWatch, watchFor } from "../deploy/deploy-watch.js";
import type { AuthMode, Endpoint } from "../domain/endpoint.js";
import { endpointName } from "../domain/names.js";
import { refuse } from "../parse/refuse.js";
import { channelReply, problemReply } from "../replies.js";
import { defineVerb } from "../verb-spec.js";

interface CreatePayload extends Record<string, unknown> {
  readonly authMode: AuthMode;
  readonly description?: string;
}

const AUTH_WORDS: Readonly<Record<string, AuthMode>> = { key: "Key", "aml-token": "AMLToken", "aad-token": "AADToken" };

const authMode = z.string().transform((word, ctx): AuthMode => {
  const mode = AUTH_WORDS[word.toLowerCase()];
  return mode ?? refuse(ctx, `\`--auth\` is \`key\`, \`aml-token\` or \`aad-token\`, not \`${word}\`.`);
});

export const endpointCreateKind: ChangeKind = {
  describe(change) {
    const { authMode: mode } = change.payload as CreatePayload;
    return { action: `Creating endpoint ${change.endpoint}`, before: `no ${change.endpoint}`, after: `${change.endpoint} (${mode} auth, no deployments)` };
  },
  async observe(ctx, change) {
    return observed(change.endpoint, await ctx.deps.endpoints.getEndpoint(ctx.workspace, change.endpoint, { abortSignal: ctx.abortSignal }));
  },
  async send(ctx, change, options) {
    const payload = change.payload as CreatePayload;
    const settings = { authMode: payload.authMode, ...(payload.description ? { description: payload.description } : {}) };
    const started = await ctx.deps.lifecycle.beginCreateEndpoint(ctx.workspace, change.endpoint, settings, { ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
    if (started.kind !== "ok") return started;
    const watch = watchFor(ctx, change, { action: "create-endpoint", deployment: change.endpoint, details: [{ label: "Auth", value: payload.authMode }] }, started.value.statusUrl, started.value.startedAt);
    await scheduleWatch(ctx.deps, watch, 1, options.abortSignal);
    return { kind: "ok", value: { matches: "target", now: `${change.endpoint} creating`, provisioningState: "Creating", detail: undefined } };
  },
  doneReply(ctx, change) {
    return channelReply({
      title: `Creating endpoint ${change.endpoint}`,
      tone: "info",
      sections: [{ kind: "text", text: "Azure ML takes a minute or two; its status card in the channel of the request shows the scoring URI once it is ready." }],
      context: [`Applied by ${ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId}`],
      mode: "replace",
      summary: `Creating endpoint ${change.endpoint}`,
    });
  },
};

export const endpointVerb = defineVerb({
  name: "endpoint",
  group: "change",
  aliases: [],
  summary: "Create an online endpoint (no deployments yet), with key or token auth",
  examples: ["endpoint create churn-v2 --auth aml-token", 'endpoint create fraud-eu --description "Fraud scoring, EU traffic"'],
  role: "operator",
  slow: true,
  flags: {
    auth: { type: "string", description: "`key` (default), `aml-token` or `aad-token`", placeholder: "mode", default: "key", schema: authMode },
    description: { type: "string", description: "Shown in Azure ML studio", placeholder: "text", quoted: true },
    yes: yesFlag,
    override: overrideFlag,
    workspace: workspaceFlag,
  },
  actions: {
    create: { positionals: [{ name: "name", description: "The new endpoint's name (unique in the region)", label: "endpoint name", schema: endpointName }] },
  },
  ackText: (a) => `⏳ Checking the name ${a.name}…`,
  async run(ctx, a) {
    const existing = await ctx.deps.endpoints.getEndpoint(ctx.workspace, a.name, { abortSignal: ctx.abortSignal });
    if (existing) {
      return { reply: problemReply("That endpoint exists", [`Workspace \`${ctx.workspace.alias}\` already has an endpoint \`${a.name}\`: pick another name, or \`aml show ${a.name}\`.`], "Nothing was changed."), audit: { outcome: "conflict", endpoint: a.name } };
    }
    const payload: CreatePayload = { authMode: a.auth, ...(a.description ? { description: a.description } : {}) };
    const proposal: Proposal = {
      verb: "endpoint",
      endpoint: a.name,
      payload,
      title: `Create endpoint ${a.name}`,
      sections: [
        { kind: "fields", fields: [{ label: "Name", value: a.name }, { label: "Auth", value: a.auth }, { label: "Workspace", value: ctx.workspace.alias }, ...(a.description ? [{ label: "Description", value: a.description }] : [])] },
        { kind: "text", text: "It has no deployments and serves nothing until `aml deploy` gives it one." },
      ],
      summary: `Proposed: create endpoint ${a.name} (${a.auth} auth)`,
      confirmText: `Create endpoint ${a.name} with ${a.auth} auth?`,
      override: a.override,
    };
    if (a.yes) return applyNow(ctx, endpointCreateKind, proposal);
    return proposeChange(ctx, proposal, { endpoint: a.name, before: `no ${a.name}`, after: `${a.name} (${a.auth})` });
  },
  change: endpointCreateKind,
});

function observed(name: string, endpoint: Endpoint | undefined): Observed {
  if (!endpoint) return { matches: "before", now: `no ${name}`, provisioningState: "none", detail: undefined };
  return { matches: "target", now: `${name} (${endpoint.authMode})`, provisioningState: endpoint.provisioningState, detail: endpoint };
}
