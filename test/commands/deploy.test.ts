/**
 * `aml deploy` and `aml models` through the real core, the real ARM ports and the AML emulator: the preview reads
 * the model registry, the deployment it copies and the quota; Apply starts the provisioning, and follow-ups (run
 * in-process here, on the job queue in the runtime) update one status card until the deployment is ready or fails.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Reply } from "../../commands/reply.js";
import type { InProcessFollowUps } from "../../src/memory/in-process.follow-ups.js";
import { armWrites, click, command, startCoreHarness, storedTraffic, textOf, TEST_POLICY, VIEWER, type CoreHarness } from "../helpers/core-harness.js";
import { recordingNotifier, type RecordingNotifier } from "../helpers/recording-notifier.js";

let h: CoreHarness;
let chat: RecordingNotifier;
beforeAll(async () => {
  chat = recordingNotifier();
  h = await startCoreHarness({
    notifier: chat,
    provisionDelayInMs: 300,
    policy: {
      ...TEST_POLICY,
      approvals: [{ workspace: "demo", endpoints: ["churn-model"], verbs: ["deploy"], approvers: { users: ["slack:UALICE"] } }],
    },
  });
});
afterAll(() => h.close());
beforeEach(() => {
  h.emulator.reset();
  chat.messages.length = 0;
});

const followUps = (): InProcessFollowUps => h.app.deps.followUps as InProcessFollowUps;

/** The status card of the one deploy of a test, as the channel shows it now. */
function statusCard(): Reply {
  const card = chat.messages.find((m) => m.updateKey?.startsWith("deploy:"));
  expect(card, "a status card was posted").toBeDefined();
  return card!.versions.at(-1)!;
}

async function deployAndApply(text: string): Promise<Reply> {
  const preview = await h.core.execute(command(text));
  const apply = preview.buttons?.find((b) => b.label === "Apply");
  expect(apply, textOf(preview)).toBeDefined();
  return h.core.press(click(apply!));
}

describe("aml models", () => {
  it("lists a model's versions newest first, with the deployments that run each", async () => {
    const reply = await h.core.execute(command("models fraud-model"));
    const list = reply.sections[0];
    expect(list?.kind === "text" && list.text.split("\n").map((l) => /^\*(\d+)\* · /.exec(l)?.[1])).toEqual(["5", "4", "3", "2", "1"]);
    expect(textOf(reply)).toContain("fraud-scorer/blue (100 %)");
    expect(textOf(reply)).toContain("fraud-scorer/green (0 %)");
  });

  it("says so for a model that is not registered", async () => {
    expect(textOf(await h.core.execute(command("models no-such-model")))).toContain("has no registered model `no-such-model`");
  });
});

