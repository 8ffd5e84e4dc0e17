import { endpointArg, workspaceFlag } from "../common-flags.js";
import type { Deployment, Endpoint } from "../domain/endpoint.js";
import { describeSplit } from "../domain/traffic-rules.js";
import { channelReply, deploymentOrder, trafficBars } from "../replies.js";
import type { Section } from "../reply.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

export const showVerb = defineVerb({
  name: "show",
  group: "look",
  aliases: ["status", "get"],
  summary: "An endpoint at a glance: deployments, live and mirror traffic",
  examples: ["show fraud-scorer", "show"],
  role: "viewer",
  slow: true,
  positionals: [endpointArg],
  flags: { workspace: { ...workspaceFlag, inUsage: true } },
  ackText: (a) => `⏳ Looking up ${a.endpoint ?? "the endpoint"}…`,
  async run(ctx, a) {
    const target = await resolveEndpoint(ctx, a.endpoint);
    if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
    const { endpoint, deployments } = target.value;
    const reply = channelReply({
      title: `${endpoint.name} · ${ctx.workspace.alias}`,
      tone: endpoint.provisioningState === "Succeeded" ? "info" : "warning",
      sections: endpointSections(endpoint, deployments),
      context: [`Scoring URI ${endpoint.scoringUri ?? "unknown"} · auth ${endpoint.authMode}`],
      summary: `${endpoint.name}: ${describeSplit(endpoint.traffic)} (${endpoint.provisioningState})`,
    });
    return { reply, audit: { outcome: "ok", endpoint: endpoint.name } };
  },
});

export function endpointSections(endpoint: Endpoint, deployments: readonly Deployment[]): Section[] {
  const names = deploymentOrder(deployments.map((d) => d.name), endpoint.traffic);
  const sections: Section[] = [
    {
      kind: "fields",
      fields: [
        { label: "State", value: endpoint.provisioningState },
        { label: "Auth", value: endpoint.authMode },
        { label: "Deployments", value: String(deployments.length) },
        { label: "Mirror", value: Object.keys(endpoint.mirrorTraffic).length ? describeSplit(endpoint.mirrorTraffic) : "off" },
      ],
    },
    { kind: "traffic", label: "Live traffic", bars: trafficBars(names, endpoint.traffic) },
  ];
  if (Object.keys(endpoint.mirrorTraffic).length > 0) {
    sections.push({ kind: "traffic", label: "Mirror (shadow) traffic", bars: trafficBars(Object.keys(endpoint.mirrorTraffic).sort(), endpoint.mirrorTraffic) });
  }
  if (deployments.length > 0) {
    // A line per deployment, not a 5-column table: a Teams card on a phone broke its cells inside words such as
    // Standard_DS3_v2 and the model's id, and Slack showed a wide code block (issue 14 §3).
    const lines = [...deployments].sort((x, y) => x.name.localeCompare(y.name)).map(deploymentLine);
    sections.push({ kind: "text", text: ["*Deployments*", ...lines].join("\n") });
  }
  return sections;
}

/** `*blue* · 2 × Standard_DS3_v2, autoscale 1–5 · Succeeded · model azureml:fraud-model:3` */
function deploymentLine(d: Deployment): string {
  const size = d.instanceType ? `${d.capacity} × ${d.instanceType}` : `${d.capacity} ${d.capacity === 1 ? "instance" : "instances"}`;
  const scale = d.scale?.type === "TargetUtilization" ? `, autoscale ${d.scale.minInstances ?? "?"}–${d.scale.maxInstances ?? "?"}` : "";
  return [`*${d.name}*`, size + scale, d.provisioningState, ...(d.model ? [`model ${d.model}`] : [])].join(" · ");
}
