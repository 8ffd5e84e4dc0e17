import * as z from "zod";
import { endpointArg, workspaceFlag } from "../common-flags.js";
import type { PositionalSpec } from "../parse/grammar.js";
import { hasRole } from "../policy.js";
import { channelReply, problemReply } from "../replies.js";
import { byteLength, formatBytes, readJsonBody } from "../scoring/json-input.js";
import { sampleName } from "../scoring/payload.js";
import { formatBody } from "../scoring/scoring-reply.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb, type VerbContext, type VerbResult } from "../verb-spec.js";

/** `<endpoint>`: the endpoint a sample is kept for. */
const endpoint = { ...endpointArg, optional: false, description: "The endpoint the sample is for" } as const;

/** `<name>`, or `@name` as `aml invoke` takes it. */
const name = {
  name: "name",
  description: "The sample's name (`@name` in `aml invoke`)",
  label: "sample name",
  schema: z
    .string()
    .transform((word) => word.replace(/^@/, ""))
    .pipe(sampleName),
} as const satisfies PositionalSpec;

const SAVE_WORDS = "Name the endpoint and the sample, then give the JSON.";
const SHOW_WORDS = "Name the endpoint and the sample.";

export const sampleVerb = defineVerb({
  name: "sample",
  group: "try",
  aliases: ["samples"],
  summary: "Saved request bodies for `aml invoke … @name`: save (operator), list, show",
  examples: ['sample save fraud-scorer small {"data": [[1,2,3,4,5,6,7,8,9,10]]}', "sample list fraud-scorer", "sample show fraud-scorer small"],
  // Reading samples is looking; saving one changes what others send (checked in `run`).
  role: "viewer",
  slow: true,
  flags: { workspace: workspaceFlag },
  actions: {
    save: {
      // Stored compact: what is sent, whatever spacing or curly quotes it was typed with.
      positionals: [endpoint, name, { name: "body", kind: "json", what: (a) => `Sample \`@${String(a.name)}\``, description: "The request body, JSON (no quoting needed)" }],
      missing: SAVE_WORDS,
      tooMany: SAVE_WORDS,
    },
    list: { aliases: ["ls"], positionals: [endpointArg] },
    show: { aliases: ["get"], positionals: [endpoint, name], missing: SHOW_WORDS, tooMany: SHOW_WORDS },
  },
  ackText: (a) => (a.action === "save" ? `⏳ Saving sample @${a.name}…` : "⏳ Reading samples…"),
  async run(ctx, a) {
    if (a.action === "save") return save(ctx, { endpoint: a.endpoint, name: a.name, body: JSON.stringify(a.body) });
    if (a.action === "show") return show(ctx, a);
    return list(ctx, a.endpoint);
  },
});

async function save(ctx: VerbContext, a: { readonly endpoint: string; readonly name: string; readonly body: string }): Promise<VerbResult> {
  if (!hasRole(ctx.invocation.actor, "operator", ctx.deps.policy)) {
    const reply = problemReply("Not allowed", ["You need the *operator* role to save a sample."], "Ask an aml-chatops admin to grant it. Nothing was saved.");
    return { reply, audit: { outcome: "denied", endpoint: a.endpoint } };
  }
  const target = await resolveEndpoint(ctx, a.endpoint);
  if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
  const endpoint = target.value.endpoint.name;
  const options = { abortSignal: ctx.abortSignal };
  const existing = await ctx.deps.samples.get(ctx.workspace.alias, endpoint, a.name, options);
  const actor = ctx.invocation.actor;
  await ctx.deps.samples.save({ workspace: ctx.workspace.alias, endpoint, name: a.name, body: a.body, savedBy: actor.displayName ?? actor.userId, savedAt: ctx.deps.clock.now() }, options);
  const reply = channelReply({
    title: `Sample @${a.name} ${existing ? "replaced" : "saved"} for ${endpoint}`,
    tone: "success",
    sections: [
      { kind: "fields", fields: [{ label: "Endpoint", value: endpoint }, { label: "Name", value: `@${a.name}` }, { label: "Size", value: formatBytes(byteLength(a.body)) }] },
      { kind: "text", text: `Send it with \`aml invoke ${endpoint} @${a.name}\` (or \`--compare blue,green\`).` },
    ],
    summary: `Sample @${a.name} ${existing ? "replaced" : "saved"} for ${endpoint}`,
  });
  return { reply, audit: { outcome: "ok", endpoint, after: `@${a.name}`, detail: existing ? "replaced" : "saved" } };
}

async function show(ctx: VerbContext, a: { readonly endpoint: string; readonly name: string }): Promise<VerbResult> {
  const sample = await ctx.deps.samples.get(ctx.workspace.alias, a.endpoint, a.name, { abortSignal: ctx.abortSignal });
  if (!sample) {
    const reply = problemReply("Sample not found", [`There is no sample \`@${a.name}\` for \`${a.endpoint}\` in workspace \`${ctx.workspace.alias}\`.`], `\`aml sample list ${a.endpoint}\` lists the saved ones.`);
    return { reply, audit: { outcome: "not-found", endpoint: a.endpoint } };
  }
  const parsed = readJsonBody(sample.body);
  const body = formatBody(parsed.ok ? parsed.value : sample.body);
  const reply = channelReply({
    title: `Sample @${sample.name} · ${sample.endpoint}`,
    tone: "info",
    sections: [{ kind: "code", text: body.text, ...(body.language ? { language: body.language } : {}) }, ...(body.note ? [{ kind: "text", text: body.note } as const] : [])],
    context: [`Saved by ${sample.savedBy} · ${sample.savedAt.toISOString().slice(0, 16).replace("T", " ")} UTC · ${formatBytes(byteLength(sample.body))}`],
    summary: `Sample @${sample.name} for ${sample.endpoint}`,
  });
  return { reply, audit: { outcome: "ok", endpoint: sample.endpoint } };
}

async function list(ctx: VerbContext, endpoint: string | undefined): Promise<VerbResult> {
  const samples = await ctx.deps.samples.list(ctx.workspace.alias, endpoint, { abortSignal: ctx.abortSignal });
  const scope = endpoint ? `${endpoint} · ${ctx.workspace.alias}` : ctx.workspace.alias;
  const reply = channelReply({
    title: `Samples: ${scope}`,
    tone: "info",
    sections:
      samples.length === 0
        ? [{ kind: "text", text: "No samples saved yet. `aml sample save <endpoint> <name> <json>` saves one." }]
        : // A line per sample, not a 5-column table, which a Teams card on a phone broke inside words (issue 14 §3).
          [{ kind: "text", text: samples.map((s) => `*@${s.name}* · ${s.endpoint} · ${formatBytes(byteLength(s.body))} · saved by ${s.savedBy}, ${s.savedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`).join("\n") }],
    summary: `${samples.length} sample(s) for ${scope}`,
  });
  return { reply, audit: { outcome: "ok", ...(endpoint ? { endpoint } : {}) } };
}