describe("aml deploy", () => {
  it("previews a copy of the busiest deployment with the new model, its quota, and sends nothing", async () => {
    const preview = await h.core.execute(command("deploy fraud-scorer green2 --model fraud-model:5"));
    expect(preview.title).toBe("Deploy green2 (fraud-model:5) on fraud-scorer");
    expect(textOf(preview)).toContain("New deployment `green2`, copied from blue:");
    expect(preview.sections.find((s) => s.kind === "fields")).toEqual({
      kind: "fields",
      fields: [
        { label: "Model", value: "fraud-model:3 → fraud-model:5" },
        { label: "Instance type", value: "Standard_DS3_v2 (as blue)" },
        { label: "Instances", value: "1 (as blue)" },
      ],
    });
    expect(textOf(preview)).toMatch(/Quota: needs \d+ \w+ cores/);
    expect(textOf(preview)).toContain("starts at 0 % on fraud-scorer");
    expect(armWrites(h)).toEqual([]);
  });

  it("creates it at 0 % after Apply; its status card follows the provisioning to ready, and live traffic never moves", async () => {
    const before = await storedTraffic(h, "fraud-scorer");
    const applied = await deployAndApply("deploy fraud-scorer green2 --model fraud-model:5");
    expect(applied.title).toBe("Deploying green2 on fraud-scorer");
    expect(armWrites(h)).toEqual([expect.stringMatching(/^PUT .*onlineEndpoints\/fraud-scorer\/deployments\/green2$/)]);
    await followUps().settled();
    const versions = chat.messages.find((m) => m.updateKey?.startsWith("deploy:"))!.versions;
    expect(versions[0]!.title).toBe("⏳ Creating green2 on fraud-scorer");
    expect(statusCard().title).toBe("Ready: green2 on fraud-scorer");
    expect(textOf(statusCard())).toContain("aml invoke fraud-scorer --deployment green2");
    expect(await storedTraffic(h, "fraud-scorer")).toEqual(before);
    const green2 = await h.app.deps.endpoints.getDeployment(h.app.deps.workspaces[0]!, "fraud-scorer", "green2");
    expect(green2?.provisioningState).toBe("Succeeded");
    expect(followUps().failures).toEqual([]);
  });

  it("ends with buttons to try it: each runs its command as the clicker, in a new message, and the Ready card stays", async () => {
    await h.core.execute(command('sample save fraud-scorer small {"data": [[1,2,3,4,5,6,7,8,9,10]]}'));
    await deployAndApply("deploy fraud-scorer green2 --model fraud-model:5");
    await followUps().settled();
    const ready = statusCard();
    expect(ready.buttons?.map((b) => b.label)).toEqual(["Invoke @small", "Mirror 10 %", "Traffic 10 %", "Promote"]);
    expect(textOf(ready)).toContain("aml invoke fraud-scorer --deployment green2 @small");
    const button = (label: string) => ready.buttons!.find((b) => b.label === label)!;

    const mirror = await h.core.execute(command(`${button("Mirror 10 %").verb} ${button("Mirror 10 %").payloadId}`)); // typed, as the terminal shows it
    expect(mirror.mode).toBe("new");
    expect(mirror.summary).toMatch(/mirror green2=10/);
    expect(mirror.buttons?.map((b) => b.verb)).toEqual(["apply", "cancel"]);
    const traffic = await h.core.press(click(button("Traffic 10 %")));
    expect(traffic.summary).toMatch(/green2=10/);
    const promote = await h.core.press(click(button("Promote")));
    expect(promote.mode).toBe("new");
    expect(promote.title).toBe("Promote green2 on fraud-scorer");
    expect(textOf(promote)).toContain("1. mirror 10 %");
    const invoked = await h.core.press(click(button("Invoke @small")));
    expect(invoked.mode).toBe("new");
    expect(textOf(invoked)).toContain("green2");
    expect(textOf(invoked)).toContain("200");
    expect(armWrites(h)).toHaveLength(1); // the deploy's PUT: the steps previewed, invoked, and changed nothing
    expect(h.audit.records.slice(-4).map((r) => r.text)).toEqual([
      "mirror fraud-scorer green2=10 --workspace demo",
      "traffic fraud-scorer green2=10 --workspace demo",
      "promote fraud-scorer green2 --workspace demo",
      "invoke fraud-scorer @small --deployment green2 --workspace demo",
    ]);

    // Someone without the role gets the refusal the command would give; a forged button, that it is not valid.
    expect((await h.core.press(click(button("Mirror 10 %"), VIEWER))).title).toBe("Not allowed");
    expect(textOf(await h.core.press(click({ verb: "try-mirror", payloadId: "no-such-change" })))).toContain("This button is no longer valid");
  });

  it.each([
    ["ResourceNotReady", "readiness probe", "InferenceServer"],
    ["ImageBuildFailure", "image did not build", "InferenceServer"],
    ["BadArgument", "registered in this workspace", "StorageInitializer"],
    ["OutOfQuota", "could not get the cores", undefined],
  ] as const)("explains a %s with the fix and the log, and leaves traffic alone", async (failure, explanation, log) => {
    h.emulator.faults.failOperations({ failure, name: "canary" });
    const before = await storedTraffic(h, "fraud-scorer");
    await deployAndApply("deploy fraud-scorer canary --model fraud-model:5");
    await followUps().settled();
    const card = statusCard();
    expect(card.title).toBe("Failed: canary on fraud-scorer");
    expect(textOf(card)).toContain(`*${failure}*`);
    expect(textOf(card)).toContain(explanation);
    if (log) expect(textOf(card)).toContain(`Last lines of the ${log} log`);
    expect(await storedTraffic(h, "fraud-scorer")).toEqual(before);
  });

  it("refuses an existing name, an unknown version, a bad reference and a deployment beyond the quota, changing nothing", async () => {
    expect(textOf(await h.core.execute(command("deploy fraud-scorer blue --model fraud-model:5")))).toContain("(`blue2` is free)");
    expect(textOf(await h.core.execute(command("deploy fraud-scorer green2 --model fraud-model:9")))).toContain("has no version 9. Latest versions: 5, 4, 3, 2, 1");
    expect(textOf(await h.core.execute(command("deploy fraud-scorer green2 --model a:b:c")))).toContain("is not a model reference");
    expect(textOf(await h.core.execute(command("deploy fraud-scorer green2")))).toContain("--model <name>:<version>");
    expect(textOf(await h.core.execute(command("deploy fraud-scorer green2 --model fraud-model:5 --instance-type Standard_E64s_v3 --instances 20")))).toContain("Not enough quota");
    expect(armWrites(h)).toEqual([]);
  });

  it("waits for approval where a rule says so", async () => {
    const reply = await h.core.execute(command("deploy churn-model main2 --model churn-model:12"));
    expect(textOf(reply)).toContain("waits for 1 approval");
    expect(armWrites(h)).toEqual([]);
  });
});

