/**
 * Local mode's reply address: a Teams client on this machine (the Agents Playground) gets the replies at the
 * serviceUrl its activities carry; any other serviceUrl is replaced by the connector stand-in, because local mode
 * does not authenticate activities and must never call out on their word.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isLoopbackUrl } from "../../../adapters/teams/bot-framework.js";
import { createTeamsAdapter, type TeamsAdapter } from "../../../adapters/teams/teams.adapter.js";
import { startTeamsConnectorStandIn, type TeamsConnectorStandIn } from "../../../tools/local/teams-connector.stand-in.js";
import { TableConversationReferences } from "../../../src/storage/table.conversation-references.js";
import { uniqueTableName, useAzurite } from "../../helpers/azurite.js";
import { memoryLogger } from "../../helpers/slack-requests.js";
import { createTestApp } from "../../helpers/slack-stack.js";
import { cardOf, publishedMessageActivity, recordingTeamsJobs, teamsRequest, type Activity } from "../../helpers/teams-requests.js";

describe("isLoopbackUrl", () => {
  it.each(["http://localhost:56150/_connector", "http://127.0.0.1:7420/", "https://127.10.0.3/x", "http://[::1]:9/", "http://LOCALHOST:1/", "http://127.1:5/"])(
    "takes %s as this machine",
    (url) => expect(isLoopbackUrl(url)).toBe(true),
  );

  it.each([
    "https://smba.trafficmanager.net/amer/",
    "http://127.0.0.1.nip.io:7420/",
    "http://localhost.example.com/",
    "http://10.0.0.1/",
    "http://0.0.0.0:7420/",
    "file:///etc/passwd",
    "not a url",
    "",
    undefined,
  ])("does not take %s as this machine", (url) => expect(isLoopbackUrl(url)).toBe(false));
});

describe("where local mode replies", () => {
  const storage = useAzurite();
  let standIn: TeamsConnectorStandIn;
  /** Plays a local Teams client (the playground's connector) at a loopback address of its own. */
  let localClient: TeamsConnectorStandIn;
  let adapter: TeamsAdapter;
  beforeAll(async () => {
    [standIn, localClient] = await Promise.all([startTeamsConnectorStandIn(), startTeamsConnectorStandIn()]);
  });
  afterAll(() => Promise.all([standIn?.close(), localClient?.close()]));

  beforeEach(async () => {
    const table = uniqueTableName("teamslocal");
    await storage.clients.ensure({ tables: [table] });
    adapter = createTeamsAdapter({
      core: createTestApp().core,
      auth: { type: "anonymous" },
      jobs: recordingTeamsJobs(),
      store: new TableConversationReferences(storage.clients.table(table)),
      logger: memoryLogger(),
      serviceUrlOverride: standIn.url,
    });
  });

  async function send(serviceUrl: string): Promise<string> {
    const conversationId = `a:local-${Math.random().toString(36).slice(2)}`;
    const activity: Activity = { ...publishedMessageActivity(), serviceUrl, conversation: { id: conversationId }, text: "help" };
    expect((await adapter.handleHttp(teamsRequest(activity))).status).toBe(200);
    return conversationId;
  }

  it("answers a local client at the loopback serviceUrl its activity names, not at the stand-in", async () => {
    const conversationId = await send(localClient.url);
    const mine = (c: TeamsConnectorStandIn) => c.messages.filter((m) => m.conversationId === conversationId);
    expect(mine(standIn)).toEqual([]);
    const [reply, ...more] = mine(localClient);
    expect(more).toEqual([]);
    expect(cardOf(reply)).toMatchObject({ type: "AdaptiveCard" });
  });

  it.each(["https://smba.trafficmanager.net/amer/", "http://127.0.0.1.nip.io:9/"])("sends a reply for %s to the stand-in, never there", async (serviceUrl) => {
    const conversationId = await send(serviceUrl);
    expect(localClient.messages.filter((m) => m.conversationId === conversationId)).toEqual([]);
    expect(standIn.messages.filter((m) => m.conversationId === conversationId)).toHaveLength(1);
  });
});
