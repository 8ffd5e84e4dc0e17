import { deploymentFlag, endpointArg, workspaceFlag } from "../common-flags.js";
import type { Endpoint, WorkspaceRef } from "../domain/endpoint.js";
import { channelReply, problemReply } from "../replies.js";
import type { Section } from "../reply.js";
import { resolvePayload, type Payload } from "../scoring/payload.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

export const curlVerb = defineVerb({
  name: "curl",
  group: "try",
  aliases: [],
  summary: "A ready-to-run curl command for an endpoint's scoring URI, with a placeholder instead of the key or token",
  examples: ["curl fraud-scorer", "curl fraud-scorer @small --deployment green"],
  // It holds no secret: anyone who may look at the endpoint may see how to call it.
  role: "viewer",
  slow: true,
  positionals: [endpointArg, { name: "payload", kind: "payload", optional: true, description: "A request body to put in the command: JSON, or `@name` for a saved sample" }],
  tooMany: "Name at most one endpoint, then optionally a body (JSON or `@sample`).",
  flags: {
    deployment: { ...deploymentFlag, description: "Pin one deployment with the `azureml-model-deployment` header" },
    workspace: workspaceFlag,
  },
  ackText: (a) => `⏳ Looking up ${a.endpoint ?? "the endpoint"}…`,
  async run(ctx, a) {
    const target = await resolveEndpoint(ctx, a.endpoint, a.deployment !== undefined ? [a.deployment] : []);
    if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
    const { endpoint, deployments } = target.value;
    if (a.deployment !== undefined && !deployments.some((d) => d.name.toLowerCase() === a.deployment!.toLowerCase())) {
      const known = deployments.map((d) => `\`${d.name}\``).join(", ") || "none";
      return { reply: problemReply("Deployment not found", [`\`${endpoint.name}\` has no deployment \`${a.deployment}\`. Deployments: ${known}.`]), audit: { outcome: "not-found", endpoint: endpoint.name } };
    }
    if (endpoint.scoringUri === undefined) {
      return { reply: problemReply("No scoring URI yet", [`\`${endpoint.name}\` has no scoring URI (state ${endpoint.provisioningState}).`]), audit: { outcome: "invalid", endpoint: endpoint.name } };
    }
    let payload: Payload | undefined;
    if (a.payload !== undefined) {
      const resolved = await resolvePayload(ctx, endpoint.name, a.payload);
      if (!resolved.ok) return { reply: resolved.reply, audit: { outcome: "not-found", endpoint: endpoint.name } };
      payload = resolved.value;
    }
    const reply = channelReply({
      title: `curl for ${endpoint.name}${a.deployment ? ` → ${a.deployment}` : ""}`,
      tone: "info",
      sections: curlSections(endpoint, ctx.workspace, endpoint.scoringUri, a.deployment, payload),
      context: ["The bot never shows keys or tokens: the command reads yours from the environment variable."],
      summary: `curl command for ${endpoint.name} (authMode ${endpoint.authMode})`,
    });
    return { reply, audit: { outcome: "ok", endpoint: endpoint.name } };
  },
});

/** How to get a credential for each authMode, with `az`, and the curl command that uses it. */
export function curlSections(endpoint: Endpoint, workspace: WorkspaceRef, scoringUri: string, deployment?: string, payload?: Payload): Section[] {
  const variable = endpoint.authMode === "Key" ? "AML_KEY" : "AML_TOKEN";
  const getCredentials = `az ml online-endpoint get-credentials --name ${endpoint.name} --resource-group ${workspace.resourceGroup} --workspace-name ${workspace.workspace}`;
  const obtain =
    endpoint.authMode === "Key"
      ? { how: "1. Get a key (authMode Key; keys do not expire):", command: `${variable}=$(${getCredentials} -o tsv --query primaryKey)` }
      : endpoint.authMode === "AMLToken"
        ? { how: "1. Get a token (authMode AMLToken; it expires, get a new one after about an hour):", command: `${variable}=$(${getCredentials} -o tsv --query accessToken)` }
        : { how: "1. Get a Microsoft Entra token for Azure ML (authMode AADToken):", command: `${variable}=$(az account get-access-token --resource https://ml.azure.com --query accessToken -o tsv)` };
  const lines = [
    `curl -sS -X POST ${shellQuote(scoringUri)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "Authorization: Bearer $${variable}" \\`,
    ...(deployment ? [`  -H ${shellQuote(`azureml-model-deployment: ${deployment}`)} \\`] : []),
    payload ? `  -d ${shellQuote(JSON.stringify(payload.body))}` : "  -d @request.json",
  ];
  const sections: Section[] = [
    { kind: "text", text: obtain.how },
    { kind: "code", text: obtain.command, language: "bash" },
    { kind: "text", text: "2. Call the scoring URI:" },
    { kind: "code", text: lines.join("\n"), language: "bash" },
  ];
  const notes: string[] = [];
  if (!payload) notes.push('`request.json` holds the request body, e.g. `{"data": [[1, 2, 3]]}`; `aml curl <endpoint> @sample` fills in a saved sample.');
  if (deployment) notes.push(`The header pins \`${deployment}\`: it answers even at 0 % traffic, and pinned requests are never mirrored.`);
  if (notes.length > 0) sections.push({ kind: "text", text: notes.join(" ") });
  return sections;
}

/** POSIX single quotes: safe for any text, including quotes in the JSON. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
