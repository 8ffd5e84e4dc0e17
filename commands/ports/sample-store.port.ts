import type { OperationOptions } from "./operation-options.js";

/** A saved request body, usable as `@name` in `aml invoke`. */
export interface Sample {
  readonly workspace: string;
  readonly endpoint: string;
  readonly name: string;
  /** The JSON text as saved (validated JSON, size-limited). */
  readonly body: string;
  readonly savedBy: string;
  readonly savedAt: Date;
}

export interface SampleStore {
  save(sample: Sample, options?: OperationOptions): Promise<void>;
  get(workspace: string, endpoint: string, name: string, options?: OperationOptions): Promise<Sample | undefined>;
  /** Every sample of a workspace, or of one endpoint; sorted by endpoint then name. */
  list(workspace: string, endpoint?: string, options?: OperationOptions): Promise<Sample[]>;
}
