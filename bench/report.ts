/** The bench's results as a console summary and as docs/benchmarks.md. */
import type { Breakdown, ColdResults } from "./cold-suite.js";
import { COLD_COMMAND, COLD_VARIANTS } from "./cold-suite.js";
import type { MachineFacts } from "./machine.js";
import type { BenchOptions } from "./options.js";
import { spread } from "./stats.js";
import { variant } from "./variants.js";
import type { ServerLevel, WarmResults, WarmRow } from "./warm-suite.js";

export interface BenchResults {
  readonly facts: MachineFacts;
  readonly options: BenchOptions;
  readonly buildMs: number;
  readonly cold: ColdResults;
  readonly breakdown: Breakdown;
  readonly warm: WarmResults;
  readonly loadAtEnd: string;
}

export const COLD_TARGET_MS = 500;
export const WARM_P99_TARGET_RATIO = 1.25;

const ms = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "–");
const verdict = (ok: boolean): string => (ok ? "met" : "**missed**");

function table(head: readonly string[], rows: readonly (readonly string[])[], align: readonly ("l" | "r")[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(head), line(align.map((a) => (a === "r" ? "---:" : "---"))), ...rows.map(line)].join("\n");
}

/** Plain-text table for the console: the markdown one without pipes. */
function plain(markdown: string): string {
  const rows = markdown.split("\n").filter((l) => !/^\|[\s:|-]+\|$/.test(l)).map((l) => l.slice(2, -2).split(" | ").map((c) => c.replace(/\*\*/g, "").replace(/`/g, "")));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
}

function coldMedians(cold: ColdResults): Record<string, number> {
  return Object.fromEntries(COLD_VARIANTS.map((id) => [id, spread(cold.ms[id]).median]));
}

function coldTable(cold: ColdResults): string {
  const medians = coldMedians(cold);
  const rows = COLD_VARIANTS.map((id) => {
    const s = spread(cold.ms[id]);
    const isBot = id !== "bare";
    return [
      variant(id).label,
      ms(s.min),
      ms(s.median),
      ms(s.max),
      id === "bare" ? "1.00×" : ratio(s.median / medians["bare"]!),
      isBot ? verdict(s.median <= COLD_TARGET_MS) : "",
    ];
  });
  return table(["Process", "min ms", "median ms", "max ms", "median vs bare", `≤ ${COLD_TARGET_MS} ms`], rows, ["l", "r", "r", "r", "r", "l"]);
}

function breakdownTable(breakdown: Breakdown): string | undefined {
  const compiled = breakdown.compiled;
  if (!compiled) return undefined;
  const tsx = breakdown.tsx;
  const total = (steps: readonly { step: string; ms: number }[] | undefined, upTo: number): number =>
    (steps ?? []).slice(0, upTo).reduce((sum, s) => sum + s.ms, 0);
  // The start-up proper ends with the 1st slash command; the rows after it are for comparison.
  const startUp = compiled.findIndex((s) => s.step.startsWith("1st")) + 1;
  const rows = compiled.map((s, i) => [s.step, ms(s.ms), tsx?.[i] ? ms(tsx[i]!.ms) : "–"]);
  rows.splice(startUp, 0, ["**spawn → 1st ack (sum)**", `**${ms(total(compiled, startUp))}**`, tsx ? `**${ms(total(tsx, startUp))}**` : "–"]);
  return table(["Step (probe, median)", "compiled ms", "tsx ms"], rows, ["l", "r", "r"]);
}

const SERVER_NAMES = { bot: "bot", bare: "bare", write: "write alone" } as const;

function warmTable(rows: readonly WarmRow[]): string {
  const line = (row: WarmRow, who: keyof typeof SERVER_NAMES): string[] => {
    const level: ServerLevel = row[who];
    const first = who === "bot";
    const errors = `${level.errors}${level.errors ? ` (${Object.entries(level.errorKinds).map(([k, n]) => `${k}: ${n}`).join(", ")})` : ""}`;
    return [
      first ? row.verb : "",
      first ? String(row.concurrency) : "",
      SERVER_NAMES[who],
      `${level.count}${level.truncated ? "*" : ""}`,
      ms(level.p50, 2),
      ms(level.p90, 2),
      ms(level.p99, 2),
      ms(level.max, 1),
      ms(level.throughput),
      errors,
      first ? ratio(row.bot.p50 / row.bare.p50) : "",
      first ? ratio(row.bot.p99 / row.bare.p99) : "",
      first ? verdict(row.bot.p99 / row.bare.p99 <= WARM_P99_TARGET_RATIO) : "",
    ];
  };
  return table(
    ["Verb", "C", "Server", "ok", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s", "errors", "p50 ×bare", "p99 ×bare", `p99 ≤ ${WARM_P99_TARGET_RATIO}×`],
    rows.flatMap((row) => [line(row, "bot"), line(row, "bare"), line(row, "write")]),
    ["l", "r", "l", "r", "r", "r", "r", "r", "r", "l", "r", "r", "l"],
  );
}

/** "What dominates": derived from this run's numbers, so it cannot go stale. */
function reading(r: BenchResults): string {
  const lines = ["## What dominates", ""];
  const steps = r.breakdown.compiled;
  if (steps) {
    const upTo = steps.findIndex((s) => s.step.startsWith("1st")) + 1;
    const startUp = steps.slice(0, upTo);
    const total = startUp.reduce((sum, s) => sum + s.ms, 0);
    const sum = (filter: (step: string) => boolean): number => startUp.filter((s) => filter(s.step)).reduce((total, s) => total + s.ms, 0);
    const share = (value: number): string => `${ms(value)} ms (${ms((value / total) * 100)} %)`;
    const loading = sum((s) => s.startsWith("import") || s.startsWith("node start"));
    lines.push(
      `**Cold start (compiled, breakdown):** of ${ms(total)} ms, loading code takes ${share(loading)}, Node's own start-up` +
        ` ${ms(sum((s) => s.startsWith("node start")))} ms of it; the storage round trips of \`createBotRuntime\`` +
        ` ${share(sum((s) => s.startsWith("createBotRuntime")))}; the first request itself ${share(sum((s) => s.startsWith("1st")))}.` +
        ` The single largest step is \`import runtime\`: everything the composition root wires, loaded before the host listens —` +
        ` the two storage SDKs the ack path needs, and the ARM SDK, the metrics and scoring clients and @azure/identity, which only` +
        ` the queue worker's calls need (identity also the ack path, with identity-based storage). Bolt follows, lazily, on the first request.`,
      "",
    );
  }
  const lowest = Math.min(...r.warm.rows.map((row) => row.concurrency));
  for (const row of r.warm.rows.filter((row) => row.concurrency === lowest)) {
    lines.push(
      `**Warm, ${row.verb}, C=${lowest}:** bot p50 ${ms(row.bot.p50, 2)} ms = the storage write alone (${ms(row.write.p50, 2)} ms)` +
        ` + ${ms(row.bot.p50 - row.write.p50, 2)} ms of the bot's own work; the bare server answers in ${ms(row.bare.p50, 2)} ms.` +
        ` p99: bot ${ms(row.bot.p99, 2)}, write alone ${ms(row.write.p99, 2)}, bare ${ms(row.bare.p99, 2)} ms.`,
      "",
    );
  }
  const writeBound = r.warm.rows.filter((row) => row.write.p99 > WARM_P99_TARGET_RATIO * row.bare.p99).length;
  lines.push(
    `At ${writeBound} of ${r.warm.rows.length} levels the storage write ALONE has a p99 above ${WARM_P99_TARGET_RATIO}× the bare server's.` +
      " The bot waits for that write before it acks, by design (raw-http.receiver.ts: on a function host, work left after the response" +
      " is not guaranteed to run, so the job is enqueued, or the audit line written, before the answer goes out). While that is so, the" +
      " warm target as worded (p99 within 1.25× of a server that does no I/O) cannot be met by any framework; against Azure Storage," +
      " a few milliseconds away instead of on loopback, the gap is larger still. At higher concurrency the help rows follow the" +
      " write-alone rows: Azurite's table service (one Node process, in memory, on the same CPUs) is" +
      " the bottleneck there, not the bot.",
    "",
    "## What would move the numbers",
    "",
    "Not done by the bench, which changes no production code:",
    "",
    "- **Cold start: load less, later.** Import what only the worker uses (the ARM endpoint control with" +
      " @azure/arm-machinelearning and @azure/core-lro, the metrics and scoring clients, @azure/identity) on first use, as" +
      " the runtime already does for the Slack adapter and the chart renderer: with a connection string the ack path needs" +
      " none of them. And start importing the Slack adapter while `ensureAll` waits on storage, not after the first request.",
    "- **Cold start: ship one bundled file.** An esbuild bundle of the function host (esbuild is already in node_modules" +
      " through tsx; `@azure/functions-core` external) removes most of the module resolution and file reads; a one-off" +
      " measurement when this bench was written roughly halved the compiled cold start on this machine. On Azure's Node 22," +
      " `module.enableCompileCache()` caches compiled code between starts as well.",
    "- **Cold start in Azure: no table creation on the request path.** `createBotRuntime` creates the tables and queues" +
      " on every start (409s when they exist); provisioning them in deployment and skipping `ensureAll` there saves its" +
      " round trips, which cost more against Azure Storage than against Azurite. With identity-based storage the first" +
      " write also waits for a managed-identity token: request it at start-up, in parallel.",
    "- **`npm start`:** tsx's CLI starts a second node process and its loader slows every import; `node --import tsx`" +
      " skips the second process, running the compiled build skips both.",
    "- **Warm ack: the write before the answer is the floor.** To approach a bare server the ack would have to stop" +
      " waiting for storage (answer first and write after, which a function host does not guarantee to finish), or the" +
      " target should be restated against a baseline that does the same write (the \"write alone\" rows).",
  );
  return lines.join("\n");
}

export function renderConsole(r: BenchResults): string {
  const parts = ["Cold start (spawn → first 200 ack)", plain(coldTable(r.cold))];
  const breakdown = breakdownTable(r.breakdown);
  if (breakdown) parts.push("", "Cold-start breakdown", plain(breakdown));
  parts.push("", `Warm ack latency (queue worker ${r.options.worker})`, plain(warmTable(r.warm.rows)));
  return parts.join("\n");
}

export function renderMarkdown(r: BenchResults): string {
  const { facts, options, cold, warm } = r;
  const medians = coldMedians(cold);
  const warmMet = warm.rows.filter((row) => row.bot.p99 / row.bare.p99 <= WARM_P99_TARGET_RATIO).length;
  const errors = warm.rows.reduce((sum, row) => sum + row.bot.errors + row.bare.errors + row.write.errors, 0) + warm.warmUpErrors;
  const truncated = warm.rows.some((row) => row.bot.truncated || row.bare.truncated || row.write.truncated);
  const breakdown = breakdownTable(r.breakdown);
  return `# Benchmarks: the Slack ack path

Generated by \`npm run bench\` on ${facts.date}; rerun it rather than editing this file. The bench compares the
bot's Slack ack path with a bare \`node:http\` server that does the same signature check, side by side on the
same machine, in the same run.

## Targets

| Target | This run | |
| --- | --- | --- |
| Cold start ≤ ${COLD_TARGET_MS} ms (compiled JS, as Azure runs it) | median ${ms(medians["compiled"]!)} ms | ${verdict(medians["compiled"]! <= COLD_TARGET_MS)} |
| Cold start ≤ ${COLD_TARGET_MS} ms (tsx, as \`npm start\`) | median ${ms(medians["tsx"]!)} ms | ${verdict(medians["tsx"]! <= COLD_TARGET_MS)} |
| Warm p99 ≤ ${WARM_P99_TARGET_RATIO}× the bare server's | ${warmMet} of ${warm.rows.length} levels | ${verdict(warmMet === warm.rows.length)} |

Every request was answered 200 with the expected ack: ${errors === 0 ? "yes (0 errors)" : `**no: ${errors} errors** (see the tables)`}.

## Machine

| | |
| --- | --- |
| CPU | ${facts.cpuModel} × ${facts.cpuCount} (\`os.cpus()\`) |
| Memory | ${facts.memoryGiB} GiB |
| OS | ${facts.os} |
| Node | ${facts.node} |
| Code | ${facts.commit} |
| Load average (1, 5, 15 min) | ${facts.loadAverage} at the start, ${r.loadAtEnd} at the end (the bench itself keeps about 1–2 busy) |

Everything runs on this machine, on 127.0.0.1: the measured server, the load generator, Azurite and the emulator
share its ${facts.cpuCount} CPUs, so absolute numbers are for comparing runs and variants here, not for predicting Azure. Other
work on the machine during a run (a load average well above the bench's own at the start) shows up as outliers, mostly
in the max and p99 columns; the variants are interleaved so that it spreads over all of them.

## Cold start

Wall time from \`spawn()\` of a fresh Node process to the first 200 ack of a signed
\`/aml ${COLD_COMMAND}\` (a slow verb: the ack path includes the job's queue write). The client retries the
connection every 2 ms until the port answers. ${options.runs} runs per variant, interleaved, after one unmeasured
priming start each (warm OS file cache and tsx cache; Azurite's tables and queues already exist, as in Azure).

- **bot, compiled JS**: \`node dist-bench/bench/function-host.js\`, the app compiled by \`tsc\` before anything is
  measured. Only the function host: \`createBotRuntime\` + \`startLocalHost\` (HTTP routes and queue worker), with
  the environment pointing at the Azurite, AML emulator and Slack stand-in the bench keeps running.
- **bot, tsx**: the same entry through tsx's CLI, as \`npm start\` runs the app (without npm's own start-up).
- **bare node:http**: \`node dist-bench/bench/bare-server.js\`: reads the body, checks the signature
  (HMAC-SHA256 of \`v0:<ts>:<body>\`, constant-time compare, 5-minute window), reads the form and answers the
  same ack JSON the bot sent. The floor: Node's own start-up plus a listening socket.

${coldTable(cold)}
${
  breakdown
    ? `
### Where the cold start goes

A probe (\`bench/cold-probe.ts\`) runs the same start-up step by step, importing each part dynamically so it can
be timed, median of ${options.probeRuns} runs after a priming run. Each step is charged with the modules it loads first.
The first step is measured from the bench's \`spawn()\` and includes process creation and Node's (and tsx's) start-up.
The Slack adapter (Bolt) is loaded lazily by the first Slack request in the real host; the probe loads it just
before, to show it separately.

${breakdown}
`
    : ""
}
## Warm ack latency

One long-lived process of each: the bot (compiled) and the bare server, warmed up with ${300} requests per verb.
Then, per verb and concurrency level C, ${options.requests} fresh signed slash commands (at most
${options.maxSecondsPerLevel} s) to the bot, then the same to the bare server: C clients in a closed loop over
keep-alive connections (\`node:http\` agents), requests signed before the clock starts. Latency is from writing
the request to the end of the response body.

- **help (inline)**: \`/aml help\`, answered in the ack: signature, Bolt, \`plan\`, Block Kit rendering, and the
  audit line (\`TableAuditLog.append\`: two Azure Tables upserts in parallel) before the answer.
- **show (ack + queue)**: \`/aml show fraud-scorer\`, a slow verb: the "⏳" ack plus the job's queue write.
  ${
    options.worker === "off"
      ? `Jobs each level added to the jobs queue, as proof the writes happened: ${warm.rows
          .filter((row) => row.queued !== undefined)
          .map((row) => `${row.queued} for ${row.bot.count} acks at C=${row.concurrency}`)
          .join(", ")}. They are left there (clearing thousands of messages makes Azurite's queue GC stall the service later; see bench/warm-suite.ts).`
      : ""
  }

Queue worker: **${options.worker}**. ${
    options.worker === "off"
      ? "The measured host's queue worker polls an empty queue of its own (it idles, backing off, as between bursts) instead of running the jobs the acks enqueue: this measures the ack path, which is what the bare server is compared with. With the worker on, every `show` would also run an ARM read against the emulator and a `response_url` post in the same process (and the emulator and stand-in in the load generator's process), competing for the same CPUs, and a backlog of thousands of jobs would run on into the following levels; `BENCH_WORKER=on` shows that, best with a small `BENCH_REQUESTS`."
      : "The measured host's queue worker runs the jobs the acks enqueue (an ARM read against the emulator and a `response_url` post per `show`), in the same process as the ack path, so their CPU is part of the numbers."
  }

${warmTable(warm.rows)}
${truncated ? "\n\\* Time limit reached before all requests were sent.\n" : ""}
"p50 ×bare" and "p99 ×bare" are the bot's percentile divided by the bare server's at the same verb and C.
"write alone" is the reference: the storage write that verb's ack waits for, alone, at the same C, from the bench
process through the app's own classes (\`JobQueue.enqueue\` for \`show\`; \`TableAuditLog.append\`, two upserts
in parallel, for \`help\`), with no HTTP server or Bolt in front of it.

${reading(r)}

## Reproduce

\`\`\`sh
npm run bench
\`\`\`

It compiles to \`dist-bench/\` (about ${Math.round(r.buildMs / 1000)} s, not measured), starts Azurite, the emulator and the
Slack stand-in once, runs the cold starts, the breakdown probe and the warm levels, prints the tables and rewrites
this file. Nothing leaves 127.0.0.1; every child process is killed at the end, on errors and on Ctrl+C.

| Variable | Default | This run | Meaning |
| --- | --- | --- | --- |
| \`BENCH_RUNS\` | 7 | ${options.runs} | Measured cold starts per variant |
| \`BENCH_PROBE_RUNS\` | 3 | ${options.probeRuns} | Breakdown probe runs per bot variant (0 = skip) |
| \`BENCH_REQUESTS\` | 2000 | ${options.requests} | Requests per warm level |
| \`BENCH_CONCURRENCY\` | 1,8,32 | ${options.concurrency.join(",")} | Warm concurrency levels |
| \`BENCH_MAX_SECONDS\` | 10 | ${options.maxSecondsPerLevel} | Time limit per warm level |
| \`BENCH_WORKER\` | off | ${options.worker} | \`on\`: the measured host's queue worker runs the enqueued jobs |
| \`BENCH_DOCS\` | docs/benchmarks.md | ${options.docsFile || "(none)"} | Where to write this file; empty = do not write |
`;
}
