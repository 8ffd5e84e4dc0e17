/**
 * Workspace events in the core, on the real ARM port against the AML emulator (fraud-scorer runs fraud-model 3 on
 * blue at 100 % and 4 on green at 0 %): routing to the channels bound to the workspace, the workspace's rules and
 * quiet hours, the model card with what runs earlier versions, its buttons into `aml deploy`'s preview, and the
 * cards through the Slack, Teams and text renderers against golden files.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderBlockKit } from "../../../adapters/slack/block-kit.renderer.js";
import { renderAdaptiveCard } from "../../../adapters/teams/adaptive-card.renderer.js";
import { renderText } from "../../../adapters/terminal/text.renderer.js";
import { WorkspaceEventDispatcher } from "../../../commands/events/event-dispatcher.js";
import type { WorkspaceEventRules } from "../../../commands/events/event-rules.js";
import { suggestedName } from "../../../commands/events/model-buttons.js";
import { driftReply, MODEL_DEPLOY_VERB, MODEL_IGNORE_VERB, modelRegisteredReply } from "../../../commands/events/model-card.js";
import type { DatasetDriftEvent, ModelRegisteredEvent, RunEvent } from "../../../commands/events/workspace-event.js";
import { MemoryAlertBindings } from "../../../src/memory/memory.alert-bindings.js";
import { click, OPERATOR, startCoreHarness, textOf, VIEWER, type CoreHarness } from "../../helpers/core-harness.js";
import { recordingNotifier, type RecordingNotifier } from "../../helpers/recording-notifier.js";

const DEMO = { subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "ml-rg", workspace: "demo" };
const SLACK = { platform: "slack", id: "C0EVENTS" } as const;
const TEAMS = { platform: "teams", id: "19:events@thread.tacv2" } as const;
const quiet = { info() {}, warn() {}, error() {} };

const registered = (over: Partial<ModelRegisteredEvent> = {}): ModelRegisteredEvent => ({
  kind: "model-registered",
  id: "evt-1",
  resource: DEMO,
  at: "2026-11-25T08:40:00.000Z",
  model: "fraud-model",
  version: "5",
  tags: { stage: "candidate", team: "risk" },
  properties: {},
  ...over,
});
const drift: DatasetDriftEvent = {
  kind: "dataset-drift",
  id: "evt-drift",
  resource: DEMO,
  at: "2026-11-25T08:45:00.000Z",
  monitor: "transactions-drift",
  coefficient: 0.8350349068479208,
  baseDataset: "transactions-2026-10",
  targetDataset: "transactions-2026-11",
  windowStart: "2026-11-24T00:00:00.000Z",
  windowEnd: "2026-11-25T00:00:00.000Z",
};
const run: RunEvent = { kind: "run", id: "evt-run", resource: DEMO, at: "2026-11-25T08:50:00.000Z", change: "completed", runId: "train_42", experiment: "fraud-weekly" };

let harness: CoreHarness;
let bindings: MemoryAlertBindings;
let notifier: RecordingNotifier;
let now: Date;

beforeAll(async () => {
  harness = await startCoreHarness();
}, 30_000);
afterAll(() => harness?.close());

beforeEach(async () => {
  bindings = new MemoryAlertBindings();
  notifier = recordingNotifier();
  now = new Date("2026-11-25T09:00:00Z");
  const boundAt = new Date("2026-11-24T00:00:00Z");
  await bindings.bind({ workspace: "demo", channel: SLACK, boundBy: "ops", boundAt });
  await bindings.bind({ workspace: "demo", channel: TEAMS, boundBy: "ops", boundAt });
});

function dispatcher(rules: WorkspaceEventRules[] = []): WorkspaceEventDispatcher {
  const workspaces = [...harness.app.deps.workspaces, { alias: "prod", subscriptionId: "sub-prod", resourceGroup: "rg-prod", workspace: "ml-prod" }];
  return new WorkspaceEventDispatcher({ bindings, notifier, endpoints: harness.app.deps.endpoints, workspaces, rules, clock: { now: () => now }, logger: quiet });
}

describe("routing by workspace", () => {
  it("posts the card to every channel bound to the event's workspace, keyed by the event so a retry updates it", async () => {
    expect(await dispatcher().dispatch(registered())).toEqual({ kind: "posted", channels: 2, unreachable: 0 });
    expect(notifier.calls.map((c) => [c.channel.id, c.options.updateKey])).toEqual([
      ["C0EVENTS", "events:evt-1"],
      ["19:events@thread.tacv2", "events:evt-1"],
    ]);
    await dispatcher().dispatch(registered());
    expect(notifier.inChannel("slack:C0EVENTS")).toHaveLength(1);
  });

  it("ignores a workspace that is not configured, or one no channel is bound to", async () => {
    expect(await dispatcher().dispatch(registered({ resource: { ...DEMO, workspace: "elsewhere" } }))).toEqual({ kind: "ignored", reason: "workspace elsewhere is not configured" });
    expect(await dispatcher().dispatch(registered({ resource: { subscriptionId: "SUB-PROD", resourceGroup: "rg-prod", workspace: "ML-PROD" } }))).toEqual({
      kind: "ignored",
      reason: "no channel is bound to workspace prod",
    });
    expect(notifier.calls).toEqual([]);
  });
});

describe("the model card", () => {
  it("says which deployments run earlier versions, and offers Deploy to the endpoint that serves them, and Ignore", async () => {
    await dispatcher().dispatch(registered());
    const card = notifier.calls[0]!.reply;
    expect(card.title).toBe("fraud-model 5 registered");
    expect(textOf(card)).toContain("Tags: `stage=candidate` `team=risk`");
    expect(textOf(card)).toContain("• *fraud-scorer*: blue runs version 3 (100 %), green runs version 4 (0 %)");
    expect(card.buttons).toEqual([
      { label: "Deploy to fraud-scorer…", verb: MODEL_DEPLOY_VERB, payloadId: "demo:fraud-scorer:fraud-model:5", style: "primary" },
      { label: "Ignore", verb: MODEL_IGNORE_VERB, payloadId: "demo:fraud-model:5" },
    ]);
  });

  it("says 'other versions' when a deployment runs a later one than the version registered", async () => {
    await dispatcher().dispatch(registered({ version: "2" }));
    expect(textOf(notifier.calls[0]!.reply)).toContain("Other versions in service:\n• *fraud-scorer*: blue runs version 3 (100 %), green runs version 4 (0 %)");
  });

  it("proposes only the models the rules name, the configured endpoint first", async () => {
    const rules: WorkspaceEventRules[] = [{ workspace: "demo", models: [{ name: "fraud-*", tags: { stage: "candidate" }, endpoint: "churn-model" }] }];
    expect(await dispatcher(rules).dispatch(registered({ tags: { stage: "dev" } }))).toMatchObject({ kind: "ignored" });
    expect(await dispatcher(rules).dispatch(registered({ model: "churn-model", version: "13" }))).toMatchObject({ kind: "ignored" });
    expect(await dispatcher(rules).dispatch(registered())).toMatchObject({ kind: "posted" });
    expect(notifier.calls[0]!.reply.buttons?.map((b) => b.label)).toEqual(["Deploy to churn-model…", "Deploy to fraud-scorer…", "Ignore"]);
  });

  it("reads the workspace's deployments once for a burst of registrations, and again once the cache time has passed", async () => {
    const shared = dispatcher();
    const reads = () => harness.emulator.requests.filter((r) => r.method === "GET" && /onlineEndpoints/.test(r.path)).length;
    const before = reads();
    await Promise.all(Array.from({ length: 20 }, (_, i) => shared.dispatch(registered({ id: `burst-${i}`, version: String(100 + i) }))));
    expect(reads() - before).toBe(3); // the endpoint list and each endpoint's deployments
    expect(notifier.inChannel("slack:C0EVENTS")).toHaveLength(20);
    expect(textOf(notifier.calls.at(-1)!.reply)).toContain("blue runs version 3 (100 %)");
    now = new Date(now.getTime() + 30_000);
    await shared.dispatch(registered({ id: "after-the-cache", version: "200" }));
    expect(reads() - before).toBe(6);
  });

  it("says so when nothing runs the model and no endpoint is configured: Ignore only, and the command to type", async () => {
    await dispatcher().dispatch(registered({ model: "brand-new", version: "1" }));
    const card = notifier.calls[0]!.reply;
    expect(textOf(card)).toContain("No endpoint runs brand-new yet.");
    expect(textOf(card)).toContain("aml deploy <endpoint> <new-deployment> --model brand-new:1 --workspace demo");
    expect(card.buttons?.map((b) => b.verb)).toEqual([MODEL_IGNORE_VERB]);
  });
});

describe("drift, runs and quiet hours", () => {
  it("posts drift as an alert in the workspace's thread of the day", async () => {
    await dispatcher().dispatch(drift);
    const alert = notifier.calls[0]!;
    expect(alert.options.threadKey).toBe("events:demo:2026-11-25");
    expect(textOf(alert.reply)).toContain("Drift coefficient: 0.84");
    expect(textOf(alert.reply)).toContain("Target dataset: transactions-2026-11");
  });

  it("leaves runs out unless the workspace turns them on, then posts one line per run in the thread", async () => {
    expect(await dispatcher().dispatch(run)).toMatchObject({ kind: "ignored" });
    expect(await dispatcher([{ workspace: "demo", runs: true }]).dispatch(run)).toMatchObject({ kind: "posted" });
    expect(textOf(notifier.calls[0]!.reply)).toContain("Run `train_42` of fraud-weekly completed");
    expect(notifier.calls[0]!.options.threadKey).toBe("events:demo:2026-11-25");
  });

  it("holds events back during quiet hours until they end, in the workspace's time zone", async () => {
    const rules: WorkspaceEventRules[] = [{ workspace: "demo", quietHours: { from: { hour: 22, minute: 0 }, to: { hour: 7, minute: 0 }, timeZone: "Europe/Paris" } }];
    now = new Date("2026-11-25T22:30:00Z"); // 23:30 in Paris: quiet until 07:00 Paris = 06:00 UTC
    expect(await dispatcher(rules).dispatch(drift)).toEqual({ kind: "deferred", delayInMs: 7.5 * 3_600_000 });
    now = new Date("2026-11-26T05:59:00Z");
    expect(await dispatcher(rules).dispatch(drift)).toEqual({ kind: "deferred", delayInMs: 60_000 });
    now = new Date("2026-11-26T06:00:00Z");
    expect(await dispatcher(rules).dispatch(drift)).toMatchObject({ kind: "posted" });
  });
});

describe("the card's buttons", () => {
  it("Deploy opens aml deploy's preview: a suggested name, the model version, --from the busiest deployment", async () => {
    const reply = await harness.core.press(click({ verb: MODEL_DEPLOY_VERB, payloadId: "demo:fraud-scorer:fraud-model:5" }));
    expect(reply.mode).toBe("new");
    expect(reply.title).toBe("Deploy fraud-model-v5 (fraud-model:5) on fraud-scorer");
    expect(textOf(reply)).toContain("copied from blue");
    expect(reply.buttons?.map((b) => b.verb)).toEqual(["apply", "cancel"]);
    const audited = harness.audit.records.at(-1)!;
    expect(audited).toMatchObject({ verb: "deploy", outcome: "previewed", text: "deploy fraud-scorer fraud-model-v5 --model fraud-model:5 --from blue --workspace demo" });
  });

  it("Deploy is the clicker's own aml deploy: a viewer is refused", async () => {
    const reply = await harness.core.press(click({ verb: MODEL_DEPLOY_VERB, payloadId: "demo:fraud-scorer:fraud-model:5" }, VIEWER));
    expect(reply.tone).toBe("error");
    expect(textOf(reply)).toMatch(/operator/);
  });

  it("Deploy to an endpoint that is gone, or a forged target, says so and changes nothing", async () => {
    const gone = await harness.core.press(click({ verb: MODEL_DEPLOY_VERB, payloadId: "demo:no-such-endpoint:fraud-model:5" }));
    expect(textOf(gone)).toContain("Endpoint `no-such-endpoint` is not in workspace `demo` any more");
    const forged = await harness.core.press(click({ verb: MODEL_DEPLOY_VERB, payloadId: "demo:fraud-scorer:fraud model;rm:5" }));
    expect(textOf(forged)).toContain("This button is no longer valid");
  });

  it("Ignore replaces the card with who ignored it", async () => {
    const reply = await harness.core.press(click({ verb: MODEL_IGNORE_VERB, payloadId: "demo:fraud-model:5" }, OPERATOR));
    expect(reply).toMatchObject({ mode: "replace", visibility: "channel", title: "fraud-model 5 registered" });
    expect(textOf(reply)).toContain("Ignored by ops");
  });

  it("can be typed as the terminal shows them", async () => {
    const reply = await harness.core.execute({ text: "model-deploy demo:fraud-scorer:fraud-model:5", actor: OPERATOR, channel: { platform: "slack", id: "C1" }, correlationId: "typed-1" });
    expect(reply.title).toBe("Deploy fraud-model-v5 (fraud-model:5) on fraud-scorer");
  });

  it("suggests a free deployment name within Azure ML's 32 characters", () => {
    expect(suggestedName("fraud-model", "5", [])).toBe("fraud-model-v5");
    expect(suggestedName("fraud-model", "5", [{ name: "fraud-model-v5" }])).toBe("fraud-model-v5-2");
    expect(suggestedName("a.very.long.model.name.beyond.limits", "123", [])).toBe("a-very-long-model-name-beyo-v123");
  });
});

describe("golden replies", () => {
  const running = [
    { endpoint: "fraud-scorer", deployment: "blue", version: "3", percent: 90 },
    { endpoint: "fraud-scorer", deployment: "green", version: "4", percent: 10 },
  ];
  const goldens = {
    "model-registered": modelRegisteredReply("demo", registered(), running, ["fraud-scorer"]),
    "dataset-drift": driftReply("demo", drift),
  };
  it.each(Object.entries(goldens))("%s through Slack, Teams and text", async (name, reply) => {
    const { blocks, ...rest } = renderBlockKit(reply);
    await expect(`${JSON.stringify({ blocks, ...rest }, null, 2)}\n`).toMatchFileSnapshot(`./__golden__/${name}.slack.json`);
    await expect(`${JSON.stringify(renderAdaptiveCard(reply), null, 2)}\n`).toMatchFileSnapshot(`./__golden__/${name}.teams.json`);
    await expect(`${renderText(reply)}\n`).toMatchFileSnapshot(`./__golden__/${name}.txt`);
  });
});
