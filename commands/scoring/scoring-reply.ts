/**
 * Replies for `aml invoke`: status, latency and the deployment that answered, the response pretty-printed
 * and cut to a readable size, and what Azure ML's status codes mean for this endpoint. Nothing here ever
 * sees a credential: the port keeps keys and tokens on its side.
 */
import type { Endpoint } from "../domain/endpoint.js";
import type { ScoringOutcome, ScoringResponse } from "../ports/endpoint-scoring.port.js";
import { redactUntrusted, redactUntrustedJson } from "../redact.js";
import { channelReply, problemReply } from "../replies.js";
import type { Reply, Section } from "../reply.js";
import type { AuditDetails, VerbContext } from "../verb-spec.js";
import { formatBytes } from "./json-input.js";
import type { Payload } from "./payload.js";

export interface BodyLimits {
  readonly lines: number;
  readonly chars: number;
}

export const INVOKE_LIMITS: BodyLimits = { lines: 40, chars: 3_000 };
/** A refusal's body says why in a sentence or two; more is usually an echo of the request, or worse. */
export const ERROR_BODY_LIMITS: BodyLimits = { lines: 12, chars: 500 };

/**
 * What may be relayed into chat of an answer. A failure's body and reason come from a server the bot does not
 * control (a 401 may echo the Authorization header, a scoring script may print its settings): anything that looks
 * like a credential is removed, and the body is cut to `ERROR_BODY_LIMITS` where it is shown. A success's body is
 * the model's output, shown as it is.
 */
export function relayable(response: ScoringResponse): ScoringResponse {
  if (isSuccess(response.status)) return response;
  return {
    ...response,
    body: typeof response.body === "string" ? redactUntrusted(response.body) : redactUntrustedJson(response.body),
    ...(response.reason !== undefined ? { reason: redactUntrusted(response.reason) } : {}),
  };
}

/** The limits for showing this answer's body: `limits` for a success, no more than `ERROR_BODY_LIMITS` otherwise. */
export function bodyLimits(response: ScoringResponse, limits: BodyLimits = INVOKE_LIMITS): BodyLimits {
  if (isSuccess(response.status)) return limits;
  return { lines: Math.min(limits.lines, ERROR_BODY_LIMITS.lines), chars: Math.min(limits.chars, ERROR_BODY_LIMITS.chars) };
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  408: "Request timeout",
  413: "Payload too large",
  424: "Model error",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout",
};

export function statusText(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? (status < 400 ? "OK" : "Error")}`;
}

/** Pretty JSON (or the text as is), cut at `limits` with a note that says how much was left out. */
export function formatBody(body: unknown, limits: BodyLimits = INVOKE_LIMITS): { text: string; language?: string; note?: string } {
  const isText = typeof body === "string";
  const full = isText ? body : prettyJson(body);
  const lines = full.split("\n");
  let text = lines.slice(0, limits.lines).join("\n");
  if (text.length > limits.chars) text = text.slice(0, limits.chars);
  const language = isText ? {} : { language: "json" };
  if (text.length === full.length) return { text: text === "" ? "(empty body)" : text, ...language };
  const shownLines = text.split("\n").length;
  const note = `_Truncated: showing ${shownLines} of ${lines.length} lines (${text.length.toLocaleString("en-US")} of ${full.length.toLocaleString("en-US")} characters)._`;
  return { text: `${text}\n…`, ...language, note };
}

/** Indented JSON with short lists of plain values on one line: `[0.12, 0.97]` reads better than a column. */
export function prettyJson(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((v) => v === null || typeof v !== "object")) {
      const inline = `[${value.map((v) => JSON.stringify(v) ?? "null").join(", ")}]`;
      if (indent.length + inline.length <= 100) return inline;
    }
    return `[\n${value.map((v) => `${inner}${prettyJson(v, inner)}`).join(",\n")}\n${indent}]`;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What an Azure ML scoring status means, and what to do; undefined for a success. */
export function explainStatus(response: ScoringResponse, endpoint: Endpoint, pinned?: string): string | undefined {
  const reason = response.reason ? ` (${response.reason})` : "";
  switch (response.status) {
    case 401:
      return `Azure ML refused the bot's credential for \`${endpoint.name}\` (authMode ${endpoint.authMode}), even after fetching a fresh one. The bot's identity may lack the right to ${endpoint.authMode === "AADToken" ? "score (`Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action`, e.g. the AzureML Data Scientist role)" : "read the endpoint's keys or tokens (`…/onlineEndpoints/listKeys/action`, `…/token/action`)"}.`;
    case 404:
      return pinned
        ? `Azure ML has no deployment \`${pinned}\` on \`${endpoint.name}\` to send the pinned request to.`
        : `No deployment of \`${endpoint.name}\` has positive live traffic, so Azure ML had nowhere to route the request. Pin one with \`--deployment <name>\` (works at 0 %), or shift traffic with \`aml traffic\`.`;
    case 408:
      return "The model took longer than the deployment's request timeout (`request_settings.request_timeout_ms`, 5 s unless set). Make the model faster or raise the timeout on the deployment.";
    case 424:
      return `The model container failed${reason}: Azure ML answers 424 whenever the container does not return 200. The body below is what the container said; its logs tell more (\`az ml online-deployment get-logs\`).`;
    case 429:
      return `Too many requests${reason}: a deployment takes at most 2 × max_concurrent_requests_per_instance × instance count at a time, and an endpoint has a requests-per-second limit. Retry in a moment, or add instances with \`aml scale\`.`;
    default:
      if (response.status >= 500) return `Azure ML had a server-side error${reason}. Retry later; if it persists, check the deployment's state with \`aml show\`.`;
      if (response.status >= 400) return `Azure ML refused the request${reason}.`;
      return undefined;
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Who answered, and how the request got there. */
export function answeredBy(response: ScoringResponse, pinned?: string): string {
  const who = response.deployment ?? pinned ?? "unknown";
  return pinned ? `${who} (pinned)` : `${who} (live traffic)`;
}

