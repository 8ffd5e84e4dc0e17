import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import {
  ADMIN,
  OPERATOR,
  VIEWER,
  armWrites,
  click,
  command,
  startCoreHarness,
  storedTraffic,
  textOf,
  type CoreHarness,
} from "../helpers/core-harness.js";

/** fraud-scorer gets a third deployment, `red`, so live traffic can move while green is mirrored. */
function threeDeployments() {
  const scenario = defaultScenario();
  scenario.workspaces[0]!.endpoints[0]!.deployments!.push({ name: "red", model: "azureml:fraud-model:5", instanceType: "Standard_DS3_v2", capacity: 1 });
  return scenario;
}

let h: CoreHarness;
beforeAll(async () => {
  h = await startCoreHarness({ scenario: threeDeployments() });
});
afterAll(() => h.close());
beforeEach(() => {
  h.emulator.reset();
  h.audit.records.length = 0;
});

describe("reading", () => {
  it("lists the workspace's endpoints with their traffic", async () => {
    const reply = await h.core.execute(command("endpoints"));
    expect(reply.sections).toEqual([
      { kind: "text", text: "*churn-model* · live main=100 · mirror off · AMLToken auth · Succeeded\n*fraud-scorer* · live blue=100 green=0 · mirror off · Key auth · Succeeded" },
    ]);
  });

  it("shows an endpoint's deployments, instance types, capacity, models and traffic bars", async () => {
    const reply = await h.core.execute(command("show fraud-scorer"));
    const text = textOf(reply);
    expect(reply.title).toBe("fraud-scorer · demo");
    expect(text).toContain("*blue* · 1 × Standard_DS3_v2 · Succeeded · model azureml:fraud-model:3");
    expect(reply.sections.some((s) => s.kind === "table")).toBe(false);
    expect(reply.sections.find((s) => s.kind === "traffic")).toEqual({
      kind: "traffic",
      label: "Live traffic",
      bars: [
        { deployment: "blue", percent: 100 },
        { deployment: "green", percent: 0 },
        { deployment: "red", percent: 0 },
      ],
    });
  });

  it("asks which endpoint when several fit, and lists them", async () => {
    const reply = await h.core.execute(command("show"));
    expect(reply.title).toBe("Which endpoint?");
    expect(textOf(reply)).toContain("2 endpoints exist in `demo`: `churn-model`, `fraud-scorer`.");
  });

  it("uses the channel default set with `use`", async () => {
    await h.core.execute(command("use churn-model", OPERATOR, "C-use"));
    const reply = await h.core.execute(command("show", OPERATOR, "C-use"));
    expect(reply.title).toBe("churn-model · demo");
    await h.core.execute(command("use off", OPERATOR, "C-use"));
  });

  it("names the endpoints that exist when one is not found", async () => {
    const reply = await h.core.execute(command("show fraud-scorr"));
    expect(reply.title).toBe("Endpoint not found");
    expect(textOf(reply)).toContain("Endpoints: `churn-model`, `fraud-scorer`");
  });
});

