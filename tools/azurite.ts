/**
 * Local Azurite (Table + Queue) for tests and the local host. Spawns the installed azurite 3.35 service entry points
 * (`azurite-table`, `azurite-queue`) as child processes bound to 127.0.0.1 and returns a connection string for the
 * well-known development account. Never used in Azure.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/**
 * The Azurite development account. Its key is public and documented by Microsoft (it is the same in every
 * Azurite and Storage Emulator install); it is not a secret of this project.
 */
export const AZURITE_ACCOUNT_NAME = "devstoreaccount1";
export const AZURITE_ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

const HOST = "127.0.0.1";
const OUTPUT_TAIL_LINES = 40;

export interface StartAzuriteOptions {
  /** Data directory; kept across restarts. Default: in memory (nothing written to disk). */
  readonly location?: string;
  /** Accepted for symmetry; the blob service is not started. */
  readonly blobPort?: number;
  /** 0 or undefined: pick a free port. */
  readonly queuePort?: number;
  /** 0 or undefined: pick a free port. */
  readonly tablePort?: number;
  /** Default true: no access log, and azurite's output is not echoed (it is still kept for start-up errors). */
  readonly silent?: boolean;
  /** Default 15 000. */
  readonly startTimeoutInMs?: number;
  /**
   * More storage accounts beside the development one, with its well-known key (lowercase letters and digits, 3–24):
   * for callers that keep the storage state of several apps apart, as separate accounts would in Azure.
   */
  readonly accounts?: readonly string[];
}

export interface AzuriteInstance {
  readonly connectionString: string;
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly tableUrl: string;
  readonly queueUrl: string;
  readonly tablePort: number;
  readonly queuePort: number;
  /** The connection string of the development account or of one of `accounts`. */
  connectionStringFor(account: string): string;
  /** Stops both services gracefully (data in `location` is flushed), killing them if they do not exit in time. */
  close(): Promise<void>;
}

interface Service {
  readonly name: "table" | "queue";
  readonly script: string;
  readonly hostFlag: string;
  readonly portFlag: string;
  readonly readyPattern: RegExp;
}

const SERVICES: readonly Service[] = [
  { name: "table", script: "dist/src/table/main.js", hostFlag: "--tableHost", portFlag: "--tablePort", readyPattern: /Table service successfully/ },
  { name: "queue", script: "dist/src/queue/main.js", hostFlag: "--queueHost", portFlag: "--queuePort", readyPattern: /Queue service successfully/ },
];

/**
 * Preloaded into each child: if the parent disappears without closing us (SIGKILL, crashed test worker), shut down
 * the way azurite does on Ctrl-C so nothing is left running. The Teams playground's child preloads it too.
 */
export const ORPHAN_WATCHDOG = `
const parent = process.ppid;
const timer = setInterval(() => {
  try { process.kill(parent, 0); } catch (error) {
    if (error && error.code === "EPERM") return;
    clearInterval(timer);
    setTimeout(() => process.exit(0), 5000).unref();
    process.kill(process.pid, "SIGINT");
  }
}, 1000);
timer.unref();
`;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGINT");
  });
}

function azuriteRoot(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve("azurite/package.json"));
}

