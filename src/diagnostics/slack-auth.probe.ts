/**
 * Slack's `auth.test` with the bot token: whether Slack takes the token, whose it is, and (from the `x-oauth-scopes`
 * header Slack puts on Web API answers) which scopes it carries. The token goes in the Authorization header only and
 * appears in no finding.
 */
import type { SlackAnswer } from "../../commands/ports/diagnostics.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { SlackConfig } from "../config/config.js";
import type { Mode } from "../config/mode.js";
import { redact } from "../logging/redact.js";

export const SLACK_API_URL = "https://slack.com/api/";
const TOKEN_FIX = "set SLACK_BOT_TOKEN to the Bot User OAuth Token of the Slack app (OAuth & Permissions), reinstalling the app if it was revoked";
const TIMEOUT_IN_MS = 10_000;

export async function slackIdentity(slack: SlackConfig, mode: Mode, options: OperationOptions & { readonly fetch?: typeof fetch } = {}): Promise<SlackAnswer> {
  // Locally without `npm start` there is no Slack at all: the local token was never meant for slack.com.
  const base = slack.apiUrl ?? (mode === "azure" ? SLACK_API_URL : undefined);
  if (base === undefined) return { ok: false, finding: { status: "skip", detail: "no Slack API in local mode without `npm start` (SLACK_API_URL unset)" } };
  const url = new URL("auth.test", base.endsWith("/") ? base : `${base}/`);
  let response: Response;
  try {
    const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, AbortSignal.timeout(TIMEOUT_IN_MS)]) : AbortSignal.timeout(TIMEOUT_IN_MS);
    response = await (options.fetch ?? fetch)(url, { method: "POST", headers: { Authorization: `Bearer ${slack.botToken}`, "Content-Type": "application/x-www-form-urlencoded" }, body: "", signal });
  } catch (error) {
    if (options.abortSignal?.aborted) throw error;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ok: false, finding: { status: "fail", detail: redact(`Slack's API at ${url.origin} did not answer: ${detail}`), fix: "check that the function app can reach slack.com (outbound network, proxy) or SLACK_API_URL" } };
  }
  const body = (await response.json().catch(() => undefined)) as { ok?: boolean; error?: string; team?: string; team_id?: string; user_id?: string; bot_id?: string } | undefined;
  if (!response.ok || body === undefined) return { ok: false, finding: { status: "fail", detail: `auth.test answered HTTP ${response.status}`, fix: "check SLACK_API_URL (unset in Azure: slack.com)" } };
  if (body.ok !== true) return { ok: false, finding: { status: "fail", detail: `Slack refused the bot token: ${String(body.error ?? "unknown error").slice(0, 60)}`, fix: TOKEN_FIX } };
  const header = response.headers.get("x-oauth-scopes");
  return {
    ok: true,
    team: body.team ?? body.team_id ?? "the workspace",
    ...(body.bot_id ? { botId: body.bot_id } : {}),
    ...(body.user_id ? { userId: body.user_id } : {}),
    configured: { botId: slack.botId, userId: slack.botUserId },
    ...(header !== null ? { scopes: header.split(",").map((s) => s.trim()).filter((s) => s !== "") } : {}),
  };
}
