/**
 * The digest as sent: gathered, built by the pure `buildDigest`, with its chart drawn. `aml digest now` and the
 * scheduled digests both come through here, so a scheduled digest shows exactly what `digest now` shows.
 */
import type { CoreDeps } from "../core-deps.js";
import type { Reply } from "../reply.js";
import { buildDigest } from "./digest.js";
import { digestChart } from "./digest-chart.js";
import { gatherDigestData, type DigestDeps, type DigestTarget } from "./digest-data.js";
import { chartSection } from "./metrics-chart.js";

const HOUR = 3_600_000;

export type DigestReplyDeps = DigestDeps & Pick<CoreDeps, "charts" | "logger">;

export interface DigestReplyOptions {
  /** End of the period (default: now), aligned down to the hour. */
  readonly end?: Date;
  readonly lastDigestAt?: Date;
  readonly correlationId?: string;
  readonly abortSignal?: AbortSignal;
}

export type DigestReplyResult = { readonly ok: true; readonly reply: Reply } | { readonly ok: false; readonly message: string };

export async function digestReply(deps: DigestReplyDeps, target: DigestTarget, lengthInMs: number, options: DigestReplyOptions = {}): Promise<DigestReplyResult> {
  const op = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  const gathered = await gatherDigestData(
    deps,
    target,
    { lengthInMs, granularityInMs: HOUR, ...(options.end ? { end: options.end } : {}) },
    { series: true, ...(options.lastDigestAt ? { lastDigestAt: options.lastDigestAt } : {}), ...op },
  );
  if (!gathered.ok) return gathered;
  const reply = buildDigest(gathered.input);
  const chart = digestChart(gathered.input, HOUR);
  if (chart === undefined) return { ok: true, reply };
  const section = await chartSection(deps.charts, deps.logger, chart.chart, chart.altText, { ...op, ...(options.correlationId ? { correlationId: options.correlationId } : {}) });
  return { ok: true, reply: { ...reply, sections: [...reply.sections, section] } };
}
