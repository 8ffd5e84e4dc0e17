import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const manifest = readFileSync(new URL("../../deploy/slack-app-manifest.yaml", import.meta.url), "utf8");
const shipped = JSON.parse(readFileSync(new URL("../../../shared/fixtures/slack/app_manifest.bolt-js-deploy-aws-lambda.json", import.meta.url), "utf8")) as Record<string, unknown>;

/** Top-level and second-level keys of the YAML, enough to compare its outline with a published manifest. */
function outline(yaml: string): string[] {
  return yaml
    .split("\n")
    .filter((line) => /^( {0,2})[a-z_]+:/.test(line))
    .map((line) => line.trim().split(":")[0]!);
}

describe("deploy/slack-app-manifest.yaml", () => {
  it("sends the slash command and button clicks to the function app's Slack route", () => {
    const urls = [...manifest.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => m[1]);
    expect(urls).toEqual([
      "https://<your-function-app>.azurewebsites.net/api/slack/events",
      "https://<your-function-app>.azurewebsites.net/api/slack/events",
    ]);
    expect(manifest).toContain("- command: /aml");
  });

  it("asks for the scopes the bot uses, and no event subscriptions it does not handle", () => {
    const scopes = [...manifest.matchAll(/^ {6}- ([a-z:.]+)$/gm)].map((m) => m[1]);
    expect(scopes).toEqual(["commands", "chat:write", "files:write", "usergroups:read", "im:write"]);
    expect(manifest).not.toContain("event_subscriptions");
  });

  it("has the sections of a published HTTP-mode manifest", () => {
    const keys = outline(manifest);
    for (const key of Object.keys(shipped)) expect(keys).toContain(key);
    expect(keys).toEqual(expect.arrayContaining(["bot_user", "slash_commands", "scopes", "interactivity", "socket_mode_enabled"]));
  });
});
