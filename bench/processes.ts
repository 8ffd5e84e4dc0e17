/**
 * Child processes of the bench. Each child gets its own process group (`detached`), so killing the group also
 * kills what it started (the tsx CLI runs the script in a second node process). Every live group is killed on
 * exit, on SIGINT/SIGTERM and on errors; the children also watch the bench's pid (parent-watchdog.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

const TAIL_LINES = 30;
const live = new Set<ChildProcess>();

export interface Child {
  readonly pid: number;
  /** The last lines of stdout and stderr, for error messages. */
  tail(): string;
  /** Lines the child wrote to stdout so far. */
  readonly stdout: string[];
  readonly exited: Promise<number | null>;
  /** SIGKILLs the child's process group and waits for the child to exit. */
  kill(): Promise<void>;
}

export function spawnChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`could not start ${command} ${args.join(" ")}`);
  const pid = child.pid;
  live.add(child);
  const tail: string[] = [];
  const stdout: string[] = [];
  const keep = (into: string[] | undefined) => (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line) continue;
      into?.push(line);
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    }
  };
  // Always drain both pipes: a child blocked on a full pipe would be measured as slow.
  child.stdout.on("data", keep(stdout));
  child.stderr.on("data", keep(undefined));
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  return {
    pid,
    stdout,
    exited,
    tail: () => tail.join("\n"),
    async kill() {
      killGroup(child);
      await exited;
    },
  };
}

function killGroup(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Synchronous, for `exit` handlers. */
export function killAllChildren(): void {
  for (const child of live) killGroup(child);
}

/**
 * A live process's CPU time so far, all threads: the sum of each thread's time on a CPU in nanoseconds
 * (`/proc/<pid>/task/<tid>/schedstat`, first field), finer than the 10 ms ticks of `/proc/<pid>/stat`. A thread
 * that has already exited is not counted; Node's (V8's platform workers, libuv's pool) live as long as the process.
 */
export function cpuTimeMs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    }
    return ns / 1e6;
  } catch {
    return Number.NaN;
  }
}
