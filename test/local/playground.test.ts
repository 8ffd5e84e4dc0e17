/**
 * The Agents Playground as npm start runs it, without a browser: it comes up and stays up where no browser can be
 * opened, answers on loopback only, loads the local users as its tenant, and is gone when closed.
 */
import { mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_USERS } from "../../src/config/local-defaults.js";
import { startTeamsPlayground, type TeamsPlayground } from "../../tools/local/playground.js";

/** An address of this machine that is not loopback, if it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === "IPv4")?.address;

const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe("the Teams playground", () => {
  let playground: TeamsPlayground;
  let workDir: string;
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "aml-playground-"));
    // A PATH with node and nothing else (no xdg-open), as on a machine without a desktop, where the CLI would die
    // trying to open a browser.
    const bin = mkdtempSync(join(tmpdir(), "aml-node-only-"));
    symlinkSync(process.execPath, join(bin, "node"));
    playground = await startTeamsPlayground({ botEndpoint: "http://127.0.0.1:9/api/teams/messages", workDir, env: { PATH: bin } });
  }, 40_000);
  afterAll(() => playground?.close());

  it("serves its page at the URL it gives, and is still up after it would have opened a browser", async () => {
    expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Where it would have died: right after it logs that the page "is being launched" (xdg-open ENOENT, exit 1).
    await expect.poll(() => readFileSync(playground.logFile, "utf8"), { timeout: 10_000 }).toContain("is being launched");
    await new Promise((r) => setTimeout(r, 3_000));
    const page = await fetch(playground.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Microsoft 365 Agents Playground</title>");
  });

  it.skipIf(!external)("listens on loopback only", async () => {
    const port = Number(new URL(playground.url).port);
    expect(await reachable("127.0.0.1", port)).toBe(true);
    expect(await reachable(external!, port)).toBe(false);
  });

  it("has the local users as its tenant, with the admin as the current user", async () => {
    const config = JSON.parse(readFileSync(join(workDir, ".m365agentsplayground.yml"), "utf8")) as { currentUser: { aadObjectId: string }; users: { aadObjectId: string }[] };
    expect(config.currentUser.aadObjectId).toBe(LOCAL_USERS.admin.teams);
    expect(config.users.map((u) => u.aadObjectId)).toEqual(expect.arrayContaining([LOCAL_USERS.operator.teams, LOCAL_USERS.approver.teams, LOCAL_USERS.viewer.teams]));
  });

  it("is gone once closed", async () => {
    const port = Number(new URL(playground.url).port);
    await playground.close();
    expect(await reachable("127.0.0.1", port)).toBe(false);
  });
});
