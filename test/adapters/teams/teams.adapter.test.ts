/**
 * The Teams adapter's HTTP side, wired as the runtime wires it (real core, real botbuilder CloudAdapter in
 * anonymous local mode, conversation store on Azurite), against the Bot Framework connector stand-in. Jobs are
 * recorded here; the worker side runs in teams.e2e.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Reply } from "../../../commands/reply.js";
import { createTeamsAdapter, type TeamsAdapter } from "../../../adapters/teams/teams.adapter.js";
import { CHAT_JOB_KIND } from "../../../adapters/chat-job.js";
import { startTeamsConnectorStandIn, type TeamsConnectorStandIn } from "../../../tools/local/teams-connector.stand-in.js";
import { TableConversationReferences } from "../../../src/storage/table.conversation-references.js";
import { uniqueTableName, useAzurite } from "../../helpers/azurite.js";
import { memoryLogger } from "../../helpers/slack-requests.js";
import { createTestApp } from "../../helpers/slack-stack.js";
import { renderAdaptiveCard } from "../../../adapters/teams/adaptive-card.renderer.js";
import { replies } from "../fixtures/replies.js";
import { actionData, cardButtons, cardOf, publishedInvokeActivity, publishedMessageActivity, recordingTeamsJobs, teamsRequest, type Activity } from "../../helpers/teams-requests.js";

const storage = useAzurite();
let connector: TeamsConnectorStandIn;
beforeAll(async () => {
  connector = await startTeamsConnectorStandIn();
});
afterAll(() => connector?.close());

const MEGAN = "7faf8ab2-3d56-4244-b585-20c8a42ed2b8";
const POLICY = { bindings: [{ role: "operator" as const, users: [`teams:${MEGAN}`] }] };

let store: TableConversationReferences;
let jobs: ReturnType<typeof recordingTeamsJobs>;
let adapter: TeamsAdapter;
let logger: ReturnType<typeof memoryLogger>;
/** The stand-in lives for the whole file: each test looks at what it posted since the test began. */
let seen = 0;
const posted = () => connector.messages.slice(seen);

function newAdapter(options: { failQueue?: boolean } = {}): TeamsAdapter {
  jobs = recordingTeamsJobs(options.failQueue ? () => new Error("queue down") : undefined);
  return createTeamsAdapter({
    core: createTestApp({ policy: POLICY }).core,
    auth: { type: "anonymous" },
    jobs,
    store,
    logger,
    // Local mode: replies go to the stand-in whatever the activity's serviceUrl (the fixture's is Teams' own).
    serviceUrlOverride: connector.url,
  });
}

beforeEach(async () => {
  const table = uniqueTableName("teamsconv");
  await storage.clients.ensure({ tables: [table] });
  store = new TableConversationReferences(storage.clients.table(table));
  logger = memoryLogger();
  adapter = newAdapter();
  seen = connector.messages.length;
});

const inConversation = (conversationId: string) => posted().filter((m) => m.conversationId === conversationId);

