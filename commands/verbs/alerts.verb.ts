import { z } from "zod";
import type { ChannelRef } from "../invocation.js";
import type { ParsedArgs } from "../parse/parse-args.js";
import { refuse } from "../parse/refuse.js";
import { hasRole } from "../policy.js";
import type { AlertBinding } from "../ports/alert-bindings.port.js";
import { channelReply, problemReply } from "../replies.js";
import { defineVerb, type VerbContext, type VerbResult } from "../verb-spec.js";

type AlertsArgs =
  | { readonly action: "bind" | "unbind"; readonly workspace: string; readonly channelId?: string }
  | { readonly action: "list"; readonly workspace?: string };

const USAGE_HINT = "Use `alerts bind <workspace> [#channel]`, `alerts unbind <workspace> [#channel]` or `alerts list [workspace]`.";
const ALIAS = /^[a-z][a-z0-9-]{0,31}$/;
/** Slack sends a picked channel as `<#C123|name>` (or `<#C123>`); people may paste the id itself. */
const SLACK_LINK = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/;
const SLACK_ID = /^[CG][A-Z0-9]{6,}$/;
/** Teams conversation ids of channels and group chats: `19:…@thread.tacv2`, `19:…@thread.skype`, `19:…@thread.v2`. */
const TEAMS_ID = /^19:[A-Za-z0-9_.-]+@thread\.[a-z0-9]+$/;

const args = z.custom<ParsedArgs>().transform((input, ctx): AlertsArgs => {
  const [action, workspace, channel, ...rest] = input.positionals;
  const checkAlias = (word: string | undefined): string => {
    if (word === undefined || !ALIAS.test(word.toLowerCase())) return refuse(ctx, `Name the workspace by its alias${word ? ` (\`${word}\` is not one)` : ""}. ${USAGE_HINT}`);
    return word.toLowerCase();
  };
  switch (action?.toLowerCase()) {
    case "bind":
    case "unbind": {
      if (rest.length > 0) return refuse(ctx, `Name one workspace and at most one channel. ${USAGE_HINT}`);
      const alias = checkAlias(workspace);
      if (channel === undefined) return { action: action.toLowerCase() as "bind" | "unbind", workspace: alias };
      const id = SLACK_LINK.exec(channel)?.[1] ?? (SLACK_ID.test(channel) || TEAMS_ID.test(channel) ? channel : undefined);
      if (id === undefined) {
        return refuse(ctx, `\`${channel}\` is not a channel the bot can post to by name: run the command in that channel, or give the channel's id (Slack: channel details → copy the channel ID).`);
      }
      return { action: action.toLowerCase() as "bind" | "unbind", workspace: alias, channelId: id };
    }
    case "list":
    case "ls":
      if (channel !== undefined || rest.length > 0) return refuse(ctx, `Name at most one workspace. ${USAGE_HINT}`);
      return workspace === undefined ? { action: "list" } : { action: "list", workspace: checkAlias(workspace) };
    default:
      return refuse(ctx, action === undefined ? USAGE_HINT : `\`${action}\` is not an alerts action. ${USAGE_HINT}`);
  }
});

export const alertsVerb = defineVerb({
  name: "alerts",
  aliases: ["alert"],
  summary: "Where a workspace's autoscale and alert notifications go: bind and unbind channels (operator), list",
  usage: "alerts bind <workspace> [#channel] | alerts unbind <workspace> [#channel] | alerts list [workspace]",
  examples: ["alerts bind prod", "alerts bind prod #ml-alerts", "alerts unbind prod", "alerts list"],
  // Looking is for everyone; deciding where notifications go is an operator's call (checked in `run`).
  role: "viewer",
  slow: true,
  flags: {},
  args,
  ackText: (a) => (a.action === "list" ? "⏳ Reading alert bindings…" : `⏳ Updating alert bindings of ${a.workspace}…`),
  async run(ctx, a) {
    if (a.action === "list") return list(ctx, a.workspace);
    return change(ctx, a);
  },
});

