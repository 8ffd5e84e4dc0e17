/**
 * A Bolt `Receiver` for hosts that hand over one HTTP request at a time (the Azure Functions HTTP trigger, the
 * local host), after bolt-js `AwsLambdaReceiver`. `handle()` takes the raw request and resolves with the response:
 *
 *   ssl_check → signature (Slack's v0 HMAC-SHA256, compared in constant time; 5-minute window both ways, clock
 *   injectable)
 *   → body (form, `payload=` JSON, or JSON) → url_verification → `app.processEvent({ body, ack, retryNum, ... })`.
 *
 * When to answer. On a function host, work left running after the response is not guaranteed to finish (the
 * reason Bolt's `processBeforeResponse` exists for FaaS), so the response goes out when the listener has finished,
 * carrying what it passed to `ack()`. Listeners therefore ack at once and do only a bounded hand-off afterwards
 * (one queue write); a safety net answers at `ackTimeoutInMs` (2.5 s, inside Slack's 3 s) whatever happens: the
 * ack if there was one, else 200 with an empty body, logged.
 *
 * A listener may replace its ack before the response leaves (`context.amendAck`), e.g. with an error when the
 * hand-off failed; it returns false once the response is gone.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import type { Clock } from "../../commands/ports/clock.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import { SlackAuthenticityError, SlackMultipleAckError, SlackRequestBodyError, asSlackCodedError } from "./slack-errors.js";
import { emptyResponse, jsonResponse, type RawHttpRequest, type RawHttpResponse } from "../http.js";

export interface RawHttpReceiverOptions {
  readonly signingSecret: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Answer no later than this after the request arrived. Default 2 500 (Slack gives up at 3 000). */
  readonly ackTimeoutInMs?: number;
}

/** Put into Bolt's context by this receiver (`customProperties`). */
export interface AckAmendment {
  /** Replaces the acknowledged response if it has not been sent yet; returns whether it did. */
  amendAck(response: unknown): boolean;
}

const MAX_SKEW_SECONDS = 5 * 60;
const FORM = "application/x-www-form-urlencoded";
const systemClock: Clock = { now: () => new Date() };

type Parsed = { readonly ok: true; readonly body: Record<string, unknown> } | { readonly ok: false; readonly error: Error };

export class RawHttpReceiver implements Receiver {
  readonly #signingSecret: string;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #ackTimeoutInMs: number;
  #app: App | undefined;

  constructor(options: RawHttpReceiverOptions) {
    this.#signingSecret = options.signingSecret;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
    this.#ackTimeoutInMs = options.ackTimeoutInMs ?? 2_500;
  }

  init(app: App): void {
    this.#app = app;
  }