/** The published message activity moved to a channel thread, the bot @mentioned as Teams does there. */
function channelMessage(text: string, id = `${Date.now()}${Math.random().toString().slice(2, 6)}`): Activity {
  const published = publishedMessageActivity();
  const recipient = published["recipient"] as { id: string; name: string };
  const at = `<at>${recipient.name}</at>`;
  return {
    ...published,
    id,
    conversation: { conversationType: "channel", id: `19:ops@thread.tacv2;messageid=${id}`, isGroup: true, tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" },
    text: `${at} ${text}`,
    entities: [...(published["entities"] as unknown[]), { type: "mention", text: at, mentioned: { id: recipient.id, name: recipient.name } }],
  };
}

describe("Teams messages", () => {
  it("answers the published personal message activity, as it is, in its conversation, and remembers the conversation", async () => {
    const activity = publishedMessageActivity();
    const res = await adapter.handleHttp(teamsRequest(activity));
    expect(res.status).toBe(200);
    const [reply, ...more] = inConversation(String((activity["conversation"] as Activity)["id"]));
    expect(more).toEqual([]);
    expect(reply).toMatchObject({ via: "reply", replyToId: "1485983408511", authorized: false });
    expect(JSON.stringify(cardOf(reply))).toContain("Unknown command");
    expect(jobs.jobs).toEqual([]);

    const conversationId = String((activity["conversation"] as Activity)["id"]);
    expect(await store.getReference(conversationId)).toMatchObject({ serviceUrl: connector.url, conversation: { id: conversationId }, bot: { id: "28:c9e8c047-2a74-40a2-b28a-b162d5f5327c" } });
    expect(await store.getPersonalReference(MEGAN)).toMatchObject({ conversation: { id: conversationId }, user: { aadObjectId: MEGAN } });
  });

  it("acks a slow command at once in a channel thread and queues it with the reference and the ack's id", async () => {
    const activity = channelMessage("traffic fraud-scorer blue=80 green=20");
    const started = performance.now();
    const res = await adapter.handleHttp(teamsRequest(activity));
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(res.status).toBe(200);
    const conversationId = String((activity["conversation"] as Activity)["id"]);
    const [ack] = inConversation(conversationId);
    expect(JSON.stringify(cardOf(ack))).toContain("⏳ Shifting traffic on fraud-scorer…");
    expect(jobs.jobs).toHaveLength(1);
    const job = jobs.jobs[0]!;
    expect(job.kind).toBe(CHAT_JOB_KIND);
    expect(job.payload).toMatchObject({
      platform: "teams",
      request: { text: "traffic fraud-scorer blue=80 green=20" },
      actor: { userId: MEGAN, displayName: "Megan Bowen" },
      channelId: "19:ops@thread.tacv2",
      address: {
        ackActivityId: ack!.id,
        scope: "channel",
        reference: { serviceUrl: connector.url, conversation: { id: conversationId, tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" }, activityId: activity["id"] },
      },
    });
  });

  it("queues a redelivered message once", async () => {
    const activity = channelMessage("scale fraud-scorer green 2");
    await adapter.handleHttp(teamsRequest(activity));
    await adapter.handleHttp(teamsRequest(activity));
    expect(jobs.jobs).toHaveLength(1);
  });

  it("says so on the ack card when the queue is down, and queues nothing", async () => {
    adapter = newAdapter({ failQueue: true });
    const activity = channelMessage("traffic fraud-scorer blue=70 green=30");
    expect((await adapter.handleHttp(teamsRequest(activity))).status).toBe(200);
    const [ack] = inConversation(String((activity["conversation"] as Activity)["id"]));
    expect(ack!.history).toHaveLength(1);
    expect(JSON.stringify(cardOf(ack))).toContain("Could not start");
    expect(logger.lines.some((l) => l.level === "error" && l.message === "teams job could not be queued")).toBe(true);
  });

  it("sends requester-only answers in a channel to the 1:1 chat and leaves a one-line notice in the thread", async () => {
    const activity = channelMessage("help");
    await adapter.handleHttp(teamsRequest(activity));
    const [notice] = inConversation(String((activity["conversation"] as Activity)["id"]));
    expect(JSON.stringify(cardOf(notice))).toContain("Answered Megan Bowen in a private chat with aml-chatops");
    const personal = connector.conversations.find((c) => c.members.some((m) => m.id === "29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw"));
    expect(personal).toMatchObject({ isGroup: false, tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" });
    expect(JSON.stringify(cardOf(inConversation(personal!.id)[0]))).toContain("aml: operate Azure ML online endpoints from chat");
    expect(await store.getPersonalReference(MEGAN)).toMatchObject({ conversation: { id: personal!.id } });
  });
});

describe("Teams card actions", () => {
  const preview: Reply = {
    title: "Traffic change on fraud-scorer",
    sections: [{ kind: "traffic", label: "Live traffic", bars: [{ deployment: "blue", before: 100, percent: 80 }] }],
    buttons: [
      { label: "Apply", verb: "apply", payloadId: "pending-0001", style: "primary" },
      { label: "Cancel", verb: "cancel", payloadId: "pending-0001" },
    ],
    context: ["Requested by Megan Bowen"],
    visibility: "channel",
    mode: "new",
    summary: "Proposed traffic change on fraud-scorer",
  };

  it("answers a click at once with the clicked card, disabled and marked ⏳, and queues it with the card's message id", async () => {
    const published = publishedMessageActivity();
    const conversationId = String((published["conversation"] as Activity)["id"]);
    await store.saveCard(conversationId, "card-1", preview);
    const invoke = publishedInvokeActivity({
      id: "invoke-1",
      replyToId: "card-1",
      value: { action: { type: "Action.Execute", id: "", verb: "apply", data: { verb: "apply", payloadId: "pending-0001" } }, trigger: "manual" },
    });
    const res = await adapter.handleHttp(teamsRequest(invoke));
    expect(res.status).toBe(200);
    expect(res.headers?.["content-type"]).toContain("application/json");
    const body = JSON.parse(res.body!) as { statusCode: number; type: string; value: unknown };
    expect(body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(cardButtons(body.value)).toEqual([]);
    const text = JSON.stringify(body.value);
    expect(text).toContain("Traffic change on fraud-scorer");
    expect(text).toContain("⏳ Applying the change… (Megan Bowen)");
    expect(jobs.jobs).toHaveLength(1);
    expect(jobs.jobs[0]).toMatchObject({
      kind: CHAT_JOB_KIND,
      payload: { platform: "teams", request: { verb: "apply", payloadId: "pending-0001" }, actor: { userId: MEGAN }, address: { cardActivityId: "card-1", via: "invoke", reference: { activityId: "card-1" } } },
    });
    expect(posted()).toEqual([]);
  });

  it("answers a click on a card it does not know with a short ⏳ card", async () => {
    const invoke = publishedInvokeActivity({ id: "invoke-2", replyToId: "unknown-card", value: { action: { type: "Action.Execute", verb: "cancel", data: { verb: "cancel", payloadId: "p-2" } }, trigger: "manual" } });
    const body = JSON.parse((await adapter.handleHttp(teamsRequest(invoke))).body!) as { type: string; value: unknown };
    expect(body.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(JSON.stringify(body.value)).toContain("⏳ Cancelling…");
    expect(jobs.jobs.map((j) => j.payload.request)).toEqual([{ verb: "cancel", payloadId: "p-2" }]);
  });

  it("runs nothing for the published invoke sample (completed with the message activity's envelope: the doc omits it), a refresh of someone else's card", async () => {
    // The sample is JSONC with `// ... other properties omitted`: its comment lines are stripped and the envelope
    // (serviceUrl, from, conversation, recipient, channelId, id, …) comes from the published message activity.
    const res = await adapter.handleHttp(teamsRequest(publishedInvokeActivity()));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "aml-chatops does not know this button (editOrResolveView). Nothing was done." });
    expect(jobs.jobs).toEqual([]);
    expect(posted()).toEqual([]);
  });

  it("answers Approve and Reject with a short message, the card left as it is, and queues Reject with what was typed in its box", async () => {
    const card = renderAdaptiveCard(replies["approval-request"]);
    const click = (id: string, verb: string) =>
      publishedInvokeActivity({ id, replyToId: "card-7", value: { action: { type: "Action.Execute", id: "", verb, data: actionData(card, verb, { "input:reject:pc-204": " not before the freeze ends " }) }, trigger: "manual" } });
    for (const [id, verb] of [["invoke-r", "reject"], ["invoke-a", "approve"]] as const) {
      const body = JSON.parse((await adapter.handleHttp(teamsRequest(click(id, verb)))).body!) as { statusCode: number; type: string; value: unknown };
      expect(body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message" });
      expect(String(body.value)).toMatch(verb === "reject" ? /^⏳ Rejecting…/ : /^⏳ Approving…/);
    }
    expect(jobs.jobs.map((j) => j.payload.request)).toEqual([
      { verb: "reject", payloadId: "pc-204", input: "not before the freeze ends" },
      { verb: "approve", payloadId: "pc-204" },
    ]);
    expect(jobs.jobs[0]!.payload.address).toMatchObject({ cardActivityId: "card-7", via: "invoke" });
    expect(posted()).toEqual([]);
  });

  it("queues the Action.Submit fallback with what was typed in the box, and without an empty one", async () => {
    const card = renderAdaptiveCard(replies["approval-request"]);
    const submit = (id: string, typed: Record<string, string>) => ({ ...publishedMessageActivity(), id, text: undefined, replyToId: "card-8", value: actionData(card, "reject", typed) });
    await adapter.handleHttp(teamsRequest(submit("submit-r1", { "input:reject:pc-204": "wrong deployment" })));
    await adapter.handleHttp(teamsRequest(submit("submit-r2", {})));
    expect(jobs.jobs.map((j) => j.payload.request)).toEqual([
      { verb: "reject", payloadId: "pc-204", input: "wrong deployment" },
      { verb: "reject", payloadId: "pc-204" },
    ]);
  });

  it("queues the Action.Submit fallback of older clients like a click", async () => {
    const message = { ...publishedMessageActivity(), id: "submit-1", text: undefined, replyToId: "card-9", value: { verb: "cancel", payloadId: "pending-0009" } };
    expect((await adapter.handleHttp(teamsRequest(message))).status).toBe(200);
    expect(jobs.jobs).toHaveLength(1);
    expect(jobs.jobs[0]!.payload).toMatchObject({ request: { verb: "cancel", payloadId: "pending-0009" }, address: { via: "submit", cardActivityId: "card-9" } });
  });
});

describe("Teams HTTP edge", () => {
  it("refuses what is not a Bot Framework activity", async () => {
    expect((await adapter.handleHttp({ method: "GET", url: "/api/teams/messages", headers: {}, body: "" })).status).toBe(405);
    expect((await adapter.handleHttp({ method: "POST", url: "/api/teams/messages", headers: {}, body: "not json" })).status).toBe(400);
    expect((await adapter.handleHttp(teamsRequest({ text: "no type" }))).status).toBe(400);
  });

  it("remembers the conversation when the bot is added to it", async () => {
    const published = publishedMessageActivity();
    const update = { ...published, type: "conversationUpdate", id: "cu-1", text: undefined, conversation: { id: "19:new-team@thread.tacv2", conversationType: "channel", isGroup: true }, membersAdded: [published["recipient"]] };
    expect((await adapter.handleHttp(teamsRequest(update))).status).toBe(200);
    expect(await store.getReference("19:new-team@thread.tacv2")).toMatchObject({ conversation: { id: "19:new-team@thread.tacv2", conversationType: "channel" } });
    expect(jobs.jobs).toEqual([]);
  });
});
