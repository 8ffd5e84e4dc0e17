/**
 * Each platform's channel mention becomes the core's neutral `<channel:ID>` before the core sees the text; nothing
 * else in the text changes.
 */
import { describe, expect, it } from "vitest";
import { normaliseSlackChannelMentions, normaliseTeamsChannelMentions } from "../../adapters/channel-mentions.js";
import { readChannelReference } from "../../commands/channel-reference.js";

describe("Slack channel mentions", () => {
  it("turns each channel link, with or without its name, into a neutral reference", () => {
    expect(normaliseSlackChannelMentions("alerts bind prod <#C0ALERTS|ml-alerts>")).toBe("alerts bind prod <channel:C0ALERTS>");
    expect(normaliseSlackChannelMentions("alerts bind prod <#G0PRIVATE>")).toBe("alerts bind prod <channel:G0PRIVATE>");
    expect(normaliseSlackChannelMentions("<#C1|a> and <#C2|>")).toBe("<channel:C1> and <channel:C2>");
    expect(readChannelReference(normaliseSlackChannelMentions("<#C0ALERTS|ml-alerts>"))).toBe("C0ALERTS");
  });

  it("leaves users, user groups, links, bare #names and what the user typed (escaped by Slack) alone", () => {
    const text = "invoke x <@U123|ann> <!subteam^S1|@ops> <https://example.com|site> #ml-alerts &lt;#C9|typed&gt;";
    expect(normaliseSlackChannelMentions(text)).toBe(text);
  });
});

describe("Teams channel mentions", () => {
  const channel = { type: "mention", text: "<at>ML Alerts</at>", mentioned: { id: "19:abc-DEF_1@thread.tacv2", name: "ML Alerts" } };
  const bot = { type: "mention", text: "<at>aml-chatops</at>", mentioned: { id: "28:bot-app-id", name: "aml-chatops" } };
  const person = { type: "mention", text: "<at>Ann</at>", mentioned: { id: "29:1abc", name: "Ann" } };

  it("turns an @mentioned channel into a neutral reference with its conversation id", () => {
    const text = "<at>aml-chatops</at> alerts bind prod <at>ML Alerts</at>";
    expect(normaliseTeamsChannelMentions(text, [bot, channel])).toBe("<at>aml-chatops</at> alerts bind prod <channel:19:abc-DEF_1@thread.tacv2>");
  });

  it("replaces one occurrence per entity, so a channel mentioned twice is replaced twice", () => {
    const general = { type: "mention", text: "<at>General</at>", mentioned: { id: "19:general@thread.skype" } };
    expect(normaliseTeamsChannelMentions("<at>General</at> <at>General</at>", [general, general])).toBe("<channel:19:general@thread.skype> <channel:19:general@thread.skype>");
  });

  it("leaves people, the bot, tags, malformed entities and a text without entities alone", () => {
    const tag = { type: "mention", text: "<at>oncall</at>", mentioned: { id: "MjcyYzA2", type: "tag" } };
    const text = "alerts bind prod <at>Ann</at> <at>oncall</at> <at>ML Alerts</at>";
    expect(normaliseTeamsChannelMentions(text, [person, tag, null, "x", { type: "clientInfo" }, { type: "mention", text: "", mentioned: channel.mentioned }])).toBe(text);
    expect(normaliseTeamsChannelMentions(text, undefined)).toBe(text);
  });

  it("keeps a `$` in the channel's name from being read as a replacement pattern", () => {
    const odd = { type: "mention", text: "<at>$& costs</at>", mentioned: { id: "19:odd@thread.v2" } };
    expect(normaliseTeamsChannelMentions("alerts bind prod <at>$& costs</at>", [odd])).toBe("alerts bind prod <channel:19:odd@thread.v2>");
  });
});