  /** Like `AwsLambdaReceiver.start`: resolves with the handler, for hosts that want a function. */
  start(): Promise<(req: RawHttpRequest) => Promise<RawHttpResponse>> {
    return Promise.resolve((req) => this.handle(req));
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  async handle(req: RawHttpRequest): Promise<RawHttpResponse> {
    const startedAt = Date.now();
    if (req.method.toUpperCase() !== "POST") return { status: 405, headers: { allow: "POST" }, body: "" };
    const mediaType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    // A form is read once, here: for the SSL check, and after verification for the body.
    const form = mediaType === FORM ? new URLSearchParams(req.body) : undefined;

    // Slack's SSL check is not signed. Answer it before verification, as Bolt 4.7 does, and read nothing else of
    // such a body, so an unsigned request can never reach a listener.
    if (form?.get("ssl_check") === "1") return emptyResponse(200);
    const verified = this.#verify(req);
    if (verified) {
      this.#logger.info("slack request refused: signature", { reason: verified.message, url: req.url });
      return emptyResponse(401);
    }
    const parsed = parseBody(req.body, mediaType, form);
    if (!parsed.ok) {
      this.#logger.warn("slack request refused: body", { reason: parsed.error.message, contentType: mediaType });
      return emptyResponse(400);
    }
    const body = parsed.body;
    if (body["type"] === "url_verification") return jsonResponse(200, { challenge: body["challenge"] });

    const app = this.#app;
    if (!app) throw new Error("RawHttpReceiver.handle called before App.init: construct the App with this receiver");
    return this.#dispatch(app, req, body, startedAt);
  }

  async #dispatch(app: App, req: RawHttpRequest, body: Record<string, unknown>, startedAt: number): Promise<RawHttpResponse> {
    let acked = false;
    let sent = false;
    let stored: unknown;
    const amendment: AckAmendment = {
      amendAck: (response) => {
        if (sent || !acked) return false;
        stored = response ?? "";
        return true;
      },
    };
    const retryNum = Number.parseInt(req.headers["x-slack-retry-num"] ?? "", 10);
    const retryReason = req.headers["x-slack-retry-reason"];
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (acked) throw new SlackMultipleAckError("ack() was called more than once for one request");
        acked = true;
        stored = response ?? "";
      },
      ...(Number.isNaN(retryNum) ? {} : { retryNum }),
      ...(retryReason ? { retryReason } : {}),
      customProperties: { ...amendment },
    };

    let timer: NodeJS.Timeout | undefined;
    const remaining = Math.max(0, this.#ackTimeoutInMs - (Date.now() - startedAt));
    const deadline = new Promise<"deadline">((resolve) => (timer = setTimeout(() => resolve("deadline"), remaining)));
    const processing = app.processEvent(event).then(
      () => ({ error: undefined }),
      (error: unknown) => ({ error: asSlackCodedError(error) }),
    );
    const first = await Promise.race([processing, deadline]);
    clearTimeout(timer);
    sent = true;

    const kind = typeof body["type"] === "string" ? body["type"] : typeof body["command"] === "string" ? "slash_command" : "unknown";
    if (first === "deadline") {
      void processing.then(({ error }) => {
        if (error) this.#logger.error("slack listener failed after the response was sent", { kind, error });
      });
      if (acked) {
        this.#logger.warn("slack listener still running when the response was due; answered with its ack", { kind, timeoutInMs: this.#ackTimeoutInMs });
        return toResponse(stored);
      }
      this.#logger.error("slack request not acknowledged in time; answered 200 with an empty body", { kind, timeoutInMs: this.#ackTimeoutInMs });
      return emptyResponse(200);
    }
    if (first.error) {
      this.#logger.error("slack listener failed", { kind, acked, error: first.error });
      return acked ? toResponse(stored) : emptyResponse(500);
    }
    if (!acked) {
      this.#logger.info("no slack listener acknowledged the request", { kind });
      return emptyResponse(404);
    }
    return toResponse(stored);
  }

  /** Undefined when authentic, else the reason (never the signature or the secret). */
  #verify(req: RawHttpRequest): Error | undefined {
    // Anyone can sign with an empty key.
    if (!this.#signingSecret) return new SlackAuthenticityError("no signing secret is configured");
    const signature = req.headers["x-slack-signature"];
    const timestampText = req.headers["x-slack-request-timestamp"];
    if (!signature || !timestampText) return new SlackAuthenticityError("missing x-slack-signature or x-slack-request-timestamp");
    const timestamp = Number(timestampText);
    if (!Number.isInteger(timestamp)) return new SlackAuthenticityError("x-slack-request-timestamp is not an integer");
    const nowInMs = this.#clock.now().getTime();
    // Bolt checks only for stale requests; a timestamp far in the future is refused here as well.
    if (Math.abs(nowInMs / 1000 - timestamp) > MAX_SKEW_SECONDS) {
      return new SlackAuthenticityError("x-slack-request-timestamp is more than 5 minutes from now");
    }
    // Slack's scheme, as Bolt's verifySlackRequest checks it: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">. Bolt
    // compares with tsscmp, which draws 32 random bytes and computes two more HMACs on every request;
    // timingSafeEqual compares in constant time without them.
    const [version, hash] = signature.split("=");
    if (version !== "v0") return new SlackAuthenticityError("unknown signature version");
    const expected = createHmac("sha256", this.#signingSecret).update(`v0:${timestamp}:${req.body}`).digest("hex");
    if (!hash || !equalInConstantTime(hash, expected)) return new SlackAuthenticityError("signature mismatch");
    return undefined;
  }
}

/**
 * Slack's two encodings: a form (slash commands; interactivity as `payload=<JSON>`), `form` being the body read as
 * one, or JSON (Events API).
 */
function parseBody(raw: string, mediaType: string, form: URLSearchParams | undefined): Parsed {
  try {
    if (form) {
      const payload = form.get("payload");
      return payload === null ? { ok: true, body: Object.fromEntries(form) } : { ok: true, body: asObject(JSON.parse(payload)) };
    }
    // Bolt's receivers read anything else as JSON too.
    return { ok: true, body: asObject(JSON.parse(raw)) };
  } catch (error) {
    return { ok: false, error: new SlackRequestBodyError(`not a Slack body (${mediaType || "no content type"})`, { cause: error }) };
  }
}

/** Whether two texts are equal, in a time that does not depend on where they differ (their lengths are public). */
function equalInConstantTime(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TypeError("body is not a JSON object");
  return value as Record<string, unknown>;
}

function toResponse(stored: unknown): RawHttpResponse {
  if (stored === undefined || stored === "") return emptyResponse(200);
  if (typeof stored === "string") return { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: stored };
  return jsonResponse(200, stored);
}
