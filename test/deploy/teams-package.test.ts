/**
 * `npm run package:teams`, run as a process into a temporary directory: the zip is read back with a reader written
 * here from the ZIP format (not with the writer's code), its entries inflated and checked, the manifest compared
 * with the published v1.14 manifests' shape and with the committed template, the icons decoded.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync, inflateSync } from "node:zlib";
import * as zlib from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { VerbTable } from "../../commands/verb-table.js";
import { allVerbs } from "../../commands/verbs/all-verbs.js";
import { crc32 } from "../../tools/packaging/crc32.js";
import { readSharedFixture } from "../helpers/shared-fixtures.js";

const BOT_ID = "5a1c0b7e-1111-4222-8333-944455566677";

interface Entry {
  readonly name: string;
  readonly data: Buffer;
  readonly crc: number;
  readonly method: number;
}

/** Reads a ZIP from its end record and central directory, then each local header, as unzip tools do. */
function unzip(archive: Buffer): Entry[] {
  const end = archive.length - 22;
  expect(archive.readUInt32LE(end)).toBe(0x06054b50);
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    expect(archive.readUInt32LE(at)).toBe(0x02014b50);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const compressed = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const extra = archive.readUInt16LE(at + 30);
    const comment = archive.readUInt16LE(at + 32);
    const offset = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    expect(archive.readUInt32LE(offset)).toBe(0x04034b50);
    const localName = archive.readUInt16LE(offset + 26);
    const localExtra = archive.readUInt16LE(offset + 28);
    const start = offset + 30 + localName + localExtra;
    const raw = archive.subarray(start, start + compressed);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    expect(data.length).toBe(size);
    entries.push({ name, data, crc, method });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

function png(data: Buffer): { width: number; height: number; colourType: number; rgba: Buffer } {
  expect([...data.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  while (at < data.length) {
    const length = data.readUInt32BE(at);
    const type = data.subarray(at + 4, at + 8).toString("ascii");
    const body = data.subarray(at + 8, at + 8 + length);
    expect(data.readUInt32BE(at + 8 + length)).toBe(crc32(data.subarray(at + 4, at + 8 + length)));
    if (type === "IHDR") header = body;
    if (type === "IDAT") idat.push(body);
    at += 12 + length;
  }
  const width = header!.readUInt32BE(0);
  const height = header!.readUInt32BE(4);
  const scanlines = inflateSync(Buffer.concat(idat));
  expect(scanlines.length).toBe((width * 4 + 1) * height);
  const rgba = Buffer.concat(Array.from({ length: height }, (_, y) => scanlines.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1))));
  return { width, height, colourType: header![9]!, rgba };
}

let dir: string;
let entries: Entry[];
let output: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aml-teams-package-"));
  const run = spawnSync(process.execPath, ["--import", "tsx", "tools/cli/package-teams.ts", "--manifest", join(dir, "manifest.json"), "--package", join(dir, "teams-app.zip")], {
    env: { ...process.env, TEAMS_BOT_ID: BOT_ID, TEAMS_APP_ID: "", MicrosoftAppId: "" },
    encoding: "utf8",
    timeout: 30_000,
  });
  output = run.stdout + run.stderr;
  expect(run.status, output).toBe(0);
  entries = unzip(await readFile(join(dir, "teams-app.zip")));
}, 40_000);

describe("npm run package:teams", () => {
  it("zips manifest.json and the two icons at the root, deflated, with correct CRC-32s", () => {
    expect(entries.map((e) => e.name)).toEqual(["manifest.json", "color.png", "outline.png"]);
    for (const entry of entries) {
      expect(entry.method).toBe(8);
      expect(entry.crc).toBe(crc32(entry.data));
      if (typeof (zlib as { crc32?: (d: Uint8Array) => number }).crc32 === "function") expect(entry.crc).toBe((zlib as unknown as { crc32: (d: Uint8Array) => number }).crc32(entry.data));
    }
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  it("writes a v1.14 manifest shaped like the published one, with the bot id filled in and one command per verb", () => {
    const manifest = JSON.parse(entries[0]!.data.toString("utf8")) as Record<string, unknown> & { bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[] }[] };
    const published = JSON.parse(readSharedFixture("teams/manifest.botbuilder-samples-57-teams-conversation-bot.json")) as Record<string, unknown> & { bots: Record<string, unknown>[] };
    expect(Object.keys(manifest).sort()).toEqual(expect.arrayContaining(Object.keys(published).filter((k) => k !== "packageName").sort()));
    expect(Object.keys(manifest.bots[0]!).sort()).toEqual(Object.keys(published.bots[0]!).sort());
    expect(manifest).toMatchObject({ manifestVersion: "1.14", $schema: published["$schema"], id: BOT_ID, icons: { color: "color.png", outline: "outline.png" } });
    expect(manifest.bots[0]!.botId).toBe(BOT_ID);
    expect(manifest.bots[0]!.scopes).toEqual(["personal", "team", "groupchat"]);
    const verbs = new VerbTable(allVerbs()).verbs;
    const commands = manifest.bots[0]!.commandLists[0]!.commands;
    const names = verbs.map((v) => v.name);
    expect(commands.length).toBe(Math.min(10, names.length));
    expect(commands.map((c) => c.title)).toContain("help");
    // The verbs people reach for first, then help; every title is a verb of the table.
    expect(commands.map((c) => c.title)).toEqual(["endpoints", "show", "traffic", "deploy", "approvals", "metrics", "invoke", "digest", "audit", "help"]);
    expect(commands.every((c) => names.includes(c.title))).toBe(true);
    for (const command of commands) {
      expect(command.title.length).toBeLessThanOrEqual(32);
      expect(command.description.length).toBeLessThanOrEqual(128);
    }
  });

  it("draws a 192×192 colour icon and a 32×32 white-on-transparent outline icon", () => {
    const color = png(entries[1]!.data);
    expect([color.width, color.height, color.colourType]).toEqual([192, 192, 6]);
    const outline = png(entries[2]!.data);
    expect([outline.width, outline.height, outline.colourType]).toEqual([32, 32, 6]);
    const colours = new Set<string>();
    for (let i = 0; i < outline.rgba.length; i += 4) colours.add(outline.rgba.subarray(i, i + 4).join(","));
    expect([...colours].sort()).toEqual(["0,0,0,0", "255,255,255,255"]);
  });

  it("keeps the committed template (deploy/teams/manifest.json) in step with the verb table", async () => {
    const generated = await readFile(join(dir, "manifest.json"), "utf8");
    expect(await readFile("deploy/teams/manifest.json", "utf8"), "run `npm run package:teams` and commit deploy/teams/manifest.json").toBe(generated);
    expect(generated).toContain('"botId": "${{TEAMS_BOT_ID}}"');
  });
});
