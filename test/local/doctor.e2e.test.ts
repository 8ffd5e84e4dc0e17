/**
 * `/aml doctor` on the local stack as `npm start` runs it (Functions host, Azurite, the AML emulator, the Slack and
 * Teams stand-ins), through the signed Slack path: every check green, the storage and Slack ones included; and a bot
 * token that lost a scope is named with the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SLACK } from "../../src/config/config.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { INSTALLED_SCOPES } from "../../tools/local/slack-api.stand-in.js";
import { signedSlackHeaders, slashCommandForm } from "../../tools/local/slack-signer.js";

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ ports: { host: 0 }, emulatorLroDelayInMs: 30, logger: { info() {}, warn() {}, error() {} }, maxPollIntervalInMs: 200 });
}, 30_000);
afterAll(() => stack?.close());

let sent = 0;
/** `/aml doctor` from the local admin; the checklist it ends with, as Slack shows it (text and blocks). */
async function doctor(): Promise<string> {
  const id = `doctor-${++sent}`;
  const responseUrl = stack.slack.responseUrl(id, { channel: "C0LOCAL", user: "U0LOCALADMIN" });
  const body = slashCommandForm({ command: "/aml", text: "doctor", userId: "U0LOCALADMIN", channelId: "C0LOCAL", responseUrl });
  const res = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body });
  const ack = await res.text();
  if (ack) stack.slack.recordAck(responseUrl, ack);
  const before = sent;
  const message = await stack.slack.waitFor((messages) => messages.filter((m) => m.user === "U0LOCALADMIN" && m.text.startsWith("aml doctor:")).at(before - 1), 40_000);
  return `${message.text}\n${JSON.stringify(message.blocks)}`;
}

describe("/aml doctor on npm start's stack", () => {
  it("is all green: identity, permissions, metrics, Azurite's tables and queues, the Slack token and its scopes", async () => {
    const text = await doctor();
    expect(text).toMatch(/^aml doctor: all green/);
    for (const check of ["Token for Azure ok", "Workspace demo Permissions ok", "Workspace demo Metrics ok", "Storage Tables and queues ok", "Slack Bot token ok", "Slack Scopes ok"]) expect(text).toContain(check);
    expect(text).toContain("tables and 2 queues answer");
    expect(text).not.toContain(LOCAL_SLACK.botToken);
  }, 60_000);

  it("names a scope the bot token lost, with the fix", async () => {
    stack.slack.setScopes(INSTALLED_SCOPES.filter((s) => s !== "files:write"));
    try {
      const text = await doctor();
      expect(text).toMatch(/^aml doctor: 1 problem/);
      expect(text).toContain("missing `files:write` (charts and long replies)");
      expect(text).toContain("deploy/slack-app-manifest.yaml lists them");
    } finally {
      stack.slack.setScopes(INSTALLED_SCOPES);
    }
  }, 60_000);
});
