import { describe, expect, it } from "vitest";
import {
  activityEnvelopeSchema,
  actorOf,
  channelRefOf,
  commandTextOf,
  conversationReferenceSchema,
  referenceOf,
  scopeOf,
  teamsJobId,
} from "../../../adapters/teams/teams-activity.js";
import { LOCAL_TEAMS, teamsCardActionInvoke, teamsMessageActivity } from "../../../tools/local/teams-activities.js";
import { ENVELOPE_FIELDS, publishedInvokeActivity, publishedMessageActivity } from "../../helpers/teams-requests.js";

describe("the published personal message activity, read as it is", () => {
  const activity = activityEnvelopeSchema.parse(publishedMessageActivity());

  it("names the user by AAD object id, the conversation without a thread suffix, the personal scope", () => {
    expect(actorOf(activity, [])).toEqual({ platform: "teams", userId: "7faf8ab2-3d56-4244-b585-20c8a42ed2b8", displayName: "Megan Bowen", groups: [] });
    expect(channelRefOf(activity)).toEqual({ platform: "teams", id: activity.conversation.id });
    expect(scopeOf(activity)).toBe("personal");
    expect(commandTextOf(activity)).toBe("Hello Teams TestBot.Sending bold-italic rich text");
  });

  it("gives a proactive reference with the tenant from channelData, threaded under the message", () => {
    const reference = conversationReferenceSchema.parse(referenceOf(activity));
    expect(reference).toMatchObject({
      channelId: "msteams",
      serviceUrl: "https://smba.trafficmanager.net/amer/",
      conversation: { conversationType: "personal", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" },
      bot: { id: "28:c9e8c047-2a74-40a2-b28a-b162d5f5327c", name: "Teams TestBot" },
      user: { aadObjectId: "7faf8ab2-3d56-4244-b585-20c8a42ed2b8" },
      activityId: "1485983408511",
    });
  });

  it("the local builder produces the same envelope fields as the published activity", () => {
    const built = teamsMessageActivity({ text: "aml show", serviceUrl: "http://127.0.0.1:1/", user: { aadObjectId: "a" } });
    for (const key of Object.keys(publishedMessageActivity())) expect(built).toHaveProperty(key);
    const invoke = teamsCardActionInvoke({ serviceUrl: "http://127.0.0.1:1/", user: { aadObjectId: "a" }, replyToId: "1", verb: "apply", data: { verb: "apply", payloadId: "p" } });
    expect(Object.keys(publishedInvokeActivity())).toEqual(expect.arrayContaining(ENVELOPE_FIELDS.filter((f) => f !== "locale").map(String)));
    for (const key of ["type", "name", "value"]) expect(invoke).toHaveProperty(key);
  });
});

describe("the command text", () => {
  const base = { recipient: { id: LOCAL_TEAMS.botId, name: LOCAL_TEAMS.botName } };

  it("drops the bot's @mention found through the mention entity, wherever it is", () => {
    const text = commandTextOf({
      ...base,
      text: "traffic <at>aml-chatops</at> fraud-scorer blue=80 green=20",
      entities: [{ type: "mention", text: "<at>aml-chatops</at>", mentioned: { id: LOCAL_TEAMS.botId, name: "aml-chatops" } }],
    });
    expect(text).toBe("traffic fraud-scorer blue=80 green=20");
  });

  it("keeps someone else's mention, and drops a leading <at>…</at> even without its entity", () => {
    expect(commandTextOf({ ...base, text: "<at>aml-chatops</at>&nbsp;aml show fraud-scorer\n" })).toBe("aml show fraud-scorer");
    const other = [{ type: "mention", text: "<at>Bob</at>", mentioned: { id: "29:bob" } }];
    expect(commandTextOf({ ...base, text: "aml show fraud-scorer <at>Bob</at>", entities: other })).toBe("aml show fraud-scorer <at>Bob</at>");
  });

  it("decodes HTML entities Teams puts in text", () => {
    expect(commandTextOf({ ...base, text: "aml traffic a=1 &amp;&amp; b &lt;x&gt; &#8212; &#x2014;" })).toBe("aml traffic a=1 && b <x> — —");
    expect(commandTextOf({ ...base, text: "aml show &#99999999; &#x110000; &#x10FFFF;" })).toBe("aml show &#99999999; &#x110000; \u{10ffff}");
  });

  it("reads a channel message built like Teams sends it, with the mention", () => {
    const activity = activityEnvelopeSchema.parse(teamsMessageActivity({ text: "aml traffic fraud-scorer blue=80 green=20", serviceUrl: "http://127.0.0.1:1/", user: { aadObjectId: "u1" }, scope: "channel", id: "42" }));
    expect(commandTextOf(activity)).toBe("aml traffic fraud-scorer blue=80 green=20");
    expect(activity.conversation.id).toBe("19:local-ml-ops@thread.tacv2;messageid=42");
    expect(channelRefOf(activity).id).toBe("19:local-ml-ops@thread.tacv2");
    expect(scopeOf(activity)).toBe("channel");
  });
});

describe("job ids", () => {
  it("are the same for a redelivered activity and differ between conversations", () => {
    const a = { id: "1", conversation: { id: "c1" } };
    expect(teamsJobId(a, {})).toBe(teamsJobId(a, { other: true }));
    expect(teamsJobId(a, {})).not.toBe(teamsJobId({ ...a, conversation: { id: "c2" } }, {}));
    expect(teamsJobId(a, {})).toMatch(/^teams:/);
    expect(teamsJobId(a, {}).length).toBeLessThanOrEqual(256);
  });
});