describe("aml delete", () => {
  it("refuses a deployment that serves live or mirror traffic, saying how to move it", async () => {
    const reply = await h.core.execute(command("delete fraud-scorer blue"));
    expect(reply.title).toBe("Still serving");
    expect(textOf(reply)).toContain("`aml traffic fraud-scorer blue=0 …`");
    expect(armWrites(h)).toEqual([]);
  });

  it("deletes one with no traffic after Apply; the status card says when it is gone", async () => {
    await deployAndApply("deploy fraud-scorer green3 --model fraud-model:5");
    await followUps().settled();
    chat.messages.length = 0;
    const deleted = await deployAndApply("delete fraud-scorer green3");
    expect(deleted.title).toBe("Deleting green3 on fraud-scorer");
    await followUps().settled();
    expect(statusCard().title).toBe("Deleted: green3 on fraud-scorer");
    expect(await h.app.deps.endpoints.getDeployment(h.app.deps.workspaces[0]!, "fraud-scorer", "green3")).toBeUndefined();
  });
});

describe("aml keys rotate", () => {
  const invoke = 'invoke fraud-scorer {"data": [[1,2,3,4,5,6,7,8,9,10]]}';

  it("rotates a key after Apply without ever showing it; the bot drops its cached key at once, so its next call never sees a 401", async () => {
    expect((await h.core.execute(command(invoke))).title).not.toBe("Something went wrong");
    const done = await deployAndApply("keys rotate fraud-scorer primary");
    expect(done.title).toBe("Primary key of fraud-scorer rotated");
    expect(h.emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith("/regenerateKeys"))).toHaveLength(1);
    expect(JSON.stringify(done)).not.toMatch(/[A-Za-z0-9+/]{32,}/);
    const since = h.emulator.requests.length;
    const after = await h.core.execute(command(invoke));
    expect(textOf(after)).toContain("200");
    const calls = h.emulator.requests.slice(since);
    expect(calls.filter((r) => r.status === 401)).toEqual([]);
    expect(calls.filter((r) => r.path.endsWith("/listKeys"))).toHaveLength(1);
  });

  it("refuses an endpoint that uses tokens, and a key that is neither primary nor secondary", async () => {
    expect(textOf(await h.core.execute(command("keys rotate churn-model primary")))).toContain("it has no keys");
    expect(textOf(await h.core.execute(command("keys rotate fraud-scorer tertiary")))).toContain("`primary` or `secondary`");
    expect(h.emulator.requests.filter((r) => r.path.endsWith("/regenerateKeys"))).toEqual([]);
  });
});