describe("traffic", () => {
  it("finds the endpoint from deployment names, previews before → after and changes nothing until Apply", async () => {
    const preview = await h.core.execute(command("traffic blue=80 green=20"));
    expect(preview.title).toBe("Traffic change on fraud-scorer");
    expect(preview.sections[0]).toMatchObject({
      kind: "traffic",
      bars: [
        { deployment: "blue", percent: 80, before: 100 },
        { deployment: "green", percent: 20, before: 0 },
        { deployment: "red", percent: 0 },
      ],
    });
    expect(preview.buttons?.map((b) => b.label)).toEqual(["Apply", "Cancel"]);
    expect(armWrites(h)).toEqual([]);

    const applied = await h.core.press(click(preview.buttons![0]!));
    expect(applied.tone).toBe("success");
    expect(applied.mode).toBe("replace");
    expect(await storedTraffic(h, "fraud-scorer")).toEqual({ traffic: { blue: 80, green: 20, red: 0 }, mirrorTraffic: {} });
    expect(h.audit.records.map((r) => [r.verb, r.outcome, r.before, r.after])).toEqual([
      ["traffic", "previewed", "blue=100 green=0", "blue=80 green=20 red=0"],
      ["apply", "ok", "blue=100 green=0", "blue=80 green=20 red=0"],
    ]);
  });

  it("applies at once with --yes and reports progress", async () => {
    const progress: string[] = [];
    const reply = await h.core.execute(command("traffic fraud-scorer blue=50 red=50 --yes"), { onProgress: (r) => progress.push(r.summary) });
    expect(reply.tone).toBe("success");
    expect(progress.some((p) => p.includes("Updating"))).toBe(true);
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toEqual({ blue: 50, green: 0, red: 50 });
  });

  it("lets the one deployment left out take up the rest", async () => {
    const two = await startCoreHarness();
    try {
      const reply = await two.core.execute(command("traffic blue=70 --yes"));
      expect(textOf(reply)).toContain("blue=70 green=30");
      expect((await storedTraffic(two, "fraud-scorer")).traffic).toEqual({ blue: 70, green: 30 });
    } finally {
      await two.close();
    }
  });

  it("refuses a split that sums to 90 with the sum, and sends nothing", async () => {
    const reply = await h.core.execute(command("traffic fraud-scorer blue=70 green=20 red=0 --yes"));
    expect(reply.tone).toBe("error");
    expect(textOf(reply)).toContain("adds up to 90 %");
    expect(armWrites(h)).toEqual([]);
    expect(h.audit.records[0]).toMatchObject({ verb: "traffic", outcome: "invalid" });
  });

  it("refuses a deployment that does not exist", async () => {
    const reply = await h.core.execute(command("traffic fraud-scorer blue=80 purple=20"));
    expect(textOf(reply)).toContain("Deployment `purple` does not exist (deployments: blue, green, red).");
  });

  it("answers a bad pair with the verb's usage", async () => {
    const reply = await h.core.execute(command("traffic fraud-scorer blue80"));
    expect(textOf(reply)).toContain("`blue80` is not a `deployment=percent` pair");
    expect(textOf(reply)).toContain("Usage: `aml traffic [endpoint] <deployment>=<percent>...");
  });

  it("shows the exact ARM request on --dry-run and sends nothing", async () => {
    const reply = await h.core.execute(command("traffic fraud-scorer blue=90 green=10 --dry-run"));
    const code = reply.sections.find((s) => s.kind === "code");
    expect(code?.kind === "code" && code.text).toMatch(/^PUT https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*\/onlineEndpoints\/fraud-scorer\?api-version=2024-10-01\n/);
    expect(code?.kind === "code" && JSON.parse(code.text.split("\n").slice(1).join("\n")).properties.traffic).toEqual({ blue: 90, green: 10, red: 0 });
    expect(armWrites(h)).toEqual([]);
  });

  it("keeps the mirror when live traffic changes after a mirror change", async () => {
    await h.core.execute(command("mirror fraud-scorer green=10 --yes"));
    await h.core.execute(command("traffic fraud-scorer blue=60 red=40 --yes"));
    expect(await storedTraffic(h, "fraud-scorer")).toEqual({ traffic: { blue: 60, green: 0, red: 40 }, mirrorTraffic: { green: 10 } });
  });

  it("refuses live traffic to the mirrored deployment, saying how to fix it", async () => {
    await h.core.execute(command("mirror fraud-scorer green=10 --yes"));
    const reply = await h.core.execute(command("traffic fraud-scorer blue=80 green=20 --yes"));
    expect(textOf(reply)).toContain("`green` receives 20 % live traffic, so it cannot also receive mirrored traffic");
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toEqual({ blue: 100, green: 0 });
  });

  it("reports a change made by someone else since the preview, and does not overwrite it", async () => {
    const preview = await h.core.execute(command("traffic fraud-scorer blue=80 green=20"));
    const id = `/subscriptions/${h.emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer`;
    h.emulator.faults.mutate(id, { properties: { traffic: { blue: 0, green: 0, red: 100 } } });
    const reply = await h.core.press(click(preview.buttons![0]!));
    expect(reply.title).toBe("Not applied: the endpoint changed");
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toEqual({ blue: 0, green: 0, red: 100 });
  });

  it("gives the loser of two concurrent changes a clear conflict message", async () => {
    const [a, b] = await Promise.all([
      h.core.execute(command("traffic fraud-scorer blue=80 green=20 --yes")),
      h.core.execute(command("traffic fraud-scorer blue=80 red=20 --yes")),
    ]);
    const tones = [a.tone, b.tone].sort();
    expect(tones).toEqual(["error", "success"]);
    const loser = a.tone === "error" ? a : b;
    expect(loser.title).toBe("Not applied: the endpoint changed");
    expect(textOf(loser)).toContain("Nothing was changed by this request.");
  });

  it("says the change failed in Azure ML and that the old configuration stays", async () => {
    h.emulator.faults.failOperations({ resourceType: "endpoint", name: "fraud-scorer" });
    const reply = await h.core.execute(command("traffic fraud-scorer blue=80 green=20 --yes"));
    expect(reply.title).toBe("The change failed in Azure ML");
    expect((await storedTraffic(h, "fraud-scorer")).traffic).toEqual({ blue: 100, green: 0 });
    expect(h.audit.records.at(-1)).toMatchObject({ outcome: "failed" });
  });

  it("reports throttling that outlasts the SDK's retries", async () => {
    h.emulator.faults.failRequests({ method: "PUT", path: "onlineEndpoints/fraud-scorer$", status: 429, retryAfterSeconds: 0, count: 10 });
    const reply = await h.core.execute(command("traffic fraud-scorer blue=80 green=20 --yes"));
    expect(reply.title).toBe("Azure is throttling requests");
  });
});

