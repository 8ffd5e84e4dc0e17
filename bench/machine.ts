/** Facts about the machine and the code a run measured, for the results file. */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, platform, release, totalmem } from "node:os";

export interface MachineFacts {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1, 5 and 15-minute load averages when the run started; other work on the machine shows here. */
  readonly loadAverage: string;
  readonly commit: string;
  readonly date: string;
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

export function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(2)).join(" ");
}

export function machineFacts(): MachineFacts {
  const cores = cpus();
  const head = git(["rev-parse", "--short", "HEAD"]);
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]);
  return {
    cpuModel: cores[0]?.model.trim() ?? "unknown",
    cpuCount: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    loadAverage: loadAverage(),
    commit: head ? `${head}${dirty ? " (with uncommitted changes)" : ""}` : "unknown",
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}
