/** Bench settings from the environment. The defaults take about ten minutes on this busy 2-core machine. */

export interface BenchOptions {
  /** Measured cold starts per variant (after one unmeasured priming start each): 15 rounds, so a median holds when the machine is busy. */
  readonly runs: number;
  /** Runs of the cold-start breakdown probe per variant. */
  readonly probeRuns: number;
  /** Requests per warm level (per verb, per concurrency, per server). */
  readonly requests: number;
  readonly concurrency: readonly number[];
  /**
   * Slices of a warm level: each server's requests are cut into this many runs, taken by the servers in turn, so a
   * burst of other work or Azurite slowing down as its tables grow falls on all of them alike.
   */
  readonly slices: number;
  /** Time limit of one warm level. */
  readonly maxSecondsPerLevel: number;
  /** `off`: the measured host's queue worker idles (default); `on`: it runs the jobs the acks enqueue. */
  readonly worker: "off" | "on";
  /** `off`: skip the digest measurement (Azure Monitor calls of a 500-endpoint workspace). */
  readonly digest: "on" | "off";
  /** `off`, or how many concurrent promotions (BENCH_PROMOTIONS, default 100): see promotions.bench.ts. */
  readonly promotions: number | "off";
  /** Where the results go; empty = do not write. */
  readonly docsFile: string;
}

function int(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got '${raw}'.`);
  return value;
}

export function readOptions(): BenchOptions {
  const concurrencyText = process.env["BENCH_CONCURRENCY"] || "1,8,32";
  const concurrency = concurrencyText.split(",").map((part) => Number(part.trim()));
  if (concurrency.some((c) => !Number.isInteger(c) || c < 1 || c > 256)) {
    throw new Error(`BENCH_CONCURRENCY must be a comma-separated list of whole numbers from 1 to 256, got '${concurrencyText}'.`);
  }
  const worker = process.env["BENCH_WORKER"] || "off";
  if (worker !== "off" && worker !== "on") throw new Error(`BENCH_WORKER must be 'off' or 'on', got '${worker}'.`);
  const digest = process.env["BENCH_DIGEST"] || "on";
  if (digest !== "off" && digest !== "on") throw new Error(`BENCH_DIGEST must be 'off' or 'on', got '${digest}'.`);
  return {
    runs: int("BENCH_RUNS", 15, 1, 100),
    probeRuns: int("BENCH_PROBE_RUNS", 3, 0, 20),
    requests: int("BENCH_REQUESTS", 2_000, 10, 1_000_000),
    concurrency,
    slices: int("BENCH_SLICES", 10, 1, 100),
    maxSecondsPerLevel: int("BENCH_MAX_SECONDS", 10, 1, 600),
    worker,
    digest,
    promotions: promotionsOption(),
    docsFile: process.env["BENCH_DOCS"] ?? "docs/benchmarks.md",
  };
}

/** BENCH_PROMOTIONS: `off`, or how many promotions run at once (default 100). */
export function promotionsOption(): number | "off" {
  const raw = process.env["BENCH_PROMOTIONS"] || "100";
  if (raw === "off") return "off";
  return int("BENCH_PROMOTIONS", 100, 1, 500);
}
