/** The options bag every port method takes last (Azure SDK guideline). */
export interface OperationOptions {
  readonly abortSignal?: AbortSignal;
}

/** Progress of a long-running change, reported while it runs. */
export interface OperationProgress {
  readonly state: string;
  readonly elapsedInMs: number;
}

export interface LongRunningOptions extends OperationOptions {
  /** Called as the operation's state changes (Updating, Succeeded, ...). */
  readonly onProgress?: (progress: OperationProgress) => void;
}
