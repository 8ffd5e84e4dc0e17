/**
 * `aml deploy [endpoint] <deployment> --model <name>[:<version>]`: a new deployment at 0 % live traffic, copied from
 * a serving one with the new model (the quick-start flow, from chat), previewed and applied like any change, so a
 * rule may put it under approval. `aml models <name>`: the versions to choose from and what runs each.
 */
import * as z from "zod";
import { applyNow, proposeChange, type Proposal } from "../changes/propose-change.js";
import { deploymentArg, dryRunFlag, endpointArg, overrideFlag, workspaceFlag, yesFlag } from "../common-flags.js";
import { deployChangeKind, type DeployPayload } from "../deploy/deploy-change.js";
import { modelLabel, planDeploy, planSections } from "../deploy/deploy-plan.js";
import { deploymentName } from "../domain/names.js";
import { refuse } from "../parse/refuse.js";
import { wholeNumber } from "../parse/word-schemas.js";
import { channelReply, problemReply } from "../replies.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/** `fraud-model:5`, `fraud-model` (the latest version) or `azureml:fraud-model:5`, as the Azure ML CLI writes it. */
const modelRef = z.string().transform((word, ctx) => {
  const [name, version, extra] = word.replace(/^azureml:/, "").split(":");
  if (extra !== undefined || !name || !MODEL_NAME.test(name) || (version !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(version))) {
    return refuse(ctx, `\`${word}\` is not a model reference: write \`<name>:<version>\` (e.g. \`fraud-model:5\`), or the name alone for its latest version.`);
  }
  return { name, ...(version !== undefined ? { version } : {}) };
});

/** `blue`, or `fraud-scorer/blue` to copy a deployment of another endpoint (a new endpoint has none to copy). */
const sourceRef = z.string().transform((word, ctx) => {
  const match = /^(?:([A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9])\/)?([A-Za-z0-9][A-Za-z0-9_-]{0,31})$/.exec(word);
  if (!match) return refuse(ctx, `\`--from\` names a deployment (\`blue\`) or one of another endpoint (\`fraud-scorer/blue\`), not \`${word}\`.`);
  return { ...(match[1] ? { endpoint: match[1] } : {}), deployment: match[2]! };
});

const instanceType = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{2,63}$/, "Instance types are Azure VM sizes, e.g. `Standard_DS3_v2`.");

export const deployVerb = defineVerb({
  name: "deploy",
  group: "change",
  aliases: [],
  summary: "Create a deployment of a model version at 0 % traffic, copying a serving deployment's settings",
  notes: [
    "It copies the `--from` deployment (default: the one with the most live traffic): environment, code, request settings, probes, scale settings, environment variables, app insights.",
    "Provisioning takes minutes: a status card follows it and says when it is ready to try, or why it failed.",
  ],
  examples: ["deploy fraud-scorer green2 --model fraud-model:5", "deploy green2 --model fraud-model --from blue --instances 2"],
  role: "operator",
  slow: true,
  positionals: [endpointArg, { ...deploymentArg, description: "The new deployment's name", schema: deploymentName }],
  flags: {
    model: { type: "string", description: "The registered model version", placeholder: "name:version", required: true, missing: "Name the model to deploy with `--model <name>:<version>`.", schema: modelRef },
    from: { type: "string", description: "Copy this deployment's settings (default: the busiest); `endpoint/deployment` for another endpoint's", placeholder: "deployment", schema: sourceRef },
    "instance-type": { type: "string", description: "VM size (default: the copied deployment's)", placeholder: "sku", schema: instanceType },
    instances: { type: "string", description: "Instance count (default: the copied deployment's)", placeholder: "n", schema: wholeNumber(1, 20, (w) => `\`--instances\` must be a whole number from 1 to 20, not \`${w}\`.`) },
    reason: { type: "string", description: "Why, for approvers and the audit log", placeholder: "text", quoted: true },
    yes: yesFlag,
    "dry-run": dryRunFlag,
    override: overrideFlag,
    workspace: workspaceFlag,
  },
  ackText: (a) => `⏳ Preparing the deployment of ${a.deployment}…`,
  async run(ctx, a) {
    const target = await resolveEndpoint(ctx, a.endpoint);
    if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
    const { endpoint, deployments } = target.value;
    const planned = await planDeploy(ctx, endpoint, deployments, {
      deployment: a.deployment,
      model: a.model,
      ...(a.from !== undefined ? { from: a.from } : {}),
      ...(a.instanceType !== undefined ? { instanceType: a.instanceType } : {}),
      ...(a.instances !== undefined ? { instances: a.instances } : {}),
    });
    if (!planned.ok) return { reply: planned.reply, audit: { outcome: planned.outcome, endpoint: endpoint.name, detail: planned.reply.summary } };
    const { plan } = planned;
    const label = `${plan.version.name}:${plan.version.version}`;
    const payload: DeployPayload = { spec: plan.spec, source: plan.source.name, modelLabel: label };
    const audit = { endpoint: endpoint.name, before: `no ${a.deployment}`, after: `${a.deployment}: ${label}, ${plan.spec.instances} × ${plan.spec.instanceType}` };
    const sections = planSections(endpoint.name, plan);
    if (a.dryRun) {
      const reply = channelReply({
        title: `Dry run: deploy ${a.deployment} on ${endpoint.name}`,
        tone: "info",
        sections: [...sections, { kind: "text", text: "Nothing was sent." }],
        visibility: "requester",
        summary: `Dry run: ${audit.after}`,
      });
      return { reply, audit: { ...audit, outcome: "previewed", detail: "dry run" } };
    }
    const proposal: Proposal = {
      verb: "deploy",
      endpoint: endpoint.name,
      payload,
      title: `Deploy ${a.deployment} (${label}) on ${endpoint.name}`,
      sections,
      summary: `Proposed: ${audit.after} on ${endpoint.name}, 0 % traffic`,
      confirmText: `Create ${a.deployment} with ${label} on ${endpoint.name}? It takes no traffic until you give it some.`,
      override: a.override,
      ...(a.reason ? { reason: a.reason } : {}),
    };
    if (a.yes) return applyNow(ctx, deployChangeKind, proposal);
    return proposeChange(ctx, proposal, audit);
  },
  change: deployChangeKind,
});