/** Binds port 0 on loopback and releases it; the tiny race with other processes is covered by a retry. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error("could not determine a free port"))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: HOST, port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

class AzuriteStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
    this.name = "AzuriteStartError";
  }
}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

async function startService(
  service: Service,
  port: number,
  location: string | undefined,
  silent: boolean,
  timeoutInMs: number,
  accounts: readonly string[],
): Promise<Running> {
  const root = azuriteRoot();
  const args = [
    "--import",
    `data:text/javascript,${encodeURIComponent(ORPHAN_WATCHDOG)}`,
    join(root, service.script),
    service.hostFlag,
    HOST,
    service.portFlag,
    String(port),
    "--skipApiVersionCheck",
    "--loose",
    "--disableProductStyleUrl",
    "--disableTelemetry",
    ...(silent ? ["--silent"] : []),
    ...(location ? ["--location", location] : ["--inMemoryPersistence"]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: location ?? tmpdir(),
    stdio: ["ignore", "pipe", "pipe"],
    // Azurite serves only the accounts AZURITE_ACCOUNTS names once it is set: the development one is listed first.
    env: { ...process.env, NODE_OPTIONS: "", ...(accounts.length ? { AZURITE_ACCOUNTS: [AZURITE_ACCOUNT_NAME, ...accounts].map((name) => `${name}:${AZURITE_ACCOUNT_KEY}`).join(";") } : {}) },
  });
  live.add(child);
  installExitHook();

  const tail: string[] = [];
  let ready = false;
  let onReady: () => void = () => {};
  const readySeen = new Promise<void>((r) => (onReady = r));
  const onData = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    if (!silent) process.stderr.write(text.replace(/^(?=.)/gm, `[azurite-${service.name}] `));
    tail.push(...text.split(/\r?\n/).filter((line) => line.length > 0));
    if (tail.length > OUTPUT_TAIL_LINES) tail.splice(0, tail.length - OUTPUT_TAIL_LINES);
    if (!ready && service.readyPattern.test(tail.join("\n"))) {
      ready = true;
      onReady();
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);

  const exited = new Promise<void>((r) => {
    child.once("exit", () => {
      live.delete(child);
      r();
    });
    child.once("error", () => {
      live.delete(child);
      r();
    });
  });
  const failure = (reason: string) => {
    const output = tail.join("\n");
    return new AzuriteStartError(
      `Azurite ${service.name} service did not start on ${HOST}:${port} (${reason}). Last output:\n${output || "(none)"}`,
      /EADDRINUSE/.test(output),
    );
  };

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutInMs)));
  const spawnError = new Promise<Error>((r) => child.once("error", r));
  try {
    const first = await Promise.race([
      readySeen.then(() => "ready" as const),
      exited.then(() => "exited" as const),
      spawnError,
      timedOut,
    ]);
    if (first instanceof Error) throw failure(`spawn failed: ${first.message}`);
    if (first === "exited") throw failure(`exited with code ${child.exitCode ?? child.signalCode}`);
    if (first === "timeout") throw failure(`not ready after ${timeoutInMs} ms`);
    if (!(await canConnect(port))) throw failure("reported ready but does not accept connections");
    return { child, exited };
  } catch (error) {
    await stopChild({ child, exited });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function stopChild(running: Running, graceInMs = 5_000): Promise<void> {
  const { child, exited } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGINT");
  let timer: NodeJS.Timeout | undefined;
  const graceful = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceInMs))),
  ]);
  clearTimeout(timer);
  if (!graceful) {
    child.kill("SIGKILL");
    await exited;
  }
}

async function startWithFreePort(
  service: Service,
  requested: number | undefined,
  location: string | undefined,
  silent: boolean,
  timeoutInMs: number,
  accounts: readonly string[],
): Promise<{ running: Running; port: number }> {
  const attempts = requested ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    const port = requested || (await findFreePort());
    try {
      return { running: await startService(service, port, location, silent, timeoutInMs, accounts), port };
    } catch (error) {
      if (!(error instanceof AzuriteStartError && error.portInUse && attempt < attempts)) throw error;
    }
  }
}

export function azuriteConnectionString(tableUrl: string, queueUrl: string, account = AZURITE_ACCOUNT_NAME): string {
  return [
    "DefaultEndpointsProtocol=http",
    `AccountName=${account}`,
    `AccountKey=${AZURITE_ACCOUNT_KEY}`,
    `TableEndpoint=${tableUrl}`,
    `QueueEndpoint=${queueUrl}`,
  ].join(";");
}

/** Starts Azurite's table and queue services (in parallel) and resolves once both accept connections. */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<AzuriteInstance> {
  const silent = options.silent ?? true;
  const timeoutInMs = options.startTimeoutInMs ?? 15_000;
  const location = options.location ? resolve(options.location) : undefined;
  if (location) await mkdir(location, { recursive: true });
  const accounts = options.accounts ?? [];
  const invalid = accounts.find((name) => !/^[a-z0-9]{3,24}$/.test(name) || name === AZURITE_ACCOUNT_NAME);
  if (invalid !== undefined) throw new Error(`Azurite account '${invalid}': 3 to 24 lowercase letters and digits, other than ${AZURITE_ACCOUNT_NAME}`);

  const [table, queue] = SERVICES as [Service, Service];
  const results = await Promise.allSettled([
    startWithFreePort(table, options.tablePort, location, silent, timeoutInMs, accounts),
    startWithFreePort(queue, options.queuePort, location, silent, timeoutInMs, accounts),
  ]);
  const started = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.running] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed || results[0].status !== "fulfilled" || results[1].status !== "fulfilled") {
    await Promise.all(started.map((running) => stopChild(running)));
    throw failed?.reason ?? new Error("Azurite did not start");
  }
  const tablePort = results[0].value.port;
  const queuePort = results[1].value.port;
  const tableUrl = `http://${HOST}:${tablePort}/${AZURITE_ACCOUNT_NAME}`;
  const queueUrl = `http://${HOST}:${queuePort}/${AZURITE_ACCOUNT_NAME}`;
  let closing: Promise<void> | undefined;
  return {
    connectionString: azuriteConnectionString(tableUrl, queueUrl),
    connectionStringFor(account) {
      if (account !== AZURITE_ACCOUNT_NAME && !accounts.includes(account)) throw new Error(`Azurite was not started with the account '${account}'`);
      const url = (port: number) => `http://${HOST}:${port}/${account}`;
      return azuriteConnectionString(url(tablePort), url(queuePort), account);
    },
    tableUrl,
    queueUrl,
    tablePort,
    queuePort,
    close() {
      closing ??= Promise.all(started.map((running) => stopChild(running))).then(() => undefined);
      return closing;
    },
  };
}
