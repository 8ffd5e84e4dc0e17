/**
 * What runs inside an emulated deployment: a linear model over `{"data": [[x1, x2, ...], ...]}`, answering
 * one prediction per row, as the scikit-learn regression samples of azureml-examples do. A request the model
 * cannot read fails like a scoring script would (the inference server answers 500, AML turns it into 424).
 */
import type { LinearModel } from "./scoring-knobs.js";

export type ModelAnswer = { ok: true; predictions: number[] } | { ok: false; status: number; error: string };

/**
 * Deployments created at run time (PUT) have no model in the scenario: they average the features, so any
 * row length scores.
 */
export function predict(model: LinearModel | undefined, body: Buffer): ModelAnswer {
  let input: unknown;
  try {
    input = JSON.parse(body.toString("utf8"));
  } catch (error) {
    return fail(`The request body is not valid JSON: ${error instanceof Error ? error.message : "malformed"}`);
  }
  const rows = typeof input === "object" && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>)["data"] : undefined;
  if (!Array.isArray(rows) || rows.length === 0) return fail('Expected a JSON object with "data": a non-empty list of rows, e.g. {"data": [[1, 2, 3]]}.');
  const predictions: number[] = [];
  for (const [index, row] of rows.entries()) {
    if (!Array.isArray(row) || row.some((x) => typeof x !== "number" || !Number.isFinite(x))) {
      return fail(`Row ${index} must be a list of numbers.`);
    }
    const features = row as number[];
    const weights = model?.weights ?? features.map(() => 1 / Math.max(1, features.length));
    if (features.length !== weights.length) {
      return fail(`Row ${index} has ${features.length} features; the model expects ${weights.length}.`);
    }
    const value = features.reduce((sum, x, i) => sum + x * weights[i]!, model?.bias ?? 0);
    // Rounded so outputs read like a model's, not like floating-point noise (0.30000000000000004).
    predictions.push(Math.round(value * 1e6) / 1e6);
  }
  return { ok: true, predictions };
}

function fail(error: string): ModelAnswer {
  return { ok: false, status: 500, error };
}
