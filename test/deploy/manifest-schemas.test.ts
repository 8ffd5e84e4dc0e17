/**
 * The chat manifests in deploy/ against their published schemas, offline (issue 15 §4).
 *
 * Teams: Microsoft publishes the app manifest schema per version, and ships every version in the npm package
 * @microsoft/app-manifest (build/json-schemas/teams/v1.14/MicrosoftTeams.schema.json), with the validator Teams
 * Toolkit uses (ManifestUtil.validateManifestAgainstSchema: ajv, draft-04, uri/email/regex formats).
 *
 * Slack: the manifest schema is published in the slackapi/manifest-schema repository, in no npm package and not in
 * shared/fixtures, so it cannot be loaded here; the limits it sets on the fields this manifest uses are checked
 * instead, transcribed from schemas/manifest.schema.1.0.0.json of that repository (commit 19557f58d932).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ManifestUtil } from "@microsoft/app-manifest";
import { describe, expect, it } from "vitest";
import { VerbTable } from "../../commands/verb-table.js";
import { allVerbs } from "../../commands/verbs/all-verbs.js";
import { TEAMS_MANIFEST_VERSION, teamsManifest } from "../../tools/packaging/teams-manifest.js";

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const require = createRequire(import.meta.url);

function publishedTeamsSchema(version: string): Record<string, unknown> {
  const path = require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

const APP_ID = "0b8c9d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d";
const BOT_ID = "5a1c0b7e-1111-4222-8333-944455566677";

describe("the Teams app manifest", () => {
  const schema = publishedTeamsSchema(TEAMS_MANIFEST_VERSION);

  it("is valid against Microsoft's published v1.14 schema, as committed (ids filled in) and as packaged", async () => {
    const committed = read("deploy/teams/manifest.json");
    expect(committed).toContain(`"$schema": "https://developer.microsoft.com/en-us/json-schemas/teams/v${TEAMS_MANIFEST_VERSION}/MicrosoftTeams.schema.json"`);
    const filled = JSON.parse(committed.replaceAll("${{TEAMS_APP_ID}}", APP_ID).replaceAll("${{TEAMS_BOT_ID}}", BOT_ID)) as Record<string, unknown>;
    expect(await ManifestUtil.validateManifestAgainstSchema(filled as never, schema as never)).toEqual([]);
    const packaged = teamsManifest(new VerbTable(allVerbs()).verbs, { version: "0.1.0", appId: APP_ID, botId: BOT_ID });
    expect(await ManifestUtil.validateManifestAgainstSchema(packaged as never, schema as never)).toEqual([]);
  });

  it("would be refused by the same check if it broke the schema (so the check above can fail)", async () => {
    const packaged = JSON.parse(JSON.stringify(teamsManifest(new VerbTable(allVerbs()).verbs, { version: "0.1.0", appId: APP_ID, botId: BOT_ID }))) as {
      bots: { commandLists: { commands: { title: string }[] }[] }[];
      accentColor: string;
    };
    packaged.bots[0]!.commandLists[0]!.commands[0]!.title = "a command title longer than thirty-two characters";
    packaged.accentColor = "blue";
    const errors = await ManifestUtil.validateManifestAgainstSchema(packaged as never, schema as never);
    expect(errors.some((e) => e.startsWith("/bots/0/commandLists/0/commands/0/title must NOT have more than 32 characters"))).toBe(true);
    expect(errors.some((e) => e.startsWith("/accentColor must match pattern"))).toBe(true);
  });
});

/** `key: value` of a YAML line, unquoted. */
function yamlField(yaml: string, key: string): string[] {
  return [...yaml.matchAll(new RegExp(`^\\s*-?\\s*${key}: (.+)$`, "gm"))].map((m) => m[1]!.trim().replace(/^"(.*)"$/, "$1"));
}

describe("the Slack app manifest", () => {
  const yaml = read("deploy/slack-app-manifest.yaml");

  it("keeps within the limits of Slack's published manifest schema (v1.0.0)", () => {
    const [name] = yamlField(yaml, "name");
    expect(name!.length).toBeGreaterThanOrEqual(1);
    expect(name!.length).toBeLessThanOrEqual(35);
    // `description` is both the app's (≤ 140) and the slash command's (≤ 2000): the app's comes first.
    const [appDescription, commandDescription] = yamlField(yaml, "description");
    expect(appDescription!.length).toBeLessThanOrEqual(140);
    expect(commandDescription!.length).toBeLessThanOrEqual(2000);
    expect(yamlField(yaml, "background_color")[0]).toMatch(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/);
    expect(yamlField(yaml, "display_name")[0]!.length).toBeLessThanOrEqual(80);
    const [command] = yamlField(yaml, "command");
    expect(command).toMatch(/^\/.{1,31}$/);
    expect(yamlField(yaml, "usage_hint")[0]!.length).toBeLessThanOrEqual(1000);
    for (const url of [...yamlField(yaml, "url"), ...yamlField(yaml, "request_url")]) {
      expect(url).toMatch(/^https?:\/\//);
      expect(url.length).toBeLessThanOrEqual(3000);
    }
    // `interactivity` requires is_enabled.
    expect(yaml).toMatch(/^ {2}interactivity:\n {4}is_enabled: true$/m);
    // Only keys the schema defines for these objects (it allows no others).
    const topLevel = [...yaml.matchAll(/^([a-z_]+):/gm)].map((m) => m[1]);
    expect(topLevel).toEqual(["display_information", "features", "oauth_config", "settings"]);
    const settings = /^settings:\n((?: {2}.*\n?)*)/m.exec(yaml)![1]!;
    for (const key of [...settings.matchAll(/^ {2}([a-z_]+):/gm)].map((m) => m[1])) {
      expect(["allowed_ip_address_ranges", "event_subscriptions", "incoming_webhooks", "interactivity", "org_deploy_enabled", "socket_mode_enabled", "token_rotation_enabled", "is_hosted", "function_runtime", "siws_links", "hermes_app_type", "is_mcp_enabled"]).toContain(key);
    }
  });

  it("uses the same slash command the bot answers by default", () => {
    expect(yamlField(yaml, "command")).toEqual(["/aml"]);
    expect(read("src/config/config.ts")).toContain('SLACK_COMMAND: z.string().regex(/^\\/[a-z0-9_-]+$/).default("/aml")');
  });
});
