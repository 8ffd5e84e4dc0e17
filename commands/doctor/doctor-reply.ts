import { channelReply } from "../replies.js";
import type { Reply, Section } from "../reply.js";
import type { CheckStatus } from "../ports/diagnostics.port.js";
import type { Check } from "./doctor-checks.js";

const MARK: Record<CheckStatus, string> = { ok: "✅", warn: "⚠️", fail: "❌", skip: "➖" };

/**
 * The checklist, as `flutter doctor` prints one: a heading per area, a line per check with its mark and finding, and
 * under each warning or failure the fix. Text sections, so every platform wraps them; for the requester only, as the
 * findings name the bot's settings.
 */
export function doctorReply(checks: readonly Check[]): Reply {
  const groups = [...new Set(checks.map((c) => c.group))];
  const sections: Section[] = groups.map((group) => ({
    kind: "text",
    text: [`*${group}*`, ...checks.filter((c) => c.group === group).flatMap(checkLines)].join("\n"),
  }));
  const failing = checks.filter((c) => c.status === "fail").length;
  const warnings = checks.filter((c) => c.status === "warn").length;
  const verdict = failing > 0 ? `${failing} ${failing === 1 ? "problem" : "problems"}` : warnings > 0 ? `no problems, ${warnings} ${warnings === 1 ? "warning" : "warnings"}` : "all green";
  return channelReply({
    title: `aml doctor: ${verdict}`,
    tone: failing > 0 ? "error" : warnings > 0 ? "warning" : "success",
    sections,
    context: [failing > 0 ? "Fix the first failing check first: later ones often fail because of it. Run `aml doctor` again after a change." : "Run `aml doctor` again after any change to the bot's settings or roles."],
    visibility: "requester",
    summary: `aml doctor: ${verdict} (${checks.map((c) => `${c.group} ${c.name} ${c.status}`).join("; ")})`,
  });
}

function checkLines(check: Check): string[] {
  const line = `${MARK[check.status]} ${check.name}: ${check.detail}`;
  return check.fix !== undefined && (check.status === "fail" || check.status === "warn") ? [line, `↳ Fix: ${check.fix}`] : [line];
}
