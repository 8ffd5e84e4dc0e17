/**
 * The doctor's checklist as each platform shows it, against golden files: a heading per area, a mark and finding per
 * check, the fix under a failure or a warning and under nothing else; the verdict counts failures before warnings.
 */
import { describe, expect, it } from "vitest";
import { renderBlockKit } from "../../adapters/slack/block-kit.renderer.js";
import { renderAdaptiveCard } from "../../adapters/teams/adaptive-card.renderer.js";
import { renderText } from "../../adapters/terminal/text.renderer.js";
import type { Check } from "../../commands/doctor/doctor-checks.js";
import { doctorReply } from "../../commands/doctor/doctor-reply.js";

const CHECKS: readonly Check[] = [
  { group: "Config", name: "Workspaces", status: "ok", detail: "2 configured (demo, prod), default demo" },
  { group: "Identity", name: "Token for Azure", status: "ok", detail: "got an ARM token (client 3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b, tenant 0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f)" },
  {
    group: "Workspace prod",
    name: "Permissions",
    status: "fail",
    detail: "the bot's identity lacks `Microsoft.MachineLearningServices/workspaces/onlineEndpoints/regenerateKeys/action` (keys rotate)",
    fix: "deploy deploy/workspace-access.bicep for this workspace (its role assigned at the workspace), or add the action to the role the bot's identity has there",
  },
  { group: "Workspace prod", name: "Metrics", status: "skip", detail: "no online endpoint to read metrics of yet", fix: "never shown for a skipped check" },
  { group: "Alerts", name: "Webhook secret", status: "warn", detail: "20 characters, about 95 bits: guessable", fix: "set AML_ALERTS_SECRET to a random value (`openssl rand -hex 32`)" },
];

describe("the doctor's checklist", () => {
  it("on Slack, Teams and the terminal", async () => {
    const reply = doctorReply(CHECKS);
    const { blocks, ...slack } = renderBlockKit(reply);
    await expect(`${JSON.stringify({ blocks, ...slack }, null, 2)}\n`).toMatchFileSnapshot("./__golden__/doctor.slack.json");
    await expect(`${JSON.stringify(renderAdaptiveCard(reply), null, 2)}\n`).toMatchFileSnapshot("./__golden__/doctor.teams.json");
    await expect(`${renderText(reply)}\n`).toMatchFileSnapshot("./__golden__/doctor.txt");
  });

  it("says the fix under failures and warnings only, and counts failures first", () => {
    const reply = doctorReply(CHECKS);
    const text = reply.sections.map((s) => (s.kind === "text" ? s.text : "")).join("\n");
    expect(reply).toMatchObject({ title: "aml doctor: 1 problem", tone: "error", visibility: "requester" });
    expect(text.match(/↳ Fix:/g)).toHaveLength(2);
    expect(text).not.toContain("never shown");
    expect(doctorReply(CHECKS.filter((c) => c.status !== "fail"))).toMatchObject({ title: "aml doctor: no problems, 1 warning", tone: "warning" });
    expect(doctorReply(CHECKS.filter((c) => c.status === "ok"))).toMatchObject({ title: "aml doctor: all green", tone: "success" });
  });
});
