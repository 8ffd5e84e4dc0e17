/**
 * The Microsoft 365 Agents Playground (npm `@microsoft/m365agentsplayground`, a devDependency): Microsoft's local
 * Teams client, a web page that renders the bot's Adaptive Cards as Teams does and sends their Action.Execute
 * clicks back. It runs as a child process (its CLI replaces the global console methods, so not in ours), talks to
 * the bot's `/api/teams/messages` with no tenant and no token, and gives its own connector as the activities'
 * `serviceUrl` (`http://localhost:<port>/_connector`), where local mode sends the replies (see bot-framework.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { LOCAL_USERS } from "../../src/config/local-defaults.js";
import { ORPHAN_WATCHDOG } from "../azurite.js";

export interface TeamsPlaygroundOptions {
  /** The bot's Teams endpoint, e.g. `http://127.0.0.1:7071/api/teams/messages`. */
  readonly botEndpoint: string;
  /** 0 (default) takes a free port; a busy port makes the playground fall back to a free one. */
  readonly port?: number;
  /** Where its config file and log go (created if missing). */
  readonly workDir: string;
  /** Default 30 s: it loads a 5 MB bundle, slow on a busy machine. */
  readonly startTimeoutInMs?: number;
  /** Who types in it (the playground has one current user). Default `admin`, whom the local policy lets do anything. */
  readonly user?: keyof typeof LOCAL_USERS;
  /** Extra environment for its process, on top of ours (a test takes xdg-open off its PATH). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface TeamsPlayground {
  /** The page to open, e.g. `http://127.0.0.1:7430`. */
  readonly url: string;
  readonly logFile: string;
  close(): Promise<void>;
}

/**
 * Its server calls `listen(port)` with no host, which binds every interface, and it has no option to choose one.
 * Local mode does not authenticate Teams activities, so the page would let anyone on the network act as the local
 * admin: `net.Server#listen` gets 127.0.0.1 when a caller gives no host (its port probe included).
 */
const LOOPBACK_ONLY = `
import net from "node:net";
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" && typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  else if (args[0] && typeof args[0] === "object" && "port" in args[0] && !args[0].host) args[0] = { ...args[0], host: "127.0.0.1" };
  return listen.apply(this, args);
};
`;

const LISTENING = /Listening on (\d+)/;

export async function startTeamsPlayground(options: TeamsPlaygroundOptions): Promise<TeamsPlayground> {
  const workDir = resolve(options.workDir);
  await mkdir(workDir, { recursive: true });
  const configFile = join(workDir, ".m365agentsplayground.yml");
  const logFile = join(workDir, "playground.log");
  // YAML is a superset of JSON: the config is written as JSON.
  await writeFile(configFile, `${JSON.stringify(playgroundConfig(options.user ?? "admin"), null, 2)}\n`);
  const cli = createRequire(import.meta.url).resolve("@microsoft/m365agentsplayground/cli.js");
  const args = [
    "--import",
    `data:text/javascript,${encodeURIComponent(LOOPBACK_ONLY + ORPHAN_WATCHDOG)}`,
    cli,
    "--app-endpoint",
    options.botEndpoint,
    "--channel-id",
    "msteams",
    "--port",
    String(options.port ?? 0),
    // Nothing leaves the machine (its telemetry goes to Application Insights).
    "--disable-telemetry",
  ];
  const child = spawn(process.execPath, args, {
    cwd: workDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      ...options.env,
      NODE_OPTIONS: "",
      // After "Listening on" the CLI opens the page with the `open` package, which spawns xdg-open; on a machine
      // without a desktop that is ENOENT, an uncaught error that ends the process. The CLI reads this variable
      // (TEAMSAPPTESTER_BROWSER=none) to skip opening a browser: npm start prints the URL instead.
      TEAMSAPPTESTER_BROWSER: "none",
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
    },
  });
  const port = await listeningPort(child, options.startTimeoutInMs ?? 30_000, logFile);
  const exited = exitOf(child);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    logFile,
    close() {
      closing ??= stop(child, exited);
      return closing;
    },
  };
}

/**
 * The playground's mock tenant: the current user is one of the local users (the admin unless told), the other
 * three are its team and group chat. It wants exactly five other users, so guests (no binding: viewers) make up the
 * number. Each current user has a personal chat of their own, so two playgrounds (a requester and an approver)
 * never share one.
 */
function playgroundConfig(current: keyof typeof LOCAL_USERS): Record<string, unknown> {
  const user = (name: string, aadObjectId: string) => ({
    id: `29:local-${name}`,
    name,
    userPrincipleName: `${name}@example.com`,
    aadObjectId,
    givenName: name,
    surname: "Local",
    email: `${name}@example.com`,
  });
  const others = Object.entries(LOCAL_USERS)
    .filter(([name]) => name !== current)
    .map(([name, u]) => user(name, u.teams));
  const guests = [1, 2].map((n) => user(`guest${n}`, `00000000-0000-0000-0000-0000000000f${n}`));
  return {
    version: "0.1.1",
    tenantId: "00000000-0000-0000-0000-0000000000e1",
    bot: { id: "28:aml-chatops-local", name: "aml-chatops" },
    currentUser: user(current, LOCAL_USERS[current].teams),
    users: [...others, ...guests],
    personalChat: { id: `a:aml-chatops-local-personal-${current}` },
    groupChat: { id: "19:aml-chatops-local-group@thread.v2", name: "ML on-call" },
    team: {
      id: "19:aml-chatops-local-team@thread.tacv2",
      name: "ML platform",
      aadGroupId: "00000000-0000-0000-0000-0000000000e2",
      channels: [{ id: "19:aml-chatops-local-ops@thread.tacv2", name: "ml-ops" }],
    },
  };
}

/** The port from its "Listening on <port>" line (written to stdout when that is not a terminal). */
function listeningPort(child: ChildProcess, timeoutInMs: number, logFile: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const tail: string[] = [];
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`The Teams playground did not start (${reason}). Last output:\n${tail.join("\n") || "(none)"}\nIts log: ${logFile}`));
    };
    const timer = setTimeout(() => fail(`no "Listening on" after ${timeoutInMs} ms`), timeoutInMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      tail.push(...text.split(/\r?\n/).filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 20));
      const match = LISTENING.exec(text);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => fail(`spawn failed: ${error.message}`));
    child.once("exit", (code, signal) => fail(`exited with ${code ?? signal}`));
  });
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once("exit", () => r()));
}

async function stop(child: ChildProcess, exited: Promise<void>, graceInMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const graceful = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceInMs)))]);
  clearTimeout(timer);
  if (!graceful) {
    child.kill("SIGKILL");
    await exited;
  }
}
