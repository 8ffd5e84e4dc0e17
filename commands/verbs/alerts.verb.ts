import * as z from "zod";
import { readChannelReference } from "../channel-reference.js";
import type { ChannelRef } from "../invocation.js";
import type { PositionalSpec } from "../parse/grammar.js";
import { refuse } from "../parse/refuse.js";
import { hasRole } from "../policy.js";
import type { AlertBinding } from "../ports/alert-bindings.port.js";
import { channelReply, problemReply } from "../replies.js";
import { defineVerb, type VerbContext, type VerbResult } from "../verb-spec.js";

interface ChangeArgs {
  readonly action: "bind" | "unbind";
  readonly workspace: string;
  readonly channelId?: string | undefined;
}

const ALIAS = /^[a-z][a-z0-9-]{0,31}$/;
/**
 * A channel id typed by hand: what a platform makes, never a name people give (`#ml-alerts`, `ml-alerts`). Letters,
 * digits and `:@._-`, at least six, with a digit and a capital letter or a colon.
 */
const TYPED_ID = /^(?=.*\d)(?=.*[A-Z:])[A-Za-z0-9][A-Za-z0-9:@._-]{5,}$/;

/** `<workspace>`: a configured workspace, by its alias. */
const workspace = {
  name: "workspace",
  description: "The workspace, by its alias in the configuration",
  missing: "Name the workspace by its alias.",
  schema: z.string().transform((word, ctx) => (ALIAS.test(word.toLowerCase()) ? word.toLowerCase() : refuse(ctx, `Name the workspace by its alias (\`${word}\` is not one).`))),
} as const satisfies PositionalSpec;

/**
 * `[#channel]`: a channel named in the chat (which its adapter hands over as a neutral `<channel:ID>`), or a channel's
 * id typed by hand; this channel when left out. Either way a channel of the platform the command came from.
 */
const channel = {
  name: "channelId",
  placeholder: "#channel",
  optional: true,
  description: "Where notifications go (default: this channel): a channel picked with `#` (Slack) or @mentioned (Teams), or its id",
  schema: z.string().transform((word, ctx) => {
    const id = readChannelReference(word) ?? (TYPED_ID.test(word) ? word : undefined);
    if (id === undefined) {
      return refuse(ctx, `\`${word}\` is not a channel the bot can post to by name: run the command in that channel, or give the channel's id (pick it with \`#\` in Slack, @mention it in Teams, or copy its id from the channel's details).`);
    }
    return id;
  }),
} as const satisfies PositionalSpec;

const ONE_WORKSPACE = "Name one workspace and at most one channel.";

export const alertsVerb = defineVerb({
  name: "alerts",
  group: "settings",
  aliases: ["alert"],
  summary: "Where a workspace's autoscale and alert notifications go: bind and unbind channels (operator), list",
  examples: ["alerts bind prod", "alerts bind prod C0123ABCD", "alerts unbind prod", "alerts list"],
  // Looking is for everyone; deciding where notifications go is an operator's call (checked in `run`).
  role: "viewer",
  slow: true,
  flags: {},
  actions: {
    bind: { positionals: [workspace, channel], tooMany: ONE_WORKSPACE },
    unbind: { positionals: [workspace, channel], tooMany: ONE_WORKSPACE },
    list: { aliases: ["ls"], positionals: [{ ...workspace, optional: true }] },
  },
  ackText: (a) => (a.action === "list" ? "⏳ Reading alert bindings…" : `⏳ Updating alert bindings of ${a.workspace}…`),
  async run(ctx, a) {
    if (a.action === "list") return list(ctx, a.workspace);
    return change(ctx, a);
  },
});

async function change(ctx: VerbContext, a: ChangeArgs): Promise<VerbResult> {
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
  // A channel named in a command is on the platform the command came from.
  const channel: ChannelRef = a.channelId === undefined ? invocation.channel : { platform: invocation.channel.platform, id: a.channelId };
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
        : // A line per binding, not a 4-column table, whose cells a Teams card on a phone broke inside words (issue 14 §3).
          [{ kind: "text", text: bindings.map((b) => `*${b.workspace}* → ${describe(b)} · bound by ${b.boundBy}, ${b.boundAt.toISOString().slice(0, 16).replace("T", " ")} UTC`).join("\n") }],
    summary: `${bindings.length} alert binding(s) for ${scope}`,
  });
  return { reply, audit: { outcome: "ok" } };
}
