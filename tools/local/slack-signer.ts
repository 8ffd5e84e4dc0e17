import { createHmac, randomBytes } from "node:crypto";

/**
 * Signs a request body the way Slack does (`v0=` HMAC-SHA256 of `v0:<timestamp>:<raw body>`), for the
 * `npm run slack` client, the benchmark and tests: they play Slack's part against the local host.
 */
export function slackSignature(body: string, timestampSeconds: number, signingSecret: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestampSeconds}:${body}`).digest("hex")}`;
}

export function signedSlackHeaders(body: string, signingSecret: string, nowInMs = Date.now(), contentType = "application/x-www-form-urlencoded"): Record<string, string> {
  const ts = Math.floor(nowInMs / 1000);
  return { "content-type": contentType, "x-slack-request-timestamp": String(ts), "x-slack-signature": slackSignature(body, ts, signingSecret) };
}

export interface SlashCommandFields {
  readonly command: string;
  readonly text: string;
  readonly userId: string;
  readonly userName?: string;
  readonly channelId: string;
  readonly responseUrl: string;
}

/** A slash-command form body with the fields Slack sends, in Slack's order. */
export function slashCommandForm(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: "local-verification-token",
    team_id: "T0LOCAL",
    team_domain: "local",
    channel_id: fields.channelId,
    channel_name: "local",
    user_id: fields.userId,
    user_name: fields.userName ?? fields.userId.toLowerCase(),
    command: fields.command,
    text: fields.text,
    api_app_id: "A0LOCAL",
    is_enterprise_install: "false",
    response_url: fields.responseUrl,
    trigger_id: `${Date.now()}.${randomBytes(6).toString("hex")}`,
  }).toString();
}
