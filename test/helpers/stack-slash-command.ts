/** A signed `/aml` slash command to a local stack's host, as Slack sends it, with its ack recorded as Slack shows it. */
import { expect } from "vitest";
import { LOCAL_SLACK } from "../../src/config/config.js";
import type { LocalStack } from "../../tools/local/local-stack.js";
import { signedSlackHeaders, slashCommandForm } from "../../tools/local/slack-signer.js";

export async function stackSlashCommand(stack: LocalStack, text: string, options: { readonly id: string; readonly channel: string; readonly user?: string }): Promise<void> {
  const user = options.user ?? "U0LOCALADMIN";
  const responseUrl = stack.slack.responseUrl(options.id, { channel: options.channel, user });
  const body = slashCommandForm({ command: "/aml", text, userId: user, channelId: options.channel, responseUrl });
  const res = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body });
  expect(res.status).toBe(200);
  const answer = await res.text();
  if (answer) stack.slack.recordAck(responseUrl, answer);
}
