/**
 * The reply of `aml invoke --compare a,b`: both answers side by side (status, latency, body), and what
 * differs between them as JSON paths with numeric deltas (b − a), so a canary's drift is visible at once.
 */
import type { Endpoint } from "../domain/endpoint.js";
import type { ScoringOutcome } from "../ports/endpoint-scoring.port.js";
import { channelReply } from "../replies.js";
import type { Reply, Section } from "../reply.js";
import type { AuditDetails, VerbContext } from "../verb-spec.js";
import { diffJson, formatDelta } from "./json-diff.js";
import type { Payload } from "./payload.js";
import { bodyLimits, explainStatus, formatBody, isSuccess, relayable, requestContext, statusText } from "./scoring-reply.js";

const SIDE_LIMITS = { lines: 20, chars: 1_500 };
const MAX_DIFF_ROWS = 15;

export interface CompareSide {
  readonly deployment: string;
  readonly outcome: ScoringOutcome;
}

export function compareResult(ctx: VerbContext, endpoint: Endpoint, payload: Payload, sides: readonly [CompareSide, CompareSide]): { reply: Reply; audit: AuditDetails } {
  const [a, b] = sides;
  const sections: Section[] = [{ kind: "fields", fields: sides.map((side) => ({ label: side.deployment, value: headline(side.outcome) })) }];
  const diff = diffSection(a, b);
  sections.push(...diff.sections);
  for (const side of sides) sections.push({ kind: "divider" }, ...sideSections(side, endpoint));
  const allOk = sides.every((s) => s.outcome.kind === "ok" && isSuccess(s.outcome.value.status));
  const reply = channelReply({
    title: `Compare on ${endpoint.name}: ${a.deployment} vs ${b.deployment}`,
    tone: allOk ? (diff.count === 0 ? "success" : "info") : "warning",
    sections,
    context: [requestContext(ctx, payload), `Same request to each deployment, pinned (\`azureml-model-deployment\`), in parallel; pinned requests are never mirrored.`],
    summary: `${a.deployment} vs ${b.deployment} on ${endpoint.name}: ${diff.summary}; ${sides.map((s) => `${s.deployment} ${headline(s.outcome)}`).join(", ")}`,
  });
  const detail = `${sides.map((s) => `${s.deployment} ${s.outcome.kind === "ok" ? s.outcome.value.status : s.outcome.kind}`).join("; ")}; ${diff.summary}`;
  return { reply, audit: { outcome: allOk ? "ok" : "failed", endpoint: endpoint.name, detail } };
}

function headline(outcome: ScoringOutcome): string {
  switch (outcome.kind) {
    case "ok":
      return `${statusText(outcome.value.status)} · ${Math.round(outcome.value.latencyInMs)} ms`;
    case "timeout":
      return `no answer within ${Math.round(outcome.timeoutInMs / 1000)} s`;
    case "no-credential":
      return "no credential";
    case "unreachable":
      return "unreachable";
  }
}

function diffSection(a: CompareSide, b: CompareSide): { sections: Section[]; count: number; summary: string } {
  if (a.outcome.kind !== "ok" || b.outcome.kind !== "ok") return { sections: [], count: -1, summary: "not compared" };
  // Failures' bodies are compared as they may be shown: without what looks like a credential.
  const left = relayable(a.outcome.value);
  const right = relayable(b.outcome.value);
  if (left.status !== right.status) {
    const text = `The deployments answered differently: ${a.deployment} ${statusText(left.status)}, ${b.deployment} ${statusText(right.status)}.`;
    return { sections: [{ kind: "text", text }], count: 1, summary: "different statuses" };
  }
  const differences = diffJson(left.body, right.body);
  if (differences.length === 0) return { sections: [{ kind: "text", text: "✅ Both deployments returned the same output." }], count: 0, summary: "same output" };
  // A line per difference, not a 4-column table: a Teams card on a phone broke JSON paths inside words (issue 14 §3).
  const lines = differences.slice(0, MAX_DIFF_ROWS).map((d) => {
    const path = d.path.includes("`") ? d.path : `\`${d.path}\``;
    const delta = formatDelta(d);
    return `${path}: ${d.left ?? "–"} → ${d.right ?? "–"}${delta === "–" ? "" : ` · Δ ${delta}`}`;
  });
  const heading = `*${differences.length} difference${differences.length === 1 ? "" : "s"}*, ${a.deployment} → ${b.deployment} (Δ = ${b.deployment} − ${a.deployment}):`;
  const more = differences.length > MAX_DIFF_ROWS ? [`_…and ${differences.length - MAX_DIFF_ROWS} more._`] : [];
  return { sections: [{ kind: "text", text: [heading, ...lines, ...more].join("\n") }], count: differences.length, summary: `${differences.length} difference(s)` };
}

function sideSections(side: CompareSide, endpoint: Endpoint): Section[] {
  const title: Section = { kind: "text", text: `*${side.deployment}* · ${headline(side.outcome)}` };
  if (side.outcome.kind !== "ok") return [title];
  const response = relayable(side.outcome.value);
  const body = formatBody(response.body, bodyLimits(response, SIDE_LIMITS));
  const explanation = explainStatus(response, endpoint, side.deployment);
  return [
    title,
    ...(explanation ? [{ kind: "text", text: explanation } as const] : []),
    { kind: "code", text: body.text, ...(body.language ? { language: body.language } : {}) },
    ...(body.note ? [{ kind: "text", text: body.note } as const] : []),
  ];
}