describe("aml endpoint create, then a first deployment copied from another endpoint", () => {
  it("creates the endpoint after Apply, shows its scoring URI when ready, and deploys to it with --from endpoint/deployment", async () => {
    const created = await deployAndApply("endpoint create churn-v2 --auth aml-token");
    expect(created.title).toBe("Creating endpoint churn-v2");
    await followUps().settled();
    expect(statusCard().title).toBe("Ready: endpoint churn-v2");
    expect(textOf(statusCard())).toContain("Scoring URI: `https://");
    const ws = h.app.deps.workspaces[0]!;
    expect((await h.app.deps.endpoints.getEndpoint(ws, "churn-v2"))?.authMode).toBe("AMLToken");
    expect(textOf(await h.core.execute(command("deploy churn-v2 main --model churn-model:12")))).toContain("--from <endpoint>/<deployment>");
    chat.messages.length = 0;
    await deployAndApply("deploy churn-v2 main --model churn-model:12 --from churn-model/main");
    await followUps().settled();
    expect(statusCard().title).toBe("Ready: main on churn-v2");
    expect((await h.app.deps.endpoints.getDeployment(ws, "churn-v2", "main"))?.provisioningState).toBe("Succeeded");
  });

  it("refuses a name in use and an unknown auth mode", async () => {
    expect(textOf(await h.core.execute(command("endpoint create fraud-scorer")))).toContain("already has an endpoint `fraud-scorer`");
    expect(textOf(await h.core.execute(command("endpoint create new-one --auth password")))).toContain("`--auth` is `key`, `aml-token` or `aad-token`");
    expect(armWrites(h)).toEqual([]);
  });
});

describe("a deploy holds its endpoint", () => {
  it("refuses other changes while a deployment is still being created, naming the deploy, and lets them through after", async () => {
    await deployAndApply("deploy fraud-scorer green4 --model fraud-model:5");
    // Held in Creating, as a slow image build would: Azure ML's own state is the lock.
    const green4 = `/subscriptions/${h.emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer/deployments/green4`;
    await followUps().settled();
    h.emulator.faults.mutate(green4, { properties: { provisioningState: "Creating" } });
    const refused = await h.core.execute(command("traffic fraud-scorer blue=90 green=10"));
    expect(refused.title).toBe("fraud-scorer is busy");
    expect(textOf(refused)).toContain("`green4` is creating (`aml deploy` by");
    expect(textOf(refused)).toContain("aml show fraud-scorer");
    h.emulator.faults.mutate(green4, { properties: { provisioningState: "Succeeded" } });
    expect((await h.core.execute(command("traffic fraud-scorer blue=90 green=10"))).buttons?.map((b) => b.label)).toEqual(["Apply", "Cancel"]);
  });
});

describe("aml revert after a deploy", () => {
  it("proposes deleting the new deployment, and Apply removes it", async () => {
    await deployAndApply("deploy fraud-scorer green5 --model fraud-model:5");
    await followUps().settled();
    const preview = await h.core.execute(command("revert fraud-scorer"));
    expect(textOf(preview)).toContain("green5");
    const apply = preview.buttons?.find((b) => b.label === "Apply");
    expect(apply, textOf(preview)).toBeDefined();
    await h.core.press(click(apply!));
    await followUps().settled();
    expect(await h.app.deps.endpoints.getDeployment(h.app.deps.workspaces[0]!, "fraud-scorer", "green5")).toBeUndefined();
  });
});
