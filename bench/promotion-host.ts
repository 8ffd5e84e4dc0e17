/**
 * Child process of the promotions bench: the bot's runtime (`createRuntime`, Azure Tables and the job queue in
 * Azurite, ARM and Azure Monitor through the real SDK clients against the emulator) with a queue worker standing in
 * for the Functions queue trigger as host.json configures it, in a process of its own as a Functions worker is.
 *
 * It starts the promotions itself, through the core as a Slack user would (`aml promote …`, then Apply), then runs
 * their transitions from the queue and reports over IPC: each delivery (job id, kind, when it was queued, when the
 * worker got it and finished it, what the job runner did), and the promotion rows once every one is over.
 *
 * Environment: the bench's host environment (services.ts), plus BENCH_PROMOTION_ENDPOINTS (comma-separated),
 * BENCH_PROMOTION_COMMAND (the arguments after the endpoint), BENCH_PROMOTION_WORKERS (messages in flight).
 */
import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import type { Promotion } from "../commands/ports/promotions.port.js";
import type { Logger } from "../commands/ports/logger.port.js";
import { createRuntime } from "../src/compose.js";
import { loadConfig } from "../src/config/config.js";
import { QueuePoller } from "../src/storage/queue-poller.js";
import { poisonQueueName } from "../src/storage/storage-clients.js";
import { TableJobLedger } from "../src/storage/table.job-ledger.js";
import { exitWithParent } from "./parent-watchdog.js";

exitWithParent();

export interface PromotionDelivery {
  readonly jobId: string;
  readonly kind: string;
  readonly watchdog: boolean;
  readonly messageId: string;
  readonly dequeueCount: number;
  /** When the job was first queued, and its payload's promotion and transition (follow-ups). */
  readonly enqueuedAt: string;
  readonly promotionId?: string;
  readonly transition?: number;
  /** Epoch milliseconds, this process's clock (the same machine's as the emulator's). */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: string;
  /** Run where it was started (a promotion's first step, in its Apply), not delivered by the queue. */
  readonly inline?: boolean;
}

export type PromotionHostMessage =
  | { readonly kind: "started"; readonly promotions: number; readonly workers: number; readonly startInMs: number; readonly appliedAt: number }
  | { readonly kind: "done"; readonly deliveries: readonly PromotionDelivery[]; readonly promotions: readonly Promotion[]; readonly queued: number; readonly cpuInMs: number; readonly warnings: number; readonly errors: readonly string[] };

/** Resolves once the message is handed to the channel, so a large last report is not cut by the disconnect. */
const send = (message: PromotionHostMessage): Promise<void> => new Promise((resolve, reject) => void process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));

const endpoints = (process.env["BENCH_PROMOTION_ENDPOINTS"] ?? "").split(",").filter(Boolean);
const args = process.env["BENCH_PROMOTION_COMMAND"] ?? "";
const user = "UBENCH";

let warnings = 0;
const errors: string[] = [];
const logger: Logger = {
  info() {},
  warn: () => void warnings++,
  error: (message, fields) => void (errors.length < 20 && errors.push(`${message} ${JSON.stringify(fields, (_, v: unknown) => (v instanceof Error ? v.message : v))}`)),
};

const config = loadConfig();
const policy = {
  defaultRole: "viewer" as const,
  bindings: [{ role: "operator" as const, users: [`slack:${user}`] }],
  // The gates decide on the first read: one request of the candidate is enough (the emulator's load is high).
  promotions: [{ workspace: "demo", minRequests: 1, maxExtensions: 3 }],
};
const runtime = await createRuntime({ ...config, file: { ...config.file, policy } }, { logger });
await runtime.storage.ensure({ queues: [runtime.names.jobsQueue, poisonQueueName(runtime.names.jobsQueue)] });

// The Functions host's queue trigger as host.json sets it: batchSize messages at a time, a new batch when half are
// done (newBatchThreshold's default), the same polling back-off ceiling and dequeue limit.
const hostJson = JSON.parse(readFileSync("host.json", "utf8")) as { extensions: { queues: { batchSize: number; maxPollingInterval: string; maxDequeueCount: number } } };
const queues = hostJson.extensions.queues;
const [h, m, s] = queues.maxPollingInterval.split(":").map(Number) as [number, number, number];
const workers = Number(process.env["BENCH_PROMOTION_WORKERS"] || queues.batchSize + Math.floor(queues.batchSize / 2));

