/** The bench's results as a console summary and as docs/benchmarks.md. */
import type { ColdResults, TeamsColdResults, WorkerVariant, Breakdown } from "./cold-suite.js";
import { COLD_COMMAND, COLD_VARIANTS, TEAMS_COLD_TEXT } from "./cold-suite.js";
import { TEAMS_COLD_TARGET_MS, breakdownLoad, breakdownTable, coldMedians, coldTable, cpuMedian, pairedRatio, standInTable, teamsTable } from "./report-cold.js";
import { load1, loadRange, ms, plain, ratio, table, verdict } from "./report-format.js";
import type { MachineFacts } from "./machine.js";
import { COLD_START_HISTORY } from "./report-history.js";
import type { BenchOptions } from "./options.js";
import { median } from "./stats.js";
import { BUNDLED_APP_DIR, boltVersion } from "./variants.js";
import { WARM_SERVERS, type ServerLevel, type WarmResults, type WarmRow, type WarmServer } from "./warm-suite.js";

export interface BenchResults {
  readonly facts: MachineFacts;
  readonly options: BenchOptions;
  readonly buildMs: number;
  readonly cold: ColdResults;
  readonly teamsCold: TeamsColdResults;
  readonly breakdown: Breakdown;
  readonly warm: WarmResults;
  readonly loadAtEnd: string;
}

/** The bundled bot's cold start, as a ratio of hello-world Bolt's median, in the same run. */
export const COLD_RATIO_TARGET = 1.0;
/** The bot's warm p99, as a ratio of hello-world Bolt plus the same storage write, per level. */
export const WARM_P99_TARGET_RATIO = 1.25;

const SERVER_NAMES: Record<WarmServer | "write", string> = {
  bot: "bot (bundled)",
  botDirect: "bot, no programming model",
  boltWrite: "Bolt + write",
  bolt: "hello-world Bolt",
  bare: "bare",
  write: "write alone",
};

function warmTable(rows: readonly WarmRow[]): string {
  const line = (row: WarmRow, who: WarmServer | "write"): string[] => {
    const level: ServerLevel = row[who];
    const first = who === "bot";
    const compared = who === "bot" || who === "botDirect";
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
      ms(level.cpuPerRequestMs, 2),
      errors,
      compared ? ratio(level.p50 / row.boltWrite.p50) : "",
      compared ? ratio(level.p99 / row.boltWrite.p99) : "",
      first ? verdict(row.bot.p99 / row.boltWrite.p99 <= WARM_P99_TARGET_RATIO) : "",
      first ? row.load.split(" ")[0]! : "",
    ];
  };
  return table(
    ["Verb", "C", "Server", "ok", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s", "CPU ms/req", "errors", "p50 ×(Bolt+write)", "p99 ×(Bolt+write)", `p99 ≤ ${WARM_P99_TARGET_RATIO}×`, "load (1 min)"],
    rows.flatMap((row) => [...WARM_SERVERS.map((server) => line(row, server)), line(row, "write")]),
    ["l", "r", "l", "r", "r", "r", "r", "r", "r", "r", "l", "r", "r", "l", "r"],
  );
}

