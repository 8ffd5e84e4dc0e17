/**
 * deploy/modules/event-grid.bicep read as text (no Bicep compiler here) and held to the code it feeds: the route the
 * subscription delivers to, where the bridge reads the secret, and only event types the parser handles.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SECRET_HEADER } from "../../src/events/event-grid.bridge.js";
import { AML_EVENT_TYPES } from "../../src/events/event-grid.parser.js";

const bicep = readFileSync("deploy/modules/event-grid.bicep", "utf8");

describe("deploy/modules/event-grid.bicep", () => {
  it("puts a system topic on the workspace and delivers to the bot's /api/events", () => {
    expect(bicep).toContain("topicType: 'Microsoft.MachineLearningServices.Workspaces'");
    expect(bicep).toContain("source: workspace.id");
    expect(bicep).toContain("endpointUrl: 'https://${functionAppHost}/api/events?code=${uriComponent(eventsSecret)}'");
    expect(readFileSync("src/functions/events.function.ts", "utf8")).toContain('route: "events"');
  });

  it("sends the secret where the bridge reads it: the URL's write-only query (the handshake has it too) and a secret header", () => {
    expect(bicep).toContain(`name: '${SECRET_HEADER}'`);
    expect(bicep).toMatch(/properties: \{ value: eventsSecret, isSecret: true \}/);
    expect(bicep).not.toMatch(/^output[^\n]*eventsSecret/m);
    expect(bicep).toMatch(/@secure\(\)\n@minLength\(16\)[^\n]*\n[^\n]*\nparam eventsSecret string/);
  });

  it("filters to event types the parser turns into cards, runs off by default", () => {
    const named = [...bicep.matchAll(/'(Microsoft\.MachineLearningServices\.\w+)'/g)].map((m) => m[1]!).filter((t) => t !== "Microsoft.MachineLearningServices.Workspaces");
    expect(named.length).toBe(4);
    for (const type of named) expect(AML_EVENT_TYPES).toContain(type);
    expect(bicep).toContain("param includeRuns bool = false");
  });
});