const deliveries: PromotionDelivery[] = [];
const stop = new AbortController();
setMaxListeners(0, stop.signal); // one listener per message in flight
const poller = new QueuePoller({
  queue: runtime.storage.queue(runtime.names.jobsQueue),
  poisonQueue: runtime.storage.queue(poisonQueueName(runtime.names.jobsQueue)),
  concurrency: workers,
  maxPollIntervalInMs: ((h * 60 + m) * 60 + s) * 1000,
  maxDequeueCount: queues.maxDequeueCount,
  handler: async (job, context) => {
    const startedAt = Date.now();
    let outcome = "failed";
    try {
      outcome = await runtime.handleJob(job, { abortSignal: context.abortSignal, dequeueCount: context.dequeueCount });
    } finally {
      const payload = (job.payload as { payload?: { promotionId?: string; transition?: number } } | undefined)?.payload;
      deliveries.push({
        jobId: job.id,
        kind: job.kind,
        watchdog: job.watchdog !== undefined,
        messageId: context.messageId,
        dequeueCount: context.dequeueCount,
        enqueuedAt: job.enqueuedAt,
        ...(payload?.promotionId !== undefined ? { promotionId: payload.promotionId } : {}),
        ...(payload?.transition !== undefined ? { transition: payload.transition } : {}),
        startedAt,
        endedAt: Date.now(),
        outcome,
      });
    }
  },
  onError: (error, info) => logger.error("job failed", { jobId: info?.jobId, error }),
});

const { core } = runtime.app;
let correlation = 0;
const actor = { platform: "slack" as const, userId: user, displayName: "bench", groups: [] };
const channel = { platform: "slack" as const, id: "CBENCH" };

// Previews first (not measured: each reads the endpoint and the candidate's numbers), then every Apply at once.
const started = performance.now();
const applies = await Promise.all(
  endpoints.map(async (endpoint) => {
    const preview = await core.execute({ text: `promote ${endpoint} green ${args}`, actor, channel, correlationId: `bench-${++correlation}` });
    const apply = preview.buttons?.find((b) => b.label === "Apply");
    if (!apply) throw new Error(`no Apply for ${endpoint}: ${preview.title ?? ""} ${JSON.stringify(preview.sections).slice(0, 400)}`);
    return apply;
  }),
);
const polling = poller.run(stop.signal);
const appliedAt = Date.now();
await Promise.all(applies.map((apply) => core.press({ verb: apply.verb, payloadId: apply.payloadId, actor, channel, correlationId: `bench-${++correlation}` })));
const ids = (await runtime.app.deps.promotions.list({ workspace: "demo" })).map((p) => p.id);
const cpuAtStart = process.cpuUsage();
await send({ kind: "started", promotions: ids.length, workers, startInMs: performance.now() - started, appliedAt });

const limit = Date.now() + Number(process.env["BENCH_PROMOTION_TIMEOUT_MS"] || 300_000);
let rows: Promotion[] = [];
for (;;) {
  rows = (await Promise.all(ids.map((id) => runtime.app.deps.promotions.get(id)))).filter((p): p is Promotion => p !== undefined);
  if (rows.every((p) => !["running", "reverting"].includes(p.state)) || Date.now() > limit) break;
  await new Promise((resolve) => setTimeout(resolve, 250));
}
// Let the deliveries in flight finish (a last card update), then stop taking messages.
await new Promise((resolve) => setTimeout(resolve, 500));
stop.abort();
await polling;
// The first steps ran in the Applies: the job ledger has when each was claimed and completed (unless the queue's
// copy ran it instead, which the deliveries have).
const ledger = new TableJobLedger(runtime.storage.table(runtime.names.jobLedgerTable));
for (const p of rows) {
  const jobId = `${p.id}:e0:t1`;
  if (deliveries.some((d) => d.jobId === jobId && d.outcome === "ran")) continue;
  const entry = await ledger.get(jobId);
  if (!entry?.completedAt) continue;
  deliveries.push({
    jobId,
    kind: "follow-up",
    watchdog: false,
    messageId: `inline:${jobId}`,
    dequeueCount: 0,
    enqueuedAt: p.createdAt.toISOString(),
    promotionId: p.id,
    transition: 1,
    startedAt: entry.claimedAt.getTime(),
    endedAt: entry.completedAt.getTime(),
    outcome: "ran",
    inline: true,
  });
}
const queued = (await runtime.storage.queue(runtime.names.jobsQueue).getProperties()).approximateMessagesCount ?? 0;
const cpu = process.cpuUsage(cpuAtStart);
await send({ kind: "done", deliveries, promotions: rows, queued, cpuInMs: (cpu.user + cpu.system) / 1000, warnings, errors });
process.exit(0); // writes a --cpu-prof profile, if asked for