describe("buttons", () => {
  it("applies once: a second click says it was already applied", async () => {
    const preview = await h.core.execute(command("traffic fraud-scorer blue=80 green=20"));
    await h.core.press(click(preview.buttons![0]!));
    const again = await h.core.press(click(preview.buttons![0]!));
    expect(textOf(again)).toContain("This change was already applied.");
  });

  it("cancels without changing anything", async () => {
    const preview = await h.core.execute(command("traffic fraud-scorer blue=80 green=20"));
    const reply = await h.core.press(click(preview.buttons![1]!));
    expect(reply.title).toBe("Cancelled: traffic on fraud-scorer");
    expect(armWrites(h)).toEqual([]);
  });

  it("refuses an expired preview", async () => {
    const preview = await h.core.execute(command("traffic fraud-scorer blue=80 green=20"));
    h.clock.advance(16 * 60_000);
    const reply = await h.core.press(click(preview.buttons![0]!));
    expect(textOf(reply)).toContain("This preview has expired.");
    expect(armWrites(h)).toEqual([]);
  });

  it("accepts `aml apply <id>` typed by hand", async () => {
    const preview = await h.core.execute(command("scale fraud-scorer green 2"));
    const text = `aml apply ${preview.buttons![0]!.payloadId}`;
    expect(h.core.plan(command(text))).toEqual({ slow: true, ackText: "⏳ Working on it…" });
    const reply = await h.core.execute(command(text));
    expect(reply.tone).toBe("success");
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "apply", text: `apply ${preview.buttons![0]!.payloadId}`, outcome: "ok" });
  });

  it("answers a typed button without a preview id with the usage, and changes nothing", async () => {
    const reply = await h.core.execute(command("/aml cancel 42"));
    expect(reply.title).toBe("Could not run `aml cancel`");
    expect(textOf(reply)).toContain("`42` is not a valid preview id. Give the id shown with the preview's Apply and Cancel buttons.");
    expect(textOf(reply)).toContain("Usage: `aml cancel <id>`");
    expect(h.core.plan(command("cancel 42"))).toEqual({ slow: false });
    expect(armWrites(h)).toEqual([]);
  });
});

describe("scale and mirror", () => {
  it("scales a deployment and shows before → after", async () => {
    const reply = await h.core.execute(command("scale fraud-scorer green 3 --yes"));
    expect(textOf(reply)).toContain("Instances: 1 → 3");
    const deployments = await h.app.deps.endpoints.listDeployments(h.app.deps.workspaces[0]!, "fraud-scorer");
    expect(deployments.find((d) => d.name === "green")?.capacity).toBe(3);
  });

  it("refuses a count outside 1–20", async () => {
    const reply = await h.core.execute(command("scale fraud-scorer green 0"));
    expect(textOf(reply)).toContain("Instance count must be a whole number from 1 to 20, not `0`.");
  });

  it("turns the mirror on and off", async () => {
    await h.core.execute(command("mirror green=20 --yes"));
    expect((await storedTraffic(h, "fraud-scorer")).mirrorTraffic).toEqual({ green: 20 });
    await h.core.execute(command("mirror fraud-scorer off --yes"));
    expect((await storedTraffic(h, "fraud-scorer")).mirrorTraffic).toEqual({});
  });

  it("refuses more than 50 % mirrored", async () => {
    const reply = await h.core.execute(command("mirror fraud-scorer green=60"));
    expect(textOf(reply)).toContain("must be a whole number from 0 to 50, not 60");
  });
});

describe("workspaces", () => {
  it("acts on the workspace named with --workspace, by alias", async () => {
    const reply = await h.core.execute(command("show fraud-scorer --workspace demo"));
    expect(reply.title).toBe("fraud-scorer · demo");
  });

  it("refuses an unknown workspace alias and lists the configured ones", async () => {
    const reply = await h.core.execute(command("endpoints -w prod"));
    expect(textOf(reply)).toContain("No workspace is configured as `prod`. Configured: `demo`.");
    expect(h.emulator.requests).toEqual([]);
  });
});

