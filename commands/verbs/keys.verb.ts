/**
 * `aml keys rotate [endpoint] primary|secondary`: regenerates a Key endpoint's key, previewed and applied like any
 * change (a rule naming `keys` puts it under approval). The key itself is never read or shown: Azure generates it,
 * and the bot drops its own cached key at once (its next invoke fetches the new one).
 *
 * A rotation has no state to read back (the key is never read): a job redelivered after its worker died while
 * rotating rotates once more, which leaves a fresh key all the same.
 */
import * as z from "zod";
import type { ChangeKind } from "../changes/change-kind.js";
import { applyNow, proposeChange, type Proposal } from "../changes/propose-change.js";
import { endpointArg, overrideFlag, workspaceFlag, yesFlag } from "../common-flags.js";
import { refuse } from "../parse/refuse.js";
import type { KeyType } from "../ports/endpoint-lifecycle.port.js";
import { channelReply, problemReply } from "../replies.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

interface RotatePayload extends Record<string, unknown> {
  readonly keyType: KeyType;
}

const keyType = z.string().transform((word, ctx): KeyType => {
  const lower = word.toLowerCase();
  if (lower === "primary") return "Primary";
  if (lower === "secondary") return "Secondary";
  return refuse(ctx, `Say which key: \`primary\` or \`secondary\`, not \`${word}\`.`);
});

export const keysRotateKind: ChangeKind = {
  describe(change) {
    const { keyType: which } = change.payload as RotatePayload;
    return { action: `Rotating the ${which.toLowerCase()} key of ${change.endpoint}`, before: `${which.toLowerCase()} key in use`, after: `new ${which.toLowerCase()} key` };
  },
  async observe(ctx, change) {
    // Nothing to compare: the key is never read. An endpoint that still exists is as it was for this purpose.
    const endpoint = await ctx.deps.endpoints.getEndpoint(ctx.workspace, change.endpoint, { abortSignal: ctx.abortSignal });
    if (!endpoint) return undefined;
    return { matches: "before", now: `${endpoint.authMode} endpoint`, provisioningState: endpoint.provisioningState, detail: undefined };
  },
  async send(ctx, change, options) {
    const { keyType: which } = change.payload as RotatePayload;
    const outcome = await ctx.deps.lifecycle.regenerateKey(ctx.workspace, change.endpoint, which, { ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
    if (outcome.kind !== "ok") return outcome;
    await ctx.deps.scoring.forgetCredentials(ctx.workspace, change.endpoint);
    return { kind: "ok", value: { matches: "target", now: `new ${which.toLowerCase()} key`, provisioningState: "Succeeded", detail: undefined } };
  },
  doneReply(ctx, change) {
    const { keyType: which } = change.payload as RotatePayload;
    const other = which === "Primary" ? "secondary" : "primary";
    return channelReply({
      title: `${which} key of ${change.endpoint} rotated`,
      tone: "success",
      sections: [
        { kind: "text", text: `Azure ML generated a new ${which.toLowerCase()} key; the old one no longer works. The key is not shown here: callers read it with \`az ml online-endpoint get-credentials\`.` },
        { kind: "text", text: `Clients still on the old key fail with 401 until they switch; rotate the ${other} key once they use this one.` },
      ],
      context: [`Rotated by ${ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId}`],
      mode: "replace",
      summary: `${which} key of ${change.endpoint} rotated`,
    });
  },
};

export const keysVerb = defineVerb({
  name: "keys",
  group: "change",
  aliases: [],
  summary: "Rotate a key-auth endpoint's primary or secondary key (the key is never shown)",
  examples: ["keys rotate fraud-scorer secondary"],
  role: "operator",
  slow: true,
  flags: { yes: yesFlag, override: overrideFlag, workspace: workspaceFlag },
  actions: {
    rotate: { positionals: [endpointArg, { name: "key", placeholder: "primary|secondary", description: "Which key", label: "key", schema: keyType }] },
  },
  ackText: () => "⏳ Checking the endpoint before rotating its key…",
  async run(ctx, a) {
    const target = await resolveEndpoint(ctx, a.endpoint);
    if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
    const { endpoint } = target.value;
    if (endpoint.authMode !== "Key") {
      const reply = problemReply("No keys to rotate", [`\`${endpoint.name}\` authenticates with ${endpoint.authMode === "AMLToken" ? "Azure ML tokens" : "Entra ID tokens"}, which expire on their own: it has no keys.`]);
      return { reply, audit: { outcome: "invalid", endpoint: endpoint.name, detail: `auth ${endpoint.authMode}` } };
    }
    const audit = { endpoint: endpoint.name, before: `${a.key.toLowerCase()} key`, after: `new ${a.key.toLowerCase()} key` };
    const proposal: Proposal = {
      verb: "keys",
      endpoint: endpoint.name,
      payload: { keyType: a.key } satisfies RotatePayload,
      title: `Rotate the ${a.key.toLowerCase()} key of ${endpoint.name}`,
      sections: [{ kind: "text", text: `Azure ML generates a new ${a.key.toLowerCase()} key; every client still using the old one gets 401 from then on. The new key is not shown in chat.` }],
      summary: `Proposed: rotate the ${a.key.toLowerCase()} key of ${endpoint.name}`,
      confirmText: `Rotate the ${a.key.toLowerCase()} key of ${endpoint.name} now? Clients on the old key stop working.`,
      override: a.override,
    };
    if (a.yes) return applyNow(ctx, keysRotateKind, proposal);
    return proposeChange(ctx, proposal, audit);
  },
  change: keysRotateKind,
});
