/**
 * Scenario knobs of the metrics plane (`scenario.metrics`): the seed of the synthetic load, whether there is
 * one at all, peak request rates per endpoint, and degradations that make an anomaly visible from a given time.
 */
import { z } from "zod";

const isoTime = z.string().refine((text) => !Number.isNaN(Date.parse(text)), "an ISO 8601 date and time, e.g. 2026-11-25T08:00:00Z");

export const metricsDegradationSchema = z.strictObject({
  endpoint: z.string().min(1),
  /** Every deployment of the endpoint when omitted. */
  deployment: z.string().min(1).optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  /** Multiplies latency percentiles (2 = twice as slow). */
  latencyFactor: z.number().min(0).optional(),
  /** Share of requests answered 5xx / 4xx, 0–1. */
  serverErrorShare: z.number().min(0).max(1).optional(),
  clientErrorShare: z.number().min(0).max(1).optional(),
  /** Multiplies a deployment's requests: 0 = it has live traffic but gets no requests. */
  requestFactor: z.number().min(0).optional(),
  cpuPercent: z.number().min(0).max(100).optional(),
});

export const scenarioMetricsSchema = z.strictObject({
  /** Seed of the synthetic load (default 1): same seed, same numbers. */
  seed: z.number().int().optional(),
  /** `false`: report only the scoring calls the emulator really served (default true). */
  synthetic: z.boolean().optional(),
  /** Requests per minute at the daily peak, by endpoint name (default: seeded, 20–300). */
  peakRequestsPerMinute: z.record(z.string(), z.number().min(0)).optional(),
  degradations: z.array(metricsDegradationSchema).optional(),
});