describe("policy and help", () => {
  it("denies a viewer a change, changes nothing and audits the denial", async () => {
    const reply = await h.core.execute(command("traffic fraud-scorer blue=80 green=20 --yes", VIEWER));
    expect(reply.title).toBe("Not allowed");
    expect(textOf(reply)).toContain("You need the *operator* role");
    expect(armWrites(h)).toEqual([]);
    expect(h.audit.records[0]).toMatchObject({ outcome: "denied", userId: "UVIEW" });
  });

  it("denies a viewer the Apply button of someone else's preview", async () => {
    const preview = await h.core.execute(command("traffic fraud-scorer blue=80 green=20"));
    const reply = await h.core.press(click(preview.buttons![0]!, VIEWER));
    expect(reply.title).toBe("Not allowed");
    expect(armWrites(h)).toEqual([]);
  });

  it("lets an admin (through a group) act", async () => {
    const reply = await h.core.execute(command("scale fraud-scorer green 2 --yes", ADMIN));
    expect(reply.tone).toBe("success");
  });

  it("suggests the verb a typo meant", async () => {
    const reply = await h.core.execute(command("trafic blue=80"));
    expect(textOf(reply)).toContain("Did you mean `aml traffic`?");
  });

  it("generates help from the verb table: every listed verb once, under its group, one line each", async () => {
    const reply = await h.core.execute(command("help"));
    const groups = reply.sections.flatMap((s) => (s.kind === "text" && s.text.startsWith("*") ? [s.text.split("\n")] : []));
    expect(groups.map(([heading]) => heading)).toEqual(["*Look*", "*Change*", "*Approvals and freezes*", "*Try an endpoint*", "*Settings and help*"]);
    const listed = groups.flatMap(([, ...lines]) => lines.map((line) => /^`aml ([a-z-]+)/.exec(line)?.[1]));
    expect([...listed].sort()).toEqual(h.core.table.verbs.map((v) => v.name).sort());
    expect(groups[1]!.slice(1).map((line) => line.split(" ")[1])).toEqual(["traffic", "mirror", "scale", "revert", "deploy", "promote", "promotion", "delete", "endpoint", "keys"]);
    expect(groups[1]![1]).toBe("`aml traffic [endpoint] <deployment>=<percent>...` — Shift live traffic between deployments, with a before → after preview");
    expect(reply.sections.some((s) => s.kind === "table")).toBe(false);
  });

  it("answers help without reading the channel's defaults, and audits it without a workspace", async () => {
    const reads = vi.spyOn(h.app.deps.channels, "getDefaults");
    try {
      await h.core.execute({ ...command("help"), correlationId: "help-no-workspace" });
      expect(reads).not.toHaveBeenCalled();
      await h.core.execute({ ...command("endpoints"), correlationId: "endpoints-reads-defaults" });
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
    const help = h.audit.records.find((r) => r.correlationId === "help-no-workspace");
    expect(help).toMatchObject({ verb: "help", outcome: "ok" });
    expect(help?.workspace).toBeUndefined();
  });

  it("knows whether a command is slow, without any I/O", () => {
    expect(h.core.plan(command("traffic blue=80 green=20"))).toEqual({ slow: true, ackText: "⏳ Shifting traffic on the endpoint…" });
    expect(h.core.plan(command("help"))).toEqual({ slow: false });
    expect(h.core.plan(command("traffic blue=80", VIEWER))).toEqual({ slow: false });
  });

  it("lists a long audit history in few text sections, each within Slack's 3,000 characters", async () => {
    for (let i = 0; i < 60; i++) {
      await h.audit.append({ at: new Date(Date.UTC(2026, 10, 25, 8, i)), correlationId: `c-${i}`, platform: "slack", userId: "UOPS", channelId: "C1", verb: "traffic", text: `traffic fraud-scorer blue=${i} green=${100 - i} --yes`, workspace: "demo", endpoint: "fraud-scorer", before: "blue=100 green=0", after: `blue=${i} green=${100 - i}`, outcome: "ok" });
    }
    const reply = await h.core.execute(command("audit fraud-scorer --limit 60"));
    const texts = reply.sections.map((s) => (s.kind === "text" ? s.text : ""));
    expect(texts.join("\n\n").match(/^\*2026-11-25 08:\d\d UTC\*/gm)).toHaveLength(60);
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.length).toBeLessThan(10);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(2500);
  });

  it("lists the audit history with before → after", async () => {
    await h.core.execute(command("traffic fraud-scorer blue=80 green=20 --yes"));
    const reply = await h.core.execute(command("audit fraud-scorer"));
    expect(reply.sections).toEqual([{ kind: "text", text: expect.stringMatching(/^\*\d{4}-\d\d-\d\d \d\d:\d\d UTC\* · slack:\w+ · ok\n`traffic fraud-scorer blue=80 green=20 --yes`\nblue=100 green=0 → blue=80 green=20 red=0(\n\n|$)/) }]);
  });
});

describe("acknowledgements", () => {
  it("never echoes a command's arguments in the generic ack, which may be posted before roles are checked", () => {
    const text = 'invoke fraud-scorer {"data":[[1,2,3]],"secret-ish":"customer 42"}';
    expect(h.core.genericAckText(command(text, VIEWER))).toBe("⏳ Working on `aml invoke`…");
    expect(h.core.genericAckText(command("/aml nonsense here"))).toBe("⏳ Working on it…");
  });
});
