import { z } from "zod";
import { workspaceFlag } from "../common-flags.js";
import { endpointName } from "../domain/names.js";
import type { ParsedArgs } from "../parse/parse-args.js";
import { refuse } from "../parse/refuse.js";
import { hasRole } from "../policy.js";
import { channelReply, problemReply } from "../replies.js";
import { byteLength, formatBytes, readJsonBody } from "../scoring/json-input.js";
import { sampleName } from "../scoring/payload.js";
import { formatBody } from "../scoring/scoring-reply.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb, type VerbContext, type VerbResult } from "../verb-spec.js";

type SampleArgs =
  | { readonly action: "save"; readonly endpoint: string; readonly name: string; readonly body: string }
  | { readonly action: "list"; readonly endpoint?: string }
  | { readonly action: "show"; readonly endpoint: string; readonly name: string };

const USAGE_HINT = "Use `sample save <endpoint> <name> <json>`, `sample list [endpoint]` or `sample show <endpoint> <name>`.";

const args = z.custom<ParsedArgs>().transform((input, ctx): SampleArgs => {
  const [action, ...words] = input.positionals;
  const checkEndpoint = (word: string | undefined): string => {
    if (word === undefined || !endpointName.safeParse(word).success) return refuse(ctx, `\`${word ?? ""}\` is not a valid endpoint name. ${USAGE_HINT}`);
    return word;
  };
  const checkName = (word: string | undefined): string => {
    const name = word?.replace(/^@/, "");
    const check = sampleName.safeParse(name);
    if (!check.success) return refuse(ctx, `\`${word ?? ""}\`: ${check.error.issues[0]?.message}`);
    return check.data;
  };
  switch (action?.toLowerCase()) {
    case "save": {
      if (words.length !== 3) return refuse(ctx, `Name the endpoint and the sample, then give the JSON. ${USAGE_HINT}`);
      const [endpoint, name] = [checkEndpoint(words[0]), checkName(words[1])];
      const body = readJsonBody(words[2]!, `Sample \`@${name}\``);
      if (!body.ok) return refuse(ctx, body.problem);
      // Stored compact: what is sent, whatever spacing or curly quotes it was typed with.
      return { action: "save", endpoint, name, body: JSON.stringify(body.value) };
    }
    case "list":
    case "ls":
      if (words.length > 1) return refuse(ctx, `Name at most one endpoint. ${USAGE_HINT}`);
      return words[0] === undefined ? { action: "list" } : { action: "list", endpoint: checkEndpoint(words[0]) };
    case "show":
    case "get":
      if (words.length !== 2) return refuse(ctx, `Name the endpoint and the sample. ${USAGE_HINT}`);
      return { action: "show", endpoint: checkEndpoint(words[0]), name: checkName(words[1]) };
    default:
      return refuse(ctx, action === undefined ? USAGE_HINT : `\`${action}\` is not a sample action. ${USAGE_HINT}`);
  }
});

export const sampleVerb = defineVerb({
  name: "sample",
  aliases: ["samples"],
  summary: "Saved request bodies for `aml invoke … @name`: save (operator), list, show",
  usage: "sample save <endpoint> <name> <json> | sample list [endpoint] | sample show <endpoint> <name>",
  examples: ['sample save fraud-scorer small {"data": [[1,2,3,4,5,6,7,8,9,10]]}', "sample list fraud-scorer", "sample show fraud-scorer small"],
  // Reading samples is looking; saving one changes what others send (checked in `run`).
  role: "viewer",
  slow: true,
  flags: { workspace: workspaceFlag },
  args,
  ackText: (a) => (a.action === "save" ? `⏳ Saving sample @${a.name}…` : "⏳ Reading samples…"),
  async run(ctx, a) {
    if (a.action === "save") return save(ctx, a);
    if (a.action === "show") return show(ctx, a);
    return list(ctx, a.endpoint);
  },
});

async function save(ctx: VerbContext, a: Extract<SampleArgs, { action: "save" }>): Promise<VerbResult> {
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

async function show(ctx: VerbContext, a: Extract<SampleArgs, { action: "show" }>): Promise<VerbResult> {
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
        : [
            {
              kind: "table",
              columns: ["Endpoint", "Sample", "Size", "Saved by", "Saved (UTC)"],
              rows: samples.map((s) => [s.endpoint, `@${s.name}`, formatBytes(byteLength(s.body)), s.savedBy, s.savedAt.toISOString().slice(0, 16).replace("T", " ")]),
            },
          ],
    summary: `${samples.length} sample(s) for ${scope}`,
  });
  return { reply, audit: { outcome: "ok", ...(endpoint ? { endpoint } : {}) } };
}
