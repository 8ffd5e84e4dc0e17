import type { Endpoint, WorkspaceRef } from "../domain/endpoint.js";
import type { OperationOptions } from "./operation-options.js";

/** One call to an endpoint's scoring URI, made with the bot's own identity: no key ever reaches chat. */
export interface ScoringRequest {
  /** The JSON request body, already parsed and size-checked by the core. */
  readonly body: unknown;
  /** Pin a deployment (`azureml-model-deployment` header): works at 0 % live traffic, never mirrored. */
  readonly deployment?: string;
  readonly timeoutInMs: number;
}

export interface ScoringResponse {
  readonly status: number;
  readonly latencyInMs: number;
  /** The deployment that answered (`azureml-model-deployment` response header), when the service says. */
  readonly deployment?: string;
  /** Parsed JSON when the response is JSON, otherwise the text. */
  readonly body: unknown;
  /** `x-request-id` / `x-ms-request-id`, for support. */
  readonly requestId?: string;
  /** Service-side reason for a failure, e.g. the 424 model error headers. */
  readonly reason?: string;
}

export type ScoringOutcome =
  | { readonly kind: "ok"; readonly value: ScoringResponse }
  | { readonly kind: "timeout"; readonly timeoutInMs: number }
  /** The bot could not get a credential for the endpoint (no access to keys/tokens, identity not allowed). */
  | { readonly kind: "no-credential"; readonly message: string }
  | { readonly kind: "unreachable"; readonly message: string };

/** Calls scoring URIs. Implemented in `src/azure/` with fetch and tokens/keys the bot obtains itself. */
export interface EndpointScoring {
  score(endpoint: Endpoint, request: ScoringRequest, options?: OperationOptions): Promise<ScoringOutcome>;
  /** Drops what the bot keeps of an endpoint's key or token (after a key rotation): the next call fetches a fresh one. */
  forgetCredentials(workspace: WorkspaceRef, endpointName: string): Promise<void>;
}
