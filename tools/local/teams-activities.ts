/**
 * Builds Teams activities the way Teams sends them, for `npm run teams`, the local stack and tests: the field set
 * of the published message activity (`message_activity.personal.rich-text.json` in the shared fixtures) and of the
 * `adaptiveCard/action` invoke (Universal Actions), with this stack's bot, tenant and connector stand-in.
 */
import { LOCAL_USERS } from "../../src/config/local-defaults.js";

/** The local bot and tenant: ids in Teams' formats, known only to the local stack. */
export const LOCAL_TEAMS = {
  botId: "28:00000000-0000-0000-0000-0000000b0700",
  botName: "aml-chatops",
  tenantId: "00000000-0000-0000-0000-000000000007",
  /** Admin in the embedded local config. */
  adminAadObjectId: LOCAL_USERS.admin.teams,
} as const;

export type LocalTeamsScope = "personal" | "groupChat" | "channel";

export interface LocalTeamsUser {
  readonly aadObjectId: string;
  readonly name?: string;
}

export interface TeamsActivityBase {
  /** The connector stand-in's URL. */
  readonly serviceUrl: string;
  readonly user: LocalTeamsUser;
  readonly scope?: LocalTeamsScope;
  /** Default: one per user and scope. */
  readonly conversationId?: string;
  readonly id?: string;
  readonly now?: Date;
}

let sequence = 0;

/** The Bot Framework id (`29:…`) Teams gives a user; stable per AAD object id here. */
export function teamsUserId(aadObjectId: string): string {
  return `29:local-${aadObjectId}`;
}

export function localConversationId(scope: LocalTeamsScope, aadObjectId: string): string {
  if (scope === "personal") return `a:local-chat-${aadObjectId}`;
  return scope === "channel" ? "19:local-ml-ops@thread.tacv2" : "19:local-group-chat@thread.v2";
}

function envelope(o: TeamsActivityBase, type: string): Record<string, unknown> {
  const scope = o.scope ?? "personal";
  const now = o.now ?? new Date();
  const id = o.id ?? `${now.getTime()}${String(++sequence).padStart(3, "0")}`;
  const base = o.conversationId ?? localConversationId(scope, o.user.aadObjectId);
  // A channel message starts a thread: its conversation id carries `;messageid=<the root message>`.
  const conversationId = scope === "channel" && !base.includes(";messageid=") ? `${base};messageid=${id}` : base;
  return {
    type,
    id,
    timestamp: now.toISOString(),
    localTimestamp: now.toISOString(),
    serviceUrl: o.serviceUrl,
    channelId: "msteams",
    from: { id: teamsUserId(o.user.aadObjectId), name: o.user.name ?? "Local User", aadObjectId: o.user.aadObjectId },
    conversation: {
      conversationType: scope,
      id: conversationId,
      tenantId: LOCAL_TEAMS.tenantId,
      ...(scope === "personal" ? {} : { isGroup: true }),
    },
    recipient: { id: LOCAL_TEAMS.botId, name: LOCAL_TEAMS.botName },
    channelData: {
      tenant: { id: LOCAL_TEAMS.tenantId },
      ...(scope === "channel" ? { team: { id: "19:local-team@thread.tacv2" }, channel: { id: base.split(";")[0] } } : {}),
    },
    locale: "en-US",
  };
}

/** A message as Teams sends it; in a group chat or channel the bot is @mentioned, as Teams requires there. */
export function teamsMessageActivity(o: TeamsActivityBase & { readonly text: string; readonly mention?: boolean }): Record<string, unknown> {
  const scope = o.scope ?? "personal";
  const mention = o.mention ?? scope !== "personal";
  const at = `<at>${LOCAL_TEAMS.botName}</at>`;
  const text = mention ? `${at} ${o.text}` : o.text;
  const html = `<div><div>${mention ? `<span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="0">${LOCAL_TEAMS.botName}</span> ` : ""}${escapeHtml(o.text)}</div>\n</div>`;
  return {
    ...envelope(o, "message"),
    textFormat: "plain",
    text,
    attachments: [{ contentType: "text/html", content: html }],
    entities: [
      { locale: "en-US", country: "US", platform: "Web", timezone: "Etc/UTC", type: "clientInfo" },
      ...(mention ? [{ type: "mention", text: at, mentioned: { id: LOCAL_TEAMS.botId, name: LOCAL_TEAMS.botName } }] : []),
    ],
  };
}

/** A click on an `Action.Execute` button of the card in message `replyToId`. */
export function teamsCardActionInvoke(
  o: TeamsActivityBase & { readonly replyToId: string; readonly verb: string; readonly data: Record<string, unknown>; readonly trigger?: "manual" | "automatic" },
): Record<string, unknown> {
  return {
    ...envelope(o, "invoke"),
    name: "adaptiveCard/action",
    replyToId: o.replyToId,
    value: { action: { type: "Action.Execute", id: "", verb: o.verb, data: o.data }, trigger: o.trigger ?? "manual" },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
