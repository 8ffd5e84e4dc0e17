/**
 * The scoring plane's control surface (no auth, loopback only), for tests in other processes and for curl:
 * - `GET /__emulator/scoring[?since=<epoch ms or ISO time>]`: counts per deployment (live, pinned, mirrored,
 *   by status); with `since`, also the time-stamped events from then on;
 * - `POST /__emulator/scoring` `{ knobs?: [{ endpoint, deployment, workspace?, latencyMs?, errorRate?, model?, answer? }],
 *   seed?, clearStats? }`: per-deployment latency, error rate and model, as fault control;
 * - `DELETE /__emulator/scoring`: clears the counts and events.
 */
import { z } from "zod";
import { armErrors } from "./arm-errors.js";
import { empty, json, type HttpResult } from "./http-kit.js";
import type { Route, RouteContext } from "./router.js";
import { deploymentScoringSchema } from "./scoring-knobs.js";
import type { ScoringPlane } from "./scoring-plane.js";

const controlBody = z.strictObject({
  knobs: z.array(deploymentScoringSchema.extend({ endpoint: z.string().min(1), deployment: z.string().min(1), workspace: z.string().min(1).optional() })).optional(),
  seed: z.number().int().optional(),
  clearStats: z.boolean().optional(),
});

export function scoringControlRoutes(plane: ScoringPlane): Route[] {
  function get(ctx: RouteContext): HttpResult {
    const since = ctx.query.get("since");
    const body: Record<string, unknown> = { deployments: plane.stats() };
    if (since !== null) {
      const at = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
      if (Number.isNaN(at)) throw armErrors.badArgument(`since must be epoch milliseconds or an ISO 8601 time, not '${since}'.`);
      body["events"] = plane.events(at).map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
    }
    return json(200, body);
  }

  async function post(ctx: RouteContext): Promise<HttpResult> {
    const parsed = controlBody.safeParse((await ctx.jsonBody()) ?? {});
    if (!parsed.success) {
      throw armErrors.badArgument(`Invalid scoring control request: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`);
    }
    const { knobs = [], seed, clearStats } = parsed.data;
    try {
      for (const { endpoint, deployment, workspace, ...rest } of knobs) {
        const values = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
        plane.setKnobs({ endpoint, deployment, ...(workspace === undefined ? {} : { workspace }) }, values);
      }
    } catch (error) {
      throw armErrors.badArgument(`Invalid scoring control request: ${(error as Error).message}`);
    }
    if (seed !== undefined) plane.reseed(seed);
    if (clearStats === true) plane.clearStats();
    return json(200, { deployments: plane.stats() });
  }

  return [
    { name: "control.scoring.get", methods: ["GET"], pattern: "/__emulator/scoring", access: "public", handle: get },
    { name: "control.scoring.post", methods: ["POST"], pattern: "/__emulator/scoring", access: "public", handle: post },
    {
      name: "control.scoring.delete",
      methods: ["DELETE"],
      pattern: "/__emulator/scoring",
      access: "public",
      handle: () => {
        plane.clearStats();
        return empty(204);
      },
    },
  ];
}
