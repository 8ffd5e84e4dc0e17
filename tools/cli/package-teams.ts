/**
 * `npm run package:teams`: writes `deploy/teams/manifest.json` (the template, commands generated from the verb
 * table, ids as `${{…}}` placeholders) and `dist/teams-app.zip` (manifest, color.png, outline.png) to upload in
 * Teams (Apps → Manage your apps → Upload an app) or the Teams admin center.
 *
 * TEAMS_BOT_ID (or MicrosoftAppId: with UserAssignedMSI, the managed identity's client id) and TEAMS_APP_ID
 * (default: the bot id) fill the zip's manifest; without them the zip keeps the placeholders and says so.
 * `--manifest <path>` and `--package <path>` write elsewhere (tests).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { VerbTable } from "../../commands/verb-table.js";
import { allVerbs } from "../../commands/verbs/all-verbs.js";
import { loadDotEnv } from "../../src/config/dot-env.js";
import { ICON_FILES, teamsIcons, teamsManifest } from "../packaging/teams-manifest.js";
import { zip } from "../packaging/zip.js";
import { takeOption } from "./cli-options.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MANIFEST_TEMPLATE = "deploy/teams/manifest.json";
const PACKAGE_FILE = "dist/teams-app.zip";

async function main(args: string[]): Promise<number> {
  loadDotEnv();
  const manifestPath = takeOption(args, "--manifest", MANIFEST_TEMPLATE);
  const packagePath = takeOption(args, "--package", PACKAGE_FILE);
  const { version } = JSON.parse(await readFile("package.json", "utf8")) as { version: string };
  const verbs = new VerbTable(allVerbs()).verbs;
  await writeText(manifestPath, `${JSON.stringify(teamsManifest(verbs, { version }), null, 2)}\n`);

  const botId = process.env.TEAMS_BOT_ID || process.env.MicrosoftAppId || undefined;
  const appId = process.env.TEAMS_APP_ID || botId;
  for (const [name, value] of Object.entries({ "TEAMS_BOT_ID / MicrosoftAppId": botId, TEAMS_APP_ID: appId })) {
    if (value !== undefined && !GUID.test(value)) {
      console.error(`${name} must be a GUID, got "${value}".`);
      return 2;
    }
  }
  const manifest = teamsManifest(verbs, { version, ...(appId ? { appId } : {}), ...(botId ? { botId } : {}) });
  const icons = teamsIcons();
  const archive = zip([
    { name: "manifest.json", data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8") },
    { name: ICON_FILES.color, data: icons.color },
    { name: ICON_FILES.outline, data: icons.outline },
  ]);
  await mkdir(dirname(packagePath), { recursive: true });
  await writeFile(packagePath, archive);
  const listed = manifest.bots[0]!.commandLists[0]!.commands.map((c) => c.title);
  const left = verbs.map((v) => v.name).filter((name) => !listed.includes(name));
  console.log(`${manifestPath}: manifest v${manifest.manifestVersion}, ${listed.length} commands from the verb table`);
  if (left.length > 0) console.log(`Teams lists at most 10 commands; not in the list (still understood, and in \`aml help\`): ${left.join(", ")}`);
  console.log(`${packagePath}: ${archive.length} bytes (manifest.json, ${ICON_FILES.color}, ${ICON_FILES.outline})`);
  if (!botId) console.log("Note: TEAMS_BOT_ID (or MicrosoftAppId) is not set, so the package keeps the ${{TEAMS_BOT_ID}} and ${{TEAMS_APP_ID}} placeholders.");
  return 0;
}

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, "utf8");
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
