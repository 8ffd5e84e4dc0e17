/**
 * The scoring plane's state: which deployment a request goes to (live weights, mirror shares), the knobs
 * each deployment runs with (scenario, overridden through fault control), requests in flight (AML's
 * "too many pending requests"), and the ledger of what was served. One random sequence, seeded, drives every
 * draw, so a scenario replays the same routing after `reset()`.
 */
import type { EmulatorScenario } from "./scenario.js";
import { DEFAULT_SCORING_SEED, type DeploymentScoring } from "./scoring-knobs.js";
import { ScoringLedger, type DeploymentScoringStats, type ScoringEvent } from "./scoring-ledger.js";
import type { DeploymentRecord, EmulatorState, EndpointRecord } from "./state.js";

export interface ScoringTarget {
  /** Default: the only workspace that has the endpoint. */
  workspace?: string;
  endpoint: string;
  deployment: string;
}

/** Programmatic control of the scoring plane, for tests (`emulator.scoring`). */
export interface ScoringControl {
  stats(): DeploymentScoringStats[];
  /** Events at or after `since` (epoch ms), oldest first. */
  events(since?: number): ScoringEvent[];
  /** Overrides the scenario's knobs for one deployment (merged field by field) until `reset()`. */
  setKnobs(target: ScoringTarget, knobs: DeploymentScoring): void;
  clearStats(): void;
  /** Restarts the random sequence (ignored when the emulator was given its own `random`). */
  reseed(seed: number): void;
}

/** mulberry32: tiny, fast, good enough for routing draws, and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class ScoringPlane implements ScoringControl {
  readonly ledger = new ScoringLedger();
  private readonly scenarioKnobs = new Map<string, DeploymentScoring>();
  private overrides = new Map<string, DeploymentScoring>();
  private readonly inFlight = new Map<string, number>();
  private readonly seed: number;
  private draw: () => number;

  constructor(
    scenario: EmulatorScenario,
    private readonly state: EmulatorState,
    private readonly injected?: () => number,
  ) {
    this.seed = scenario.scoring?.seed ?? DEFAULT_SCORING_SEED;
    this.draw = injected ?? seededRandom(this.seed);
    for (const ws of scenario.workspaces) {
      for (const endpoint of ws.endpoints) {
        for (const deployment of endpoint.deployments ?? []) {
          if (deployment.scoring !== undefined) this.scenarioKnobs.set(key(ws.name, endpoint.name, deployment.name), deployment.scoring);
        }
      }
    }
  }

  random(): number {
    return this.draw();
  }

  knobsOf(deployment: DeploymentRecord): DeploymentScoring {
    const k = keyOf(deployment);
    return { ...this.scenarioKnobs.get(k), ...this.overrides.get(k) };
  }

  /** A deployment with positive live weight, drawn by weight; undefined when none has any (AML's 404). */
  pickLive(endpoint: EndpointRecord): DeploymentRecord | undefined {
    const candidates = weighted(endpoint, endpoint.spec.properties.traffic);
    const total = candidates.reduce((sum, c) => sum + c.weight, 0);
    if (total <= 0) return undefined;
    let point = this.random() * total;
    for (const candidate of candidates) {
      point -= candidate.weight;
      if (point < 0) return candidate.deployment;
    }
    return candidates[candidates.length - 1]?.deployment;
  }

  /** The deployments that get a shadow copy of this live request: each with its mirror share. */
  pickMirrors(endpoint: EndpointRecord, live: DeploymentRecord): DeploymentRecord[] {
    return weighted(endpoint, endpoint.spec.properties.mirrorTraffic).filter((c) => c.deployment !== live && this.random() * 100 < c.weight).map((c) => c.deployment);
  }

  /** AML admits 2 × maxConcurrentRequestsPerInstance × instances at a time; the rest get 429. */
  tryEnter(deployment: DeploymentRecord): boolean {
    const perInstance = Number(deployment.spec.properties.requestSettings["maxConcurrentRequestsPerInstance"] ?? 1);
    const limit = 2 * Math.max(1, perInstance) * Math.max(1, deployment.spec.sku.capacity);
    const k = keyOf(deployment);
    const current = this.inFlight.get(k) ?? 0;
    if (current >= limit) return false;
    this.inFlight.set(k, current + 1);
    return true;
  }

  leave(deployment: DeploymentRecord): void {
    const k = keyOf(deployment);
    this.inFlight.set(k, Math.max(0, (this.inFlight.get(k) ?? 0) - 1));
  }

  // ScoringControl ------------------------------------------------------------------------------------

  stats(): DeploymentScoringStats[] {
    return this.ledger.stats();
  }

  events(since?: number): ScoringEvent[] {
    return this.ledger.eventsSince(since);
  }

  setKnobs(target: ScoringTarget, knobs: DeploymentScoring): void {
    const workspace = target.workspace ?? this.workspaceOf(target.endpoint);
    const k = key(workspace, target.endpoint, target.deployment);
    this.overrides.set(k, { ...this.overrides.get(k), ...knobs });
  }

  clearStats(): void {
    this.ledger.clear();
  }

  reseed(seed: number): void {
    if (this.injected === undefined) this.draw = seededRandom(seed);
  }

  /** Back to the scenario: knobs, counts and the random sequence. Requests in flight keep their slots. */
  reset(): void {
    this.overrides = new Map();
    this.ledger.clear();
    this.reseed(this.seed);
  }

  private workspaceOf(endpoint: string): string {
    const found = this.state.workspaces.filter((ws) => ws.endpoints.has(endpoint.toLowerCase()));
    if (found.length !== 1) throw new RangeError(`Name the workspace: ${found.length} workspaces have an endpoint '${endpoint}'.`);
    return found[0]!.name;
  }
}

/** ISO 8601 duration (`PT5S`, `PT0.5S`, `PT1M30S`) in ms; AML's default request timeout when unreadable. */
export function durationInMs(value: unknown, fallbackInMs = 5_000): number {
  const match = typeof value === "string" ? /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value) : null;
  if (match === null) return fallbackInMs;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number];
  return Math.round((((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000);
}

function weighted(endpoint: EndpointRecord, split: Record<string, number>): { deployment: DeploymentRecord; weight: number }[] {
  // Sorted by name so the same seed picks the same deployments whatever order the split was written in.
  return Object.entries(split)
    .filter(([, weight]) => weight > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([name, weight]) => {
      const deployment = endpoint.deployments.get(name.toLowerCase());
      return deployment === undefined ? [] : [{ deployment, weight }];
    });
}

function key(workspace: string, endpoint: string, deployment: string): string {
  return `${workspace}/${endpoint}/${deployment}`.toLowerCase();
}

function keyOf(deployment: DeploymentRecord): string {
  return key(deployment.endpoint.workspace.name, deployment.endpoint.name, deployment.name);
}
