/**
 * Scenario knobs of the scoring plane: the small real model each deployment runs (a linear model from JSON,
 * so blue and green can differ slightly and `--compare` has something to show), its latency and its error
 * rate; and the seed of the plane's random numbers, so routing, mirroring and injected errors replay exactly.
 */
import { z } from "zod";

export const linearModelSchema = z.strictObject({
  /** One weight per feature: a request row must have exactly this many numbers. */
  weights: z.array(z.number()).min(1).max(1000),
  bias: z.number(),
});

export const deploymentScoringSchema = z.strictObject({
  model: linearModelSchema.optional(),
  /** How long the model takes per request (default 0). Above the deployment's request timeout, AML answers 408. */
  latencyMs: z.number().min(0).max(600_000).optional(),
  /** Share of requests on which the model container fails (424 with the model-error headers), 0–1. */
  errorRate: z.number().min(0).max(1).optional(),
  /**
   * Every request (once the credential is accepted) is answered with this instead of being scored: a server that
   * fails in its own words, for tests of what the bot relays. `{{authorization}}` in the body becomes the request's
   * Authorization header, as a server that echoes it would.
   */
  answer: z
    .strictObject({
      status: z.number().int().min(400).max(599),
      body: z.string().max(64 * 1024),
      contentType: z.string().min(1).max(200).optional(),
    })
    .optional(),
});

export const scenarioScoringSchema = z.strictObject({
  /** Seed of the plane's random numbers (default 1); `reset()` starts the sequence again. */
  seed: z.number().int().optional(),
});

export type LinearModel = z.infer<typeof linearModelSchema>;
export type DeploymentScoring = z.infer<typeof deploymentScoringSchema>;

export const DEFAULT_SCORING_SEED = 1;

/**
 * The default scenario's fraud model: ten features, as the azureml-examples sklearn regression sample
 * (`{"data": [[1,2,3,4,5,6,7,8,9,10], [10,9,8,7,6,5,4,3,2,1]]}`). Green is a retrained blue: close, not equal.
 */
export const FRAUD_BLUE_MODEL: LinearModel = { weights: [0.12, -0.05, 0.3, 0.08, 0.01, -0.2, 0.15, 0.02, 0.07, -0.03], bias: 0.4 };
export const FRAUD_GREEN_MODEL: LinearModel = { weights: [0.13, -0.05, 0.28, 0.08, 0.02, -0.19, 0.15, 0.02, 0.06, -0.03], bias: 0.38 };
/** Churn: tenure in months, monthly charges, support calls in the last quarter. */
export const CHURN_MODEL: LinearModel = { weights: [-0.02, 0.004, 0.11], bias: 0.3 };
