import { workspaceFlag } from "../common-flags.js";
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
          : [
              {
                kind: "table",
                columns: ["Endpoint", "State", "Live traffic", "Mirror", "Auth"],
                rows: sorted.map((e) => [
                  e.name,
                  e.provisioningState,
                  describeSplit(e.traffic),
                  Object.keys(e.mirrorTraffic).length ? describeSplit(e.mirrorTraffic) : "off",
                  e.authMode,
                ]),
              },
            ],
      context: ["`aml show <endpoint>` for deployments and traffic bars"],
      summary: `${sorted.length} endpoint(s) in ${ctx.workspace.alias}: ${sorted.map((e) => e.name).join(", ")}`,
    });
    return { reply, audit: { outcome: "ok" } };
  },
});
