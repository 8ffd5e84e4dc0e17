import { describe, expect, it } from "vitest";
import type { Reply } from "../../commands/reply.js";
import type { TeamsConversationReference } from "../../adapters/teams/teams-activity.js";
import { TableConversationReferences } from "../../src/storage/table.conversation-references.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

async function store(): Promise<TableConversationReferences> {
  const name = uniqueTableName("teamsconv");
  await fixture.clients.ensure({ tables: [name] });
  return new TableConversationReferences(fixture.clients.table(name));
}

const personal: TeamsConversationReference = {
  channelId: "msteams",
  serviceUrl: "https://smba.trafficmanager.net/amer/",
  conversation: { id: "a:17I0kl9EkpE1O9PH5TWrzrLNwnW/x#y?z", conversationType: "personal", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" },
  bot: { id: "28:c9e8c047-2a74-40a2-b28a-b162d5f5327c", name: "Teams TestBot" },
  user: { id: "29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw", name: "Megan Bowen", aadObjectId: "7faf8ab2-3d56-4244-b585-20c8a42ed2b8" },
  activityId: "1485983408511",
};

describe("TableConversationReferences", () => {
  it("saves a reference by conversation id (any characters) and finds a personal chat by the user's AAD id", async () => {
    const s = await store();
    await s.saveReference(personal);
    expect(await s.getReference(personal.conversation.id)).toEqual(personal);
    const { activityId: _threaded, ...conversationWide } = personal;
    expect(await s.getPersonalReference("7faf8ab2-3d56-4244-b585-20c8a42ed2b8")).toEqual(conversationWide);
    expect(await s.getReference("a:unknown")).toBeUndefined();
    expect(await s.getPersonalReference("someone-else")).toBeUndefined();
  });

  it("does not index a channel conversation as anyone's personal chat", async () => {
    const s = await store();
    await s.saveReference({ ...personal, conversation: { id: "19:ops@thread.tacv2", conversationType: "channel", isGroup: true } });
    expect(await s.getPersonalReference("7faf8ab2-3d56-4244-b585-20c8a42ed2b8")).toBeUndefined();
  });

  it("also keeps a channel's own reference when it hears from one of its threads, for posts to the channel", async () => {
    const s = await store();
    const thread = { ...personal, conversation: { id: "19:ops@thread.tacv2;messageid=1700000000001", conversationType: "channel", isGroup: true } };
    await s.saveReference(thread);
    expect(await s.getReference(thread.conversation.id)).toEqual(thread);
    const { activityId: _threaded, ...channel } = thread;
    expect(await s.getReference("19:ops@thread.tacv2")).toEqual({ ...channel, conversation: { ...thread.conversation, id: "19:ops@thread.tacv2" } });
  });

  it("keeps the Reply behind a posted card, by channel and message, and overwrites it", async () => {
    const s = await store();
    const reply: Reply = { title: "Preview", sections: [{ kind: "text", text: "before → after" }], buttons: [{ label: "Apply", verb: "apply", payloadId: "p1" }], visibility: "channel", mode: "new", summary: "Preview" };
    await s.saveCard("19:ops@thread.tacv2", "1700000000001", reply);
    expect(await s.getCard("19:ops@thread.tacv2", "1700000000001")).toEqual(reply);
    await s.saveCard("19:ops@thread.tacv2", "1700000000001", { ...reply, buttons: [] });
    expect((await s.getCard("19:ops@thread.tacv2", "1700000000001"))?.buttons).toEqual([]);
    expect(await s.getCard("19:ops@thread.tacv2", "1700000000002")).toBeUndefined();
  });

  it("refuses what a table property cannot hold, and a reference that is not one", async () => {
    const s = await store();
    const huge: Reply = { sections: [{ kind: "code", text: "x".repeat(40_000) }], visibility: "channel", mode: "new", summary: "big" };
    await expect(s.saveCard("c", "1", huge)).rejects.toThrow(RangeError);
    await expect(s.saveReference({ ...personal, serviceUrl: "not a url" })).rejects.toThrow();
  });
});