export const modelsVerb = defineVerb({
  name: "models",
  group: "look",
  aliases: ["model"],
  summary: "A registered model's versions, newest first, and which deployments run each",
  examples: ["models fraud-model"],
  role: "viewer",
  slow: true,
  positionals: [{ name: "model", description: "The registered model's name", label: "model name", schema: z.string().regex(MODEL_NAME, "Model names are letters, digits, '.', '_' or '-'.") }],
  flags: { workspace: workspaceFlag },
  ackText: (a) => `⏳ Reading the versions of ${a.model}…`,
  async run(ctx, a) {
    const options = { abortSignal: ctx.abortSignal };
    const versions = await ctx.deps.lifecycle.listModelVersions(ctx.workspace, a.model, options);
    if (!versions) {
      const reply = problemReply("Model not found", [`Workspace \`${ctx.workspace.alias}\` has no registered model \`${a.model}\`.`]);
      return { reply, audit: { outcome: "not-found", detail: a.model } };
    }
    // Which deployments run each version: every endpoint's deployments, read once.
    const running = new Map<string, string[]>();
    for (const endpoint of await ctx.deps.endpoints.listEndpoints(ctx.workspace, options)) {
      for (const d of await ctx.deps.endpoints.listDeployments(ctx.workspace, endpoint.name, options)) {
        if (!d.model) continue;
        const label = modelLabel(d.model);
        const share = endpoint.traffic[d.name] ?? 0;
        running.set(label, [...(running.get(label) ?? []), `${endpoint.name}/${d.name} (${share} %)`]);
      }
    }
    // A line per version, not a 4-column table, whose cells a Teams card on a phone broke inside words (issue 14 §3).
    const lines = versions.map((v) => {
      const tags = Object.entries(v.tags).map(([k, val]) => `${k}=${val}`).join(", ");
      const runs = running.get(`${v.name}:${v.version}`);
      return [`*${v.version}*`, ...(v.createdAt ? [`created ${v.createdAt.toISOString().slice(0, 10)}`] : []), runs ? `runs as ${runs.join(", ")}` : "not deployed", ...(tags ? [`tags ${tags}`] : [])].join(" · ");
    });
    const reply = channelReply({
      title: `Model ${a.model} · ${ctx.workspace.alias}`,
      tone: "info",
      sections: [
        { kind: "text", text: lines.join("\n") },
        { kind: "text", text: `Deploy one with \`aml deploy <endpoint> <new-deployment> --model ${a.model}:<version>\`.` },
      ],
      summary: `${versions.length} version(s) of ${a.model}`,
    });
    return { reply, audit: { outcome: "ok", detail: a.model } };
  },
});
