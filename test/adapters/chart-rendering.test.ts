/**
 * How each renderer handles a chart: the picture where the platform can show it, sparklines where it cannot.
 */
import { describe, expect, it } from "vitest";
import { renderBlockKit } from "../../adapters/slack/block-kit.renderer.js";
import { renderAdaptiveCard, TEAMS_LIMITS } from "../../adapters/teams/adaptive-card.renderer.js";
import { renderText } from "../../adapters/terminal/text.renderer.js";
import type { Reply, Section } from "../../commands/reply.js";
import { replies } from "./fixtures/replies.js";

function withImageOf(size: number, url?: string): Reply {
  const section = replies.chart.sections[1] as Extract<Section, { kind: "chart" }>;
  return { ...replies.chart, sections: [{ ...section, image: { mimeType: "image/png", base64: "A".repeat(size), width: 640, height: 374, ...(url ? { url } : {}) } }] };
}

describe("charts in replies", () => {
  it("Teams: shows the picture inline as a data URL", () => {
    const card = renderAdaptiveCard(replies.chart);
    const image = card.body.find((e) => e.type === "Image");
    expect(image).toMatchObject({ type: "Image", url: expect.stringMatching(/^data:image\/png;base64,iVBOR/), altText: expect.stringContaining("churn-prod") });
  });

  it("Teams: falls back to sparklines when the picture is over the data URL cap", () => {
    const card = renderAdaptiveCard(withImageOf(TEAMS_LIMITS.chartDataUrl));
    expect(card.body.some((e) => e.type === "Image")).toBe(false);
    expect(JSON.stringify(card.body)).toContain("▁");
    expect(renderAdaptiveCard(withImageOf(TEAMS_LIMITS.chartDataUrl - 100)).body.some((e) => e.type === "Image")).toBe(true);
  });

  it("Teams: links a hosted picture (image.url) instead of inlining it, whatever its size", () => {
    const url = "https://bot.example.net/api/charts/0123456789abcdef0123456789abcdef";
    for (const reply of [withImageOf(TEAMS_LIMITS.chartDataUrl * 2, url), withImageOf(100, url)]) {
      const card = renderAdaptiveCard(reply);
      expect(card.body.filter((e) => e.type === "Image")).toEqual([{ type: "Image", url, altText: expect.stringContaining("churn-prod"), spacing: "Small" }]);
      expect(JSON.stringify(card)).not.toContain("data:image");
    }
  });

  it("Slack: still uploads the bytes of a hosted picture", () => {
    const message = renderBlockKit(withImageOf(100, "https://bot.example.net/api/charts/0123456789abcdef0123456789abcdef"));
    expect(message.images).toEqual([expect.objectContaining({ mimeType: "image/png" })]);
    expect(JSON.stringify(message.blocks)).not.toContain("api/charts");
  });

  it("Slack: sparklines in the message, the picture handed to the transport to upload", () => {
    const message = renderBlockKit(replies.chart);
    expect(message.images).toEqual([expect.objectContaining({ filename: "churn-prod-last-1-h-utc.png", mimeType: "image/png" })]);
    expect(JSON.stringify(message.blocks)).toContain("▁");
    expect(renderBlockKit(replies["chart-text"]).images).toBeUndefined();
  });

  it("terminal: sparklines, never the bytes", () => {
    const text = renderText(replies.chart);
    expect(text).toContain("Latency P99 (ms)");
    expect(text).not.toContain("iVBOR");
  });
});
