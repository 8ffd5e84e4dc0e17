/**
 * Posts to one interaction's `response_url`. Slack accepts at most 5 posts per URL within 30 minutes, so the
 * client counts them and refuses a 6th itself (the worker plans its posts around `remaining`). The URL is a
 * credential for those 30 minutes: it is never logged or put into an error message.
 */
import type { SlackMessage } from "./block-kit.renderer.js";
import { SlackDeliveryError } from "./slack-errors.js";

/** The part of the Fetch API the adapter uses; the global `fetch` fits. */
export type FetchLike = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ readonly ok: boolean; readonly status: number; text(): Promise<string> }>;

/** A `response_url` body: the renderer's message without its non-Slack fields, or a deletion. */
export interface ResponseUrlBody {
  readonly text?: string;
  readonly blocks?: readonly unknown[];
  readonly response_type?: "ephemeral" | "in_channel";
  readonly replace_original?: boolean;
  readonly delete_original?: boolean;
}

export const RESPONSE_URL_MAX_USES = 5;

/** Strips `thread_key` and `overflow` (not Slack fields) and sets `replace_original` as asked. */
export function responseBody(message: SlackMessage, replaceOriginal: boolean): ResponseUrlBody {
  return { text: message.text, blocks: message.blocks, response_type: message.response_type, replace_original: replaceOriginal };
}

export interface ResponseUrlClientOptions {
  readonly fetch: FetchLike;
  /** Per attempt. Default 5 000. */
  readonly timeoutInMs?: number;
  /** Posts already spent on this URL (none for a fresh interaction). */
  readonly used?: number;
}

export class ResponseUrlClient {
  readonly #url: string;
  readonly #fetch: FetchLike;
  readonly #timeoutInMs: number;
  #used: number;

  constructor(url: string, options: ResponseUrlClientOptions) {
    this.#url = url;
    this.#fetch = options.fetch;
    this.#timeoutInMs = options.timeoutInMs ?? 5_000;
    this.#used = options.used ?? 0;
  }

  /** Posts Slack will still accept on this URL. */
  get remaining(): number {
    return RESPONSE_URL_MAX_USES - this.#used;
  }

  /**
   * Posts once, retrying a network failure or a 5xx one time (Slack may have received the first attempt, so
   * both count against the limit). Throws `SlackDeliveryError`.
   */
  async post(body: ResponseUrlBody): Promise<void> {
    let lastError: SlackDeliveryError | undefined;
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 250));
      if (this.remaining <= 0) throw lastError ?? new SlackDeliveryError(`response_url already used ${RESPONSE_URL_MAX_USES} times`);
      this.#used++;
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        response = await this.#fetch(this.#url, {
          method: "POST",
          headers: { "content-type": "application/json; charset=utf-8" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.#timeoutInMs),
        });
      } catch (error) {
        lastError = new SlackDeliveryError("response_url could not be reached", { cause: error });
        continue;
      }
      if (response.ok) return;
      const answer = (await response.text().catch(() => "")).slice(0, 200);
      lastError = new SlackDeliveryError(`response_url answered ${response.status}: ${answer}`, { status: response.status });
      if (response.status < 500) break;
    }
    throw lastError!;
  }
}
