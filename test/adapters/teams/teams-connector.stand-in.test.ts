import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTeamsConnectorStandIn, type TeamsConnectorStandIn } from "../../../tools/local/teams-connector.stand-in.js";

let standIn: TeamsConnectorStandIn;
beforeAll(async () => {
  standIn = await startTeamsConnectorStandIn();
});
afterAll(() => standIn?.close());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${standIn.url}${path}`, { method, headers: { "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const conversation = encodeURIComponent("19:ops@thread.tacv2;messageid=1");

describe("the Bot Framework connector stand-in", () => {
  it("records sends, replies and updates as Teams shows them, with each message's history", async () => {
    const sent = await call("POST", `v3/conversations/${conversation}/activities`, { type: "message", text: "one" });
    expect(sent.status).toBe(201);
    const reply = await call("POST", `v3/conversations/${conversation}/activities/1`, { type: "message", text: "two" });
    const updated = await call("PUT", `v3/conversations/${conversation}/activities/${String(sent.json["id"])}`, { type: "message", text: "one, edited" });
    expect(updated).toEqual({ status: 200, json: { id: sent.json["id"] } });
    const first = standIn.messages.find((m) => m.id === sent.json["id"])!;
    expect(first).toMatchObject({ conversationId: "19:ops@thread.tacv2;messageid=1", via: "send", text: "one, edited", history: [{ text: "one", attachments: [] }], authorized: false });
    expect(standIn.messages.find((m) => m.id === reply.json["id"])).toMatchObject({ via: "reply", replyToId: "1", text: "two" });
    const listed = await fetch(`${standIn.url}__messages?conversation=${conversation}`).then((r) => r.json() as Promise<unknown[]>);
    expect(listed).toHaveLength(2);
  });

  it("updates a message posted to a channel when the update names one of the channel's threads, as a click on it does", async () => {
    const channel = encodeURIComponent("19:approvals@thread.tacv2");
    const card = await call("POST", `v3/conversations/${channel}/activities`, { type: "message", text: "request" });
    const id = String(card.json["id"]);
    const fromThread = encodeURIComponent(`19:approvals@thread.tacv2;messageid=${id}`);
    expect((await call("PUT", `v3/conversations/${fromThread}/activities/${id}`, { type: "message", text: "request, decided" })).status).toBe(200);
    expect(standIn.messages.find((m) => m.id === id)).toMatchObject({ conversationId: "19:approvals@thread.tacv2", text: "request, decided" });
    expect((await call("PUT", `v3/conversations/${encodeURIComponent("19:other@thread.tacv2")}/activities/${id}`, { type: "message", text: "x" })).status).toBe(404);
  });

  it("answers like the connector: 404 for an unknown message, 413 over Teams' size limit, injected failures", async () => {
    expect((await call("PUT", `v3/conversations/${conversation}/activities/404404`, { type: "message", text: "x" })).json).toEqual({ error: { code: "ActivityNotFoundInConversation", message: "Unknown activity" } });
    expect((await call("POST", `v3/conversations/${conversation}/activities`, { type: "message", text: "x".repeat(30_000) })).status).toBe(413);
    standIn.failNext("send", 503);
    expect((await call("POST", `v3/conversations/${conversation}/activities`, { type: "message", text: "x" })).status).toBe(503);
    expect((await call("POST", `v3/conversations/${conversation}/activities`, { type: "message", text: "x" })).status).toBe(201);
  });

  it("opens one 1:1 conversation per member and tenant, as Teams returns the existing chat", async () => {
    const params = { isGroup: false, bot: { id: "28:bot" }, members: [{ id: "29:megan", name: "Megan" }], tenantId: "t1" };
    const first = await call("POST", "v3/conversations", params);
    const again = await call("POST", "v3/conversations", { ...params, activity: { type: "message", text: "hello" } });
    expect(first.status).toBe(201);
    expect(again.json["id"]).toBe(first.json["id"]);
    expect(standIn.conversations.filter((c) => c.id === first.json["id"])).toEqual([{ id: first.json["id"], isGroup: false, tenantId: "t1", members: [{ id: "29:megan", name: "Megan" }] }]);
    expect(standIn.messages.find((m) => m.id === again.json["activityId"])).toMatchObject({ conversationId: first.json["id"], text: "hello" });
    expect((await call("POST", "v3/conversations", { ...params, members: [] })).status).toBe(400);
  });
});