async function change(ctx: VerbContext, a: Extract<AlertsArgs, { action: "bind" | "unbind" }>): Promise<VerbResult> {
  const { deps, invocation } = ctx;
  if (!hasRole(invocation.actor, "operator", deps.policy)) {
    const reply = problemReply("Not allowed", [`You need the *operator* role to ${a.action} alert notifications.`], "Ask an aml-chatops admin to grant it. Nothing was changed.");
    return { reply, audit: { outcome: "denied", detail: `${a.action} ${a.workspace}` } };
  }
  const workspace = deps.workspaces.find((w) => w.alias.toLowerCase() === a.workspace);
  if (!workspace) {
    const known = deps.workspaces.map((w) => `\`${w.alias}\``).join(", ");
    return { reply: problemReply("Unknown workspace", [`No workspace is configured as \`${a.workspace}\`. Configured: ${known}.`]), audit: { outcome: "invalid", detail: `${a.action} ${a.workspace}` } };
  }
  const platform = invocation.channel.platform;
  if (a.channelId !== undefined && (platform === "teams") !== a.channelId.startsWith("19:")) {
    return { reply: problemReply("Not a channel here", [`\`${a.channelId}\` is not a ${platform} channel id.`]), audit: { outcome: "invalid", detail: `${a.action} ${a.workspace}` } };
  }
  const channel: ChannelRef = a.channelId === undefined ? invocation.channel : { platform, id: a.channelId };
  const where = a.channelId === undefined ? "this channel" : `channel \`${a.channelId}\``;
  const options = { abortSignal: ctx.abortSignal };
  const detail = `${a.action} ${channel.platform}:${channel.id} ${workspace.alias}`;
  if (a.action === "bind") {
    const actor = invocation.actor;
    const added = await deps.alertBindings.bind({ workspace: workspace.alias, channel, boundBy: actor.displayName ?? actor.userId, boundAt: deps.clock.now() }, options);
    const reply = channelReply({
      title: added ? `Alerts of ${workspace.alias} go to ${where}` : `Alerts of ${workspace.alias} already go to ${where}`,
      tone: "success",
      sections: [
        { kind: "text", text: "Autoscale steps and Azure Monitor alerts of its endpoints are posted in a thread per endpoint per day; a burst of scale steps is one message that keeps updating." },
        { kind: "text", text: "Azure Monitor sends them to the bot's `/api/alerts` webhook (see `deploy/autoscale.bicep`)." },
      ],
      summary: `Alerts of ${workspace.alias} → ${where}`,
    });
    return { reply, audit: { outcome: "ok", after: `${channel.platform}:${channel.id}`, detail: added ? detail : `${detail} (already bound)` } };
  }
  const removed = await deps.alertBindings.unbind(workspace.alias, channel, options);
  const reply = removed
    ? channelReply({ title: `Alerts of ${workspace.alias} no longer go to ${where}`, tone: "success", sections: [{ kind: "text", text: "Other bound channels keep receiving them (`aml alerts list`)." }], summary: `Unbound alerts of ${workspace.alias} from ${where}` })
    : problemReply("Nothing to unbind", [`Alerts of \`${workspace.alias}\` do not go to ${where}.`], "`aml alerts list` shows where they go.");
  return { reply, audit: { outcome: removed ? "ok" : "not-found", before: `${channel.platform}:${channel.id}`, detail } };
}

async function list(ctx: VerbContext, workspace: string | undefined): Promise<VerbResult> {
  const bindings = await ctx.deps.alertBindings.list({ ...(workspace ? { workspace } : {}), abortSignal: ctx.abortSignal });
  const here = ctx.invocation.channel;
  const describe = (b: AlertBinding): string => `${b.channel.platform} ${b.channel.id}${b.channel.platform === here.platform && b.channel.id === here.id ? " (here)" : ""}`;
  const scope = workspace ?? "all workspaces";
  const reply = channelReply({
    title: `Alert bindings: ${scope}`,
    tone: "info",
    sections:
      bindings.length === 0
        ? [{ kind: "text", text: "No channel receives alerts yet. `aml alerts bind <workspace>` binds this one." }]
        : [
            {
              kind: "table",
              columns: ["Workspace", "Channel", "Bound by", "Since (UTC)"],
              rows: bindings.map((b) => [b.workspace, describe(b), b.boundBy, b.boundAt.toISOString().slice(0, 16).replace("T", " ")]),
            },
          ],
    summary: `${bindings.length} alert binding(s) for ${scope}`,
  });
  return { reply, audit: { outcome: "ok" } };
}
