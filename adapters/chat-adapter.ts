/** What each chat platform's adapter gives the runtime, whatever the platform: its HTTP endpoint and its jobs. */
import type { RawHttpRequest, RawHttpResponse } from "./http.js";
import type { QueuedJob } from "./jobs.js";

export interface ChatJobOptions {
  /** Aborted when the worker stops or another worker took the job over. */
  readonly abortSignal?: AbortSignal;
}

export interface ChatAdapter {
  /** The platform's requests (Slack's events and interactions, Teams' activities), verified before anything else. */
  handleHttp(req: RawHttpRequest): Promise<RawHttpResponse>;
  /** Throws `InvalidJobError` for a malformed job; resolves otherwise (failures are shown and logged). */
  handleJob(job: QueuedJob, options?: ChatJobOptions): Promise<void>;
}