export function invokeResult(ctx: VerbContext, endpoint: Endpoint, payload: Payload, answered: ScoringResponse, pinned?: string): { reply: Reply; audit: AuditDetails } {
  const response = relayable(answered);
  const body = formatBody(response.body, bodyLimits(response));
  const explanation = explainStatus(response, endpoint, pinned);
  const fields = [
    { label: "Status", value: statusText(response.status) },
    { label: "Latency", value: `${Math.round(response.latencyInMs)} ms` },
    { label: "Answered by", value: answeredBy(response, pinned) },
    ...(response.requestId ? [{ label: "Request id", value: response.requestId }] : []),
  ];
  const sections: Section[] = [{ kind: "fields", fields }];
  if (explanation) sections.push({ kind: "text", text: explanation });
  sections.push({ kind: "code", text: body.text, ...(body.language ? { language: body.language } : {}) });
  if (body.note) sections.push({ kind: "text", text: body.note });
  const ok = isSuccess(response.status);
  const who = response.deployment ?? pinned;
  const reply = channelReply({
    title: `${endpoint.name}${who ? ` → ${who}` : ""}: ${statusText(response.status)}`,
    tone: ok ? "success" : "error",
    sections,
    context: [requestContext(ctx, payload)],
    summary: `${endpoint.name}${who ? ` → ${who}` : ""}: ${statusText(response.status)} in ${Math.round(response.latencyInMs)} ms`,
  });
  return { reply, audit: { outcome: ok ? "ok" : "failed", endpoint: endpoint.name, detail: `${who ?? "?"} ${response.status} ${Math.round(response.latencyInMs)}ms` } };
}

export function requestContext(ctx: VerbContext, payload: Payload): string {
  const source = payload.sample ? ` from sample \`@${payload.sample}\`` : "";
  const who = ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId;
  return `Sent ${formatBytes(payload.bytes)} of JSON${source} with the bot's own credential (never shown) · by ${who}`;
}

/** A call that got no HTTP answer: the bot's timeout, no credential, or no connection. */
export function failedCallResult(outcome: Exclude<ScoringOutcome, { kind: "ok" }>, endpoint: Endpoint, maxTimeoutInSeconds: number): { reply: Reply; audit: AuditDetails } {
  const audit = (detail: string): AuditDetails => ({ outcome: "failed", endpoint: endpoint.name, detail });
  switch (outcome.kind) {
    case "timeout": {
      const seconds = Math.round(outcome.timeoutInMs / 1000);
      const more = seconds < maxTimeoutInSeconds ? ` Allow longer with \`--timeout ${maxTimeoutInSeconds}\` (seconds, at most ${maxTimeoutInSeconds}).` : "";
      const reply = problemReply(`No answer from ${endpoint.name}`, [`The scoring URI did not answer within ${seconds} s, the bot's limit for this call.${more}`], "Azure ML may still be working on the request; `aml show` tells whether the deployments are healthy.");
      return { reply, audit: audit(`timeout ${seconds}s`) };
    }
    case "no-credential":
      return {
        reply: problemReply(`No credential for ${endpoint.name}`, [`The bot could not get a key or token for \`${endpoint.name}\` (authMode ${endpoint.authMode}): ${outcome.message}`], "Its identity needs the `listKeys` / `token` actions on the endpoint (Key, AMLToken) or the right to score it (AADToken)."),
        audit: audit("no credential"),
      };
    case "unreachable":
      return { reply: problemReply(`Could not reach ${endpoint.name}`, [outcome.message]), audit: audit("unreachable") };
  }
}