/** "What dominates": derived from this run's numbers, so it cannot go stale. */
function reading(r: BenchResults): string {
  const medians = coldMedians(r.cold);
  const marks = (id: WorkerVariant): { entries: number; listening: number } => ({
    entries: median(r.cold.marks[id].map((m) => m.entriesLoadedAt)),
    listening: median(r.cold.marks[id].map((m) => m.listeningAt)),
  });
  const bundled = marks("bundled");
  const lines = [
    "## What dominates",
    "",
    `**Cold start:** bundled ${ms(medians.bundled)} ms against hello-world Bolt's ${ms(medians.bolt)} ms (${ratio(medians.bundled / medians.bolt)}) and` +
      ` the same entries not bundled ${ms(medians.compiled)} ms (${ratio(medians.compiled / medians.bolt)}); the bare server ${ms(medians.bare)} ms is Node's own start-up and a socket.` +
      ` In the bundled bot, the worker stand-in has imported the entries ${ms(bundled.entries)} ms after its process started and listens at` +
      ` ${ms(bundled.listening)} ms; the first request then costs ${ms(medians.bundled - bundled.listening)} ms: importing the runtime's chunks (config, the core,` +
      " the two storage SDKs; no storage round trip before the ack's own), the Slack adapter's chunk (Bolt without the packages only" +
      " its own receivers use, @slack/web-api on the global fetch), and the ack with its queue write. Hello-world Bolt loads all of" +
      " Bolt, unbundled, and does no storage I/O at all; the bot also loads @azure/functions, which the worker calls it through, and" +
      " zod (English only), which the entries already import.",
    "",
  ];
  const lowest = Math.min(...r.warm.rows.map((row) => row.concurrency));
  for (const row of r.warm.rows.filter((row) => row.concurrency === lowest)) {
    lines.push(
      `**Warm, ${row.verb}, C=${lowest} (load ${row.load.split(" ")[0]}):** bot p50 ${ms(row.bot.p50, 2)} ms, Bolt + write ${ms(row.boltWrite.p50, 2)} ms, hello-world Bolt` +
        ` ${ms(row.bolt.p50, 2)} ms, the write alone ${ms(row.write.p50, 2)} ms, bare ${ms(row.bare.p50, 2)} ms.` +
        ` p99: bot ${ms(row.bot.p99, 2)}, Bolt + write ${ms(row.boltWrite.p99, 2)}, Bolt ${ms(row.bolt.p99, 2)}, write alone ${ms(row.write.p99, 2)}, bare ${ms(row.bare.p99, 2)} ms.` +
        ` CPU per request: bot ${ms(row.bot.cpuPerRequestMs, 2)} ms, Bolt + write ${ms(row.boltWrite.cpuPerRequestMs, 2)} ms.`,
      "",
    );
  }
  lines.push(
    "Warm, the bot does more than Bolt + write on each request: the Functions programming model's conversions (the" +
      " host's request into an `HttpRequest` over undici's `Request` and its stream, the answer back through a `Response`), the" +
      " core's `plan`, the rendering of the reply and the job's validation. The row \"bot, no programming model\" is the same" +
      " bundle with its handler called directly (bench/functions-worker.ts, BENCH_DIRECT): what is left of the gap there is the" +
      " app's own. CPU per request, bot / without the model / Bolt + write: " +
      r.warm.rows.map((row) => `${row.verb.split(" ")[0]} C=${row.concurrency} ${ms(row.bot.cpuPerRequestMs, 2)} / ${ms(row.botDirect.cpuPerRequestMs, 2)} / ${ms(row.boltWrite.cpuPerRequestMs, 2)} ms`).join(", ") +
      ". Where a server's one thread is the bottleneck (show at C=8 and 32), its latency follows its CPU per request.",
    "",
    "The bot waits for its storage write before it acks, by design (raw-http.receiver.ts: on a function host, work left after the" +
      " response is not guaranteed to run), so its reference is Bolt doing the same write before its ack. At higher concurrency" +
      " every server that writes follows the write-alone rows: Azurite (one Node process, in memory, on the same 2 CPUs as the" +
      " servers and the load generator) is the bottleneck there.",
    "",
  );
  lines.push(COLD_START_HISTORY);
  return lines.join("\n");
}

export function renderConsole(r: BenchResults): string {
  const parts = ["Cold start (spawn → first 200 ack)", plain(coldTable(r.cold)), "", "Worker stand-in", plain(standInTable(r.cold))];
  parts.push("", `Teams: spawn → answer to 'aml ${TEAMS_COLD_TEXT}'`, plain(teamsTable(r.teamsCold)));
  const breakdown = breakdownTable(r.breakdown);
  if (breakdown) parts.push("", "Cold-start breakdown (modules not bundled)", plain(breakdown));
  parts.push("", `Warm ack latency (queue worker ${r.options.worker})`, plain(warmTable(r.warm.rows)));
  return parts.join("\n");
}

