/**
 * `aml alerts bind | unbind | list` through the real core (composition root, in-memory stores): who may change
 * bindings, which channel a binding names, and what the list shows. A channel picked in chat reaches the core as
 * the adapters hand it over: through their channel-mention normaliser.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { normaliseSlackChannelMentions, normaliseTeamsChannelMentions } from "../../../adapters/channel-mentions.js";
import type { Actor } from "../../../commands/invocation.js";
import type { App } from "../../../src/compose.js";
import { command, OPERATOR, TEST_POLICY, textOf, VIEWER } from "../../helpers/core-harness.js";
import { createTestApp } from "../../helpers/slack-stack.js";

const TEAMS_OPERATOR: Actor = { platform: "teams", userId: "aad-ops", groups: ["aad-admins"] };

let app: App;
beforeEach(() => {
  app = createTestApp({ policy: TEST_POLICY, overrides: { clock: { now: () => new Date("2026-11-25T09:00:00Z") } } });
});

const run = (text: string, actor: Actor = OPERATOR, channel = "C1") => app.core.execute(command(text, actor, channel));

describe("aml alerts", () => {
  it("binds the current channel to a workspace, once", async () => {
    const reply = await run("alerts bind demo");
    expect(reply.title).toBe("Alerts of demo go to this channel");
    expect((await run("alerts bind demo")).title).toBe("Alerts of demo already go to this channel");
    expect(await app.deps.alertBindings.list()).toEqual([{ workspace: "demo", channel: { platform: "slack", id: "C1" }, boundBy: "ops", boundAt: new Date("2026-11-25T09:00:00Z") }]);
  });

  it("binds another Slack channel named as Slack links it, or by its id", async () => {
    await run(normaliseSlackChannelMentions("alerts bind demo <#C0ALERTS|ml-alerts>"));
    await run("alerts bind demo C0OTHER42");
    expect((await app.deps.alertBindings.list()).map((b) => b.channel.id)).toEqual(["C0ALERTS", "C0OTHER42"]);
  });

  it("refuses a bare #name, which the bot cannot post to, and says what to do instead", async () => {
    const reply = await run("alerts bind demo #ml-alerts");
    expect(reply.tone).toBe("error");
    expect(textOf(reply)).toContain("run the command in that channel, or give the channel's id");
    expect(await app.deps.alertBindings.list()).toEqual([]);
  });

  it("binds a Teams channel by its conversation id, or @mentioned, on Teams", async () => {
    await run("alerts bind demo 19:abc-DEF_1@thread.tacv2", TEAMS_OPERATOR);
    const mention = { type: "mention", text: "<at>ML Alerts</at>", mentioned: { id: "19:alerts@thread.tacv2", name: "ML Alerts" } };
    await run(normaliseTeamsChannelMentions("alerts bind demo <at>ML Alerts</at>", [mention]), TEAMS_OPERATOR);
    expect((await app.deps.alertBindings.list()).map((b) => b.channel)).toEqual([
      { platform: "teams", id: "19:abc-DEF_1@thread.tacv2" },
      { platform: "teams", id: "19:alerts@thread.tacv2" },
    ]);
  });

  it("reads no platform's markup: a Slack link or a Teams mention that no adapter normalised is refused", async () => {
    for (const word of ["<#C0ALERTS|ml-alerts>", "<at>General</at>", "ml-alerts"]) {
      const reply = await run(`alerts bind demo ${word}`);
      expect(reply.tone).toBe("error");
      expect(textOf(reply)).toContain("is not a channel the bot can post to by name");
    }
    expect(await app.deps.alertBindings.list()).toEqual([]);
  });

  it("refuses an unknown workspace and a viewer, changing nothing", async () => {
    expect(textOf(await run("alerts bind nowhere"))).toContain("No workspace is configured as `nowhere`");
    expect((await run("alerts bind demo", VIEWER)).title).toBe("Not allowed");
    expect(await app.deps.alertBindings.list()).toEqual([]);
  });

  it("unbinds, and says so when there was nothing to unbind", async () => {
    await run("alerts bind demo");
    expect((await run("alerts unbind demo")).title).toBe("Alerts of demo no longer go to this channel");
    expect((await run("alerts unbind demo")).title).toBe("Nothing to unbind");
  });

  it("lists bindings for viewers, marking this channel", async () => {
    await run("alerts bind demo");
    await run(normaliseSlackChannelMentions("alerts bind demo <#C0ALERTS>"));
    const reply = await run("alerts list", VIEWER, "C1");
    expect(reply.sections).toEqual([{ kind: "text", text: "*demo* → slack C0ALERTS · bound by ops, 2026-11-25 09:00 UTC\n*demo* → slack C1 (here) · bound by ops, 2026-11-25 09:00 UTC" }]);
    expect(textOf(await run("alerts list demo", VIEWER))).toContain("demo");
  });

  it("answers a usage problem with the verb's usage", async () => {
    const reply = await run("alerts frobnicate");
    expect(textOf(reply)).toContain("`frobnicate` is not an alerts action");
    expect(textOf(reply)).toContain("Usage: `aml alerts bind <workspace> [#channel]");
  });
});
