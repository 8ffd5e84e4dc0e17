import { workspaceFlag } from "../common-flags.js";
import type { Endpoint } from "../domain/endpoint.js";
import { describeSplit } from "../domain/traffic-rules.js";
import { channelReply } from "../replies.js";
import { defineVerb } from "../verb-spec.js";

export const endpointsVerb = defineVerb({
  name: "endpoints",
  group: "look",
  aliases: ["list", "ls"],
  summary: "List the workspace's online endpoints with their traffic",
  examples: ["endpoints", "endpoints --workspace prod"],
  role: "viewer",
  slow: true,
  positionals: [],
  flags: { workspace: { ...workspaceFlag, inUsage: true } },
  tooMany: (extra) => `\`endpoints\` takes no arguments; to see one endpoint use \`aml show ${extra[0]}\`.`,
  ackText: () => "⏳ Listing endpoints…",
  async run(ctx) {
    const endpoints = await ctx.deps.endpoints.listEndpoints(ctx.workspace, { abortSignal: ctx.abortSignal });
    const sorted = [...endpoints].sort((a, b) => a.name.localeCompare(b.name));
    const reply = channelReply({
      title: `Endpoints in ${ctx.workspace.alias} (${ctx.workspace.workspace})`,
      tone: "info",
      sections:
        sorted.length === 0
          ? [{ kind: "text", text: "This workspace has no online endpoints." }]
          : [{ kind: "text", text: sorted.map(endpointLine).join("\n") }],
      context: ["`aml show <endpoint>` for deployments and traffic bars"],
      summary: `${sorted.length} endpoint(s) in ${ctx.workspace.alias}: ${sorted.map((e) => e.name).join(", ")}`,
    });
    return { reply, audit: { outcome: "ok" } };
  },
});

/**
 * `*fraud-scorer* · live blue=80 green=20 · mirror off · Key auth · Succeeded`: a line per endpoint, not a 5-column
 * table, which a Teams card on a phone broke inside words and Slack showed as a wide code block (issue 14 §3).
 */
function endpointLine(e: Endpoint): string {
  const mirror = Object.keys(e.mirrorTraffic).length > 0 ? describeSplit(e.mirrorTraffic) : "off";
  return [`*${e.name}*`, `live ${describeSplit(e.traffic)}`, `mirror ${mirror}`, `${e.authMode} auth`, e.provisioningState].join(" · ");
}
