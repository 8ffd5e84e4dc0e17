/**
 * botbuilder is loaded on the first Teams request, never for Slack: a Slack command through the same host leaves
 * it out of the process (its CommonJS modules would show in Node's module cache).
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LOCAL_SLACK } from "../../../src/config/config.js";
import { startLocalStack, type LocalStack } from "../../../tools/local/local-stack.js";
import { signedSlackHeaders, slashCommandForm } from "../../../tools/local/slack-signer.js";
import { LOCAL_TEAMS, teamsMessageActivity } from "../../../tools/local/teams-activities.js";

const moduleCache = createRequire(import.meta.url).cache;
const botbuilderLoaded = (): boolean => Object.keys(moduleCache).some((path) => /[\\/]node_modules[\\/]botbuilder(-core)?[\\/]/.test(path));

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ ports: { host: 0 }, logger: { info() {}, warn() {}, error() {} }, emulatorLroDelayInMs: 30 });
}, 30_000);
afterAll(() => stack?.close());

it("loads the Teams SDK for a Teams activity only", async () => {
  expect(botbuilderLoaded()).toBe(false);
  const responseUrl = stack.slack.responseUrl("lazy-1", { channel: "C0LOCAL", user: "U0LOCALADMIN" });
  const body = slashCommandForm({ command: "/aml", text: "help", userId: "U0LOCALADMIN", channelId: "C0LOCAL", responseUrl });
  const slack = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body });
  expect(slack.status).toBe(200);
  expect(botbuilderLoaded()).toBe(false);

  const activity = teamsMessageActivity({ text: "aml help", serviceUrl: stack.teams.url, user: { aadObjectId: LOCAL_TEAMS.adminAadObjectId } });
  const teams = await fetch(`${stack.hostUrl}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
  expect(teams.status).toBe(200);
  expect(botbuilderLoaded()).toBe(true);
});