export function renderMarkdown(r: BenchResults): string {
  const { facts, options, cold, warm, teamsCold } = r;
  const medians = coldMedians(cold);
  const warmMet = warm.rows.filter((row) => row.bot.p99 / row.boltWrite.p99 <= WARM_P99_TARGET_RATIO).length;
  const directMet = warm.rows.filter((row) => row.botDirect.p99 / row.boltWrite.p99 <= WARM_P99_TARGET_RATIO).length;
  const missed = warm.rows.filter((row) => row.bot.p99 / row.boltWrite.p99 > WARM_P99_TARGET_RATIO);
  const errors = warm.rows.reduce((sum, row) => sum + [...WARM_SERVERS.map((s) => row[s].errors), row.write.errors].reduce((a, b) => a + b, 0), 0) + warm.warmUpErrors;
  const truncated = warm.rows.some((row) => [...WARM_SERVERS.map((s) => row[s]), row.write].some((level) => level.truncated));
  const breakdown = breakdownTable(r.breakdown);
  const teamsMedian = median(teamsCold.ms.bundled);
  const warmLoads = warm.rows.map((row) => load1(row.load));
  return `# Benchmarks: the Slack ack path

Generated by \`npm run bench\` on ${facts.date}; rerun it rather than editing this file. The bench compares the
bot's Slack ack path with a hello-world Bolt app and a bare \`node:http\` server doing the same signature check,
side by side on the same machine, in the same run. Other sessions ran their test suites on this machine during the
run: the load average beside each figure says how busy it was (2 CPUs; the bench itself keeps about 1–2 busy).

## Targets

| Target | This run | Load (1 min) | |
| --- | --- | ---: | --- |
| Cold start of the bundled bot ≤ ${COLD_RATIO_TARGET.toFixed(1)}× hello-world Bolt's (medians) | ${ms(medians.bundled, 1)} ms / ${ms(medians.bolt, 1)} ms = ${(medians.bundled / medians.bolt).toFixed(3)}× (paired by round ${ratio(pairedRatio(cold.ms.bundled, cold.ms.bolt))}; CPU at the ack ${ms(cpuMedian(cold, "bundled"))} / ${ms(cpuMedian(cold, "bolt"))} ms = ${ratio(cpuMedian(cold, "bundled") / cpuMedian(cold, "bolt"))}) | ${loadRange(cold.load)} | ${verdict(medians.bundled / medians.bolt <= COLD_RATIO_TARGET)} |
| Warm ack p99 ≤ ${WARM_P99_TARGET_RATIO}× Bolt + the same storage write | ${warmMet} of ${warm.rows.length} levels${missed.length ? ` (missed: ${missed.map((row) => `${row.verb.split(" ")[0]} C=${row.concurrency} ${ratio(row.bot.p99 / row.boltWrite.p99)}`).join(", ")})` : ""}; the same bundle without the Functions programming model: ${directMet} of ${warm.rows.length} | ${loadRange(warmLoads)} | ${verdict(warmMet === warm.rows.length)} |
| A Teams message right after a cold start answered ≤ ${(TEAMS_COLD_TARGET_MS / 1000).toFixed(1)} s (bundled, median) | ${ms(teamsMedian)} ms | ${loadRange([load1(teamsCold.loadAtStart), load1(teamsCold.loadAtEnd)])} | ${verdict(teamsMedian <= TEAMS_COLD_TARGET_MS)} |

Every request was answered 200 with the expected ack: ${errors === 0 ? "yes (0 errors)" : `**no: ${errors} errors** (see the tables)`}.

## Machine

| | |
| --- | --- |
| CPU | ${facts.cpuModel} × ${facts.cpuCount} (\`os.cpus()\`) |
| Memory | ${facts.memoryGiB} GiB |
| OS | ${facts.os} |
| Node | ${facts.node} |
| Code | ${facts.commit} |
| Load average (1, 5, 15 min) | ${facts.loadAverage} at the start, ${r.loadAtEnd} at the end |

Everything runs on this machine, on 127.0.0.1: the measured server, the load generator, Azurite and the emulator
share its ${facts.cpuCount} CPUs, so absolute numbers are for comparing runs and variants here, not for predicting Azure. Other
work on the machine during a run shows up as outliers, mostly in the max and p99 columns; the variants are
interleaved (cold starts by round; warm levels by slices of requests) so that it spreads over all of them, and the
ratios are the figures to read.

## Cold start

Wall time from \`spawn()\` of a fresh Node process to the first 200 ack of a signed
\`/aml ${COLD_COMMAND}\` (a slow verb: the ack path includes the job's queue write). The client retries the
connection every 2 ms until the port answers. ${options.runs} runs per variant, interleaved (each round in the
order below, the next in the reverse order), after one unmeasured
priming start each (warm OS file cache and tsx cache). The bench creates the bot's tables and queues in Azurite
before the first start, as deploy/main.bicep creates them in Azure: no start creates any.

- **bot, bundled**: what \`npm run package\` deploys (host.json, package.json, the esbuild bundle), unpacked to
  \`${BUNDLED_APP_DIR.replace(/^.*?aml-chatops-bench/, "$TMPDIR/aml-chatops-bench")}\`, outside the repository so nothing resolves from its node_modules, and run by
  \`bench/functions-worker.ts\`: a stand-in for the Azure Functions Node worker. Like the worker it answers
  \`require("@azure/functions-core")\`, imports every file package.json's \`main\` names (each entry registers its
  triggers with \`app.http\`, \`app.storageQueue\`, \`app.timer\`), and invokes a function through the programming
  model \`@azure/functions\` set (the host's RPC shapes in and out); it listens under \`/api/\`. The environment
  points at the Azurite, AML emulator and Slack and Teams stand-ins the bench keeps running.
- **bot, tsc output**: the same entries compiled by \`tsc\` and not bundled (each module read from its own file,
  packages from node_modules), in the same worker stand-in: the cold start before the bundle.
- **bot, tsx**: \`bench/function-host.ts\` (the runtime + the local host) through tsx's CLI, as \`npm start\` runs
  the app (without npm's own start-up).
- **hello-world Bolt**: \`bench/hello-bolt.ts\`, compiled, on the bot's own Bolt (@slack/bolt ${boltVersion()}, the
  project's package: what a team would write today with the same Bolt): Bolt's own \`HTTPReceiver\` (its signature
  check), the bot ids given (no \`auth.test\`), one listener that acks every slash command with the ack the bot sent.
  No storage.
- **bare node:http**: \`bench/bare-server.ts\`: reads the body, checks the signature (HMAC-SHA256 of
  \`v0:<ts>:<body>\`, constant-time compare, 5-minute window), reads the form and answers the same ack JSON. The
  floor: Node's own start-up plus a listening socket.

${coldTable(cold)}

"median ×Bolt" is the target's figure: the variant's median over hello-world Bolt's. "paired ×Bolt" is the median,
over the rounds, of the variant's start divided by Bolt's in the same round: a burst of other work on the machine
then slows both sides of a pair rather than one variant's median. "CPU ms" is the measured process's CPU time (all
its threads, from \`/proc\`) when its first ack was in, which the machine's load stretches far less than the wall
time (not for tsx, whose CLI runs the app in a second process). The load column is the range of the 1-minute load
average at the start of each round of ${COLD_VARIANTS.length} starts.

### Where the bundled cold start goes

The worker stand-in prints when it has imported the entries and when it listens (its own clock, from its process
start); the rest, to the first ack, is the first request. Same runs as above (load ${loadRange(cold.load)}).

${standInTable(cold)}

### A Teams message right after a cold start

\`aml ${TEAMS_COLD_TEXT}\` from a Teams user (a Bot Framework message activity, as \`npm run teams\` sends it; local mode,
so no JWT), sent to a freshly started bot the same way as the slash command above: spawn → HTTP 200, by which the
bot has loaded the Teams adapter's chunk (botbuilder), started the runtime and posted the help card to the connector
stand-in (checked). ${options.runs} runs per variant after a priming start.

${teamsTable(teamsCold)}
${
  breakdown
    ? `
### Where the cold start went before the bundle

A probe (\`bench/cold-probe.ts\`) runs the start-up of the modules as tsc and tsx leave them (not bundled) step by
step, importing each part dynamically so it can be timed, median of ${options.probeRuns} runs after a priming run. Each step is
charged with the modules it loads first. The first step is measured from the bench's \`spawn()\` and includes
process creation and Node's (and tsx's) start-up. The Slack adapter (Bolt) is loaded lazily by the first Slack
request in the real host; the probe loads it just before, to show it separately. Load average (1 min) during the
probe runs: ${breakdownLoad(r.breakdown)}.

${breakdown}
`
    : ""
}
## Warm ack latency

One long-lived process of each server, warmed up with ${300} requests per verb: the bot (bundled, in the worker
stand-in), the same bundle with its handler called without the Functions programming model (a measurement of that
model's share, not a way to run the app; on an Azurite account of its own, so that the bot's audit partitions grow
with one server's requests only), **Bolt + write** (hello-world Bolt that first does the storage write the bot's ack waits for, through
the app's own classes: the target's reference), hello-world Bolt and the bare server. Then, per verb and
concurrency level C, ${options.requests} fresh signed slash commands (at most ${options.maxSecondsPerLevel} s) to each server, interleaved: cut into ${options.slices}
slices that the servers (and the write alone) take in turn, each slice in the reverse order of the one before. C
clients in a closed loop over keep-alive connections (\`node:http\` agents, new for each slice), requests signed
before the clock starts. Latency is from writing the request to the end of the response body.

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
      ? "The worker stand-in runs no queue trigger (in Azure the host, not the Node process, polls the queue), so the jobs the acks enqueue wait in the queue: this measures the ack path. With `BENCH_WORKER=on` the stand-in polls the jobs queue like the local host and runs each job in the bot's process (an ARM read against the emulator and a `response_url` post per `show`), competing for the same CPUs; best with a small `BENCH_REQUESTS`."
      : "The worker stand-in polls the jobs queue like the local host and runs the jobs the acks enqueue (an ARM read against the emulator and a `response_url` post per `show`), in the same process as the ack path, so their CPU is part of the numbers."
  }

${warmTable(warm.rows)}
${truncated ? "\n\\* Time limit reached before all requests were sent.\n" : ""}
"p50 ×(Bolt+write)" and "p99 ×(Bolt+write)" are the bot's percentile divided by Bolt + write's at the same verb
and C. "write alone" is the storage write of that verb alone, at the same C, from the bench process through the
app's own classes (\`JobQueue.enqueue\` for \`show\`; \`TableAuditLog.append\`, two upserts in parallel, for \`help\`),
with no HTTP server or Bolt in front of it. "CPU ms/req" is the server process's CPU time (all its threads, from
\`/proc\`) over the level divided by the requests it answered: the work each request costs, which the machine's load
stretches far less than the latencies (not measured for the write alone, which runs in the bench process beside
Azurite). Why slices: Azurite keeps a table in memory and an upsert into a partition gets slower as it grows (each
\`help\` adds two audit rows to the same two partitions; one server's p50 went from 3.5 to 7 ms over three runs of
2000 in a row), and other work on the machine comes in bursts; run back to back, whichever server went second paid
for both. The load column is the 1-minute load average when the level started.

${reading(r)}

## Reproduce

\`\`\`sh
npm run bench
\`\`\`

It compiles to \`dist-bench/\` and bundles the app as \`npm run package\` does (together about ${Math.round(r.buildMs / 1000)} s, not
measured), starts Azurite, the emulator and the Slack and Teams stand-ins once, runs the cold starts, the Teams
cold starts, the breakdown probe and the warm levels, prints the tables and rewrites this file. Nothing leaves
127.0.0.1; every child process is killed at the end, on errors and on Ctrl+C.

| Variable | Default | This run | Meaning |
| --- | --- | --- | --- |
| \`BENCH_RUNS\` | 15 | ${options.runs} | Measured cold starts per variant (Slack and Teams) |
| \`BENCH_PROBE_RUNS\` | 3 | ${options.probeRuns} | Breakdown probe runs per unbundled variant (0 = skip) |
| \`BENCH_REQUESTS\` | 2000 | ${options.requests} | Requests per warm level and server |
| \`BENCH_CONCURRENCY\` | 1,8,32 | ${options.concurrency.join(",")} | Warm concurrency levels |
| \`BENCH_SLICES\` | 10 | ${options.slices} | Slices a warm level's requests are cut into, taken by the servers in turn |
| \`BENCH_MAX_SECONDS\` | 10 | ${options.maxSecondsPerLevel} | Time limit per warm level and server (shared by its slices) |
| \`BENCH_WORKER\` | off | ${options.worker} | \`on\`: the worker stand-in runs the enqueued jobs |
| \`BENCH_DIGEST\` | on | ${options.digest} | \`off\`: skip the digest measurement below |
| \`BENCH_PROMOTIONS\` | 100 | ${options.promotions} | Concurrent promotions measured below; \`off\` = skip |
| \`BENCH_DOCS\` | docs/benchmarks.md | ${options.docsFile || "(none)"} | Where to write this file; empty = do not write |

The smallest run, to try a change: \`BENCH_RUNS=1 BENCH_PROBE_RUNS=0 BENCH_REQUESTS=10 BENCH_CONCURRENCY=1 BENCH_DIGEST=off BENCH_PROMOTIONS=off BENCH_DOCS= npm run bench\`.
`;
}
