/**
 * Azure ML workspace events (Event Grid system events) as the core sees them, whatever schema they came in (the
 * Event Grid schema or CloudEvents 1.0). `src/events/event-grid.parser.ts` maps the wire shapes onto these; they travel as a
 * queued job's payload, so they are plain JSON (times as ISO 8601 strings).
 */

/** The workspace an event is about: its ARM id's parts, as Azure sent them (the event's `topic` / `source`). */
export interface WorkspaceResource {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** The workspace's ARM name (not the alias people type). */
  readonly workspace: string;
}

interface EventBase {
  /** Event Grid's event id: the same on every delivery of one event. */
  readonly id: string;
  readonly resource: WorkspaceResource;
  /** When the event happened, ISO 8601. */
  readonly at: string;
}

/** `Microsoft.MachineLearningServices.ModelRegistered`. */
export interface ModelRegisteredEvent extends EventBase {
  readonly kind: "model-registered";
  readonly model: string;
  /** As text: the published example sends a number, the SDK's types a string. */
  readonly version: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
}

/** `Microsoft.MachineLearningServices.DatasetDriftDetected`. */
export interface DatasetDriftEvent extends EventBase {
  readonly kind: "dataset-drift";
  readonly monitor: string;
  readonly coefficient: number;
  readonly baseDataset: string;
  readonly targetDataset: string;
  readonly runId?: string;
  readonly windowStart?: string;
  readonly windowEnd?: string;
}

/** `RunCompleted` and `RunStatusChanged`: one line per run, only where a workspace's rules ask for them. */
export interface RunEvent extends EventBase {
  readonly kind: "run";
  readonly change: "completed" | "status-changed";
  readonly experiment?: string;
  readonly runId: string;
  readonly runType?: string;
  /** `Completed`, `Failed`, `Running`… as Azure ML says it. */
  readonly status?: string;
}

export type WorkspaceEvent = ModelRegisteredEvent | DatasetDriftEvent | RunEvent;

export const WORKSPACE_EVENT_KINDS = ["model-registered", "dataset-drift", "run"] as const;
