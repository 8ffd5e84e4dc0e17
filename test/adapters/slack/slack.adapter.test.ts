/**
 * The ack path, through `handleHttp` with signed requests: the published payloads as they are, slow verbs queued
 * with an in-channel ack, fast answers inline, idempotency keys from `trigger_id`, usergroups from the cache only.
 * The core is the real one (createApp); it never reaches Azure here (its ARM endpoint points nowhere).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHAT_JOB_KIND } from "../../../adapters/chat-job.js";
import { correlationIdFor } from "../../../adapters/slack/slack-jobs.js";
import { startSlackApiStandIn, type SlackApiStandIn } from "../../../tools/local/slack-api.stand-in.js";
import { renderBlockKit } from "../../../adapters/slack/block-kit.renderer.js";
import { replies } from "../fixtures/replies.js";
import {
  buttonClick,
  interactionBody,
  memoryLogger,
  readSlackFixture,
  recordingFetch,
  recordingJobs,
  serveRaw,
  signedRequest,
  slashCommandBody,
  typedState,
} from "../../helpers/slack-requests.js";
import { createTestApp, createTestSlackAdapter } from "../../helpers/slack-stack.js";

let slack: SlackApiStandIn;
beforeAll(async () => {
  slack = await startSlackApiStandIn({ usergroups: [{ id: "S0OPS", handle: "ml-ops", users: ["U0GROUPOPS"] }] });
});
afterAll(async () => {
  await slack?.close();
});

function setUp(options: { commandName?: string; failEnqueue?: boolean } = {}) {
  const app = createTestApp();
  const jobs = recordingJobs(options.failEnqueue ? () => new Error("queue unavailable") : undefined);
  const responses = recordingFetch();
  const logger = memoryLogger();
  const adapter = createTestSlackAdapter({ app, slack, jobs, fetch: responses.fetch, logger, ...(options.commandName ? { commandName: options.commandName } : {}) });
  return { app, jobs, responses, logger, adapter };
}

const json = (body: string | undefined): Record<string, unknown> => JSON.parse(body ?? "{}") as Record<string, unknown>;
const TRAFFIC = "traffic fraud-scorer blue=80 green=20 --yes";

describe("Slack adapter, ack path", () => {
  beforeEach(() => slack.setUsergroups([{ id: "S0OPS", handle: "ml-ops", users: ["U0GROUPOPS"] }]));

  it("answers the published slash command inline: an unknown verb is an ephemeral problem, nothing queued", async () => {
    const { adapter, jobs } = setUp({ commandName: "/weather" });
    const res = await adapter.handleHttp(signedRequest(readSlackFixture("slash_command.docs-example.form.txt")));
    expect(res.status).toBe(200);
    const body = json(res.body);
    expect(body["response_type"]).toBe("ephemeral");
    expect(body["text"]).toContain("Unknown command");
    expect(JSON.stringify(body["blocks"])).toContain("`94070` is not an aml verb");
    expect(body).not.toHaveProperty("overflow");
    expect(body).not.toHaveProperty("thread_key");
    expect(jobs.jobs).toEqual([]);
  });

  it("tells the user when the command is not the one it serves", async () => {
    const { adapter } = setUp();
    const res = await adapter.handleHttp(signedRequest(readSlackFixture("slash_command.docs-example.form.txt")));
    expect(json(res.body)).toMatchObject({ response_type: "ephemeral" });
    expect(res.body).toContain("This app answers `/aml` only");
  });

  it("acks a slow verb in channel at once and queues one job keyed by trigger_id", async () => {
    const { adapter, jobs } = setUp();
    const started = performance.now();
    const res = await adapter.handleHttp(signedRequest(slashCommandBody({ command: "/aml", text: TRAFFIC })));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1_000);
    expect(json(res.body)).toMatchObject({ response_type: "in_channel", text: "⏳ Shifting traffic on fraud-scorer…" });
    expect(jobs.jobs).toHaveLength(1);
    const job = jobs.jobs[0]!;
    expect(job.id).toBe("slack:T0001:13345224609.738474920.8088930838d88f008e0");
    expect(job.kind).toBe(CHAT_JOB_KIND);
    expect(job.payload).toEqual({
      v: 1,
      platform: "slack",
      correlationId: correlationIdFor(job.id),
      actor: { userId: "U2147483697", displayName: "Steve" },
      channelId: "C2147483705",
      request: { text: TRAFFIC },
      address: { responseUrl: "https://hooks.slack.com/commands/1234/5678", triggerId: "13345224609.738474920.8088930838d88f008e0", teamId: "T0001" },
    });
    expect(job.payload.correlationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("does not queue a redelivery (x-slack-retry-num) twice, and acks it the same way", async () => {
    const { adapter, jobs } = setUp();
    const body = slashCommandBody({ command: "/aml", text: TRAFFIC });
    const first = await adapter.handleHttp(signedRequest(body));
    const retry = await adapter.handleHttp(signedRequest(body, { headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } }));
    expect(retry.body).toBe(first.body);
    expect(jobs.jobs).toHaveLength(1);
  });

  it("gives a redelivery reaching another instance the same job id (the ledger then runs it once)", async () => {
    const body = slashCommandBody({ command: "/aml", text: TRAFFIC });
    const a = setUp();
    const b = setUp();
    await a.adapter.handleHttp(signedRequest(body));
    await b.adapter.handleHttp(signedRequest(body, { headers: { "x-slack-retry-num": "1" } }));
    expect(b.jobs.jobs[0]!.id).toBe(a.jobs.jobs[0]!.id);
    expect(b.jobs.jobs[0]!.payload.correlationId).toBe(a.jobs.jobs[0]!.payload.correlationId);
  });

  it("answers help inline and ephemerally", async () => {
    const { adapter, jobs } = setUp();
    const res = await adapter.handleHttp(signedRequest(slashCommandBody({ command: "/aml", text: "help" })));
    expect(json(res.body)).toMatchObject({ response_type: "ephemeral" });
    expect(res.body).toContain("aml traffic");
    expect(jobs.jobs).toEqual([]);
  });

  it("refuses inline when fresh usergroups show the user holds no role", async () => {
    const { adapter, jobs } = setUp();
    await adapter.directory.refresh();
    const res = await adapter.handleHttp(signedRequest(slashCommandBody({ command: "/aml", text: TRAFFIC, user_id: "U0NOBODY" })));
    expect(json(res.body)).toMatchObject({ response_type: "ephemeral" });
    expect(res.body).toContain("Not allowed");
    expect(jobs.jobs).toEqual([]);
  });

  it("with a cold usergroups cache, queues a slow verb it would refuse and lets the worker decide", async () => {
    const { adapter, jobs } = setUp();
    const res = await adapter.handleHttp(signedRequest(slashCommandBody({ command: "/aml", text: TRAFFIC, user_id: "U0GROUPOPS" })));
    expect(json(res.body)).toMatchObject({ response_type: "in_channel" });
    expect(jobs.jobs).toHaveLength(1);
  });

  it("with a warm cache, plans with the user's usergroups", async () => {
    const { adapter, jobs } = setUp();
    await adapter.directory.refresh();
    const res = await adapter.handleHttp(signedRequest(slashCommandBody({ command: "/aml", text: TRAFFIC, user_id: "U0GROUPOPS" })));
    expect(json(res.body)).toMatchObject({ response_type: "in_channel", text: "⏳ Shifting traffic on fraud-scorer…" });
    expect(jobs.jobs).toHaveLength(1);
  });

  it("swaps the ack for a clear error when the job cannot be queued", async () => {
    const { adapter, logger } = setUp({ failEnqueue: true });
    const res = await adapter.handleHttp(signedRequest(slashCommandBody({ command: "/aml", text: TRAFFIC })));
    const body = json(res.body);
    expect(body["response_type"]).toBe("ephemeral");
    expect(res.body).toContain("Could not start");
    expect(res.body).toContain(correlationIdFor("slack:T0001:13345224609.738474920.8088930838d88f008e0"));
    expect(res.body).not.toContain("queue unavailable");
    expect(logger.lines.some((l) => l.level === "error" && l.message.includes("could not be queued"))).toBe(true);
  });

  it("refuses a payload the worker could not use, visibly and without queuing it", async () => {
    const { adapter, jobs } = setUp();
    const res = await adapter.handleHttp(signedRequest(slashCommandBody({ command: "/aml", text: TRAFFIC, response_url: "not-a-url" })));
    expect(json(res.body)).toMatchObject({ response_type: "ephemeral" });
    expect(res.body).toContain("Could not read the request");
    expect(jobs.jobs).toEqual([]);
  });

  it("unescapes what Slack escapes in the command text", async () => {
    const { adapter, jobs } = setUp();
    await adapter.handleHttp(signedRequest(slashCommandBody({ command: "/aml", text: "show fraud-scorer &amp;&lt;x&gt;" })));
    expect(jobs.jobs[0]!.payload.request).toEqual({ text: "show fraud-scorer &<x>" });
  });

  it("accepts the published block_actions payload as is: an unknown button gets an ephemeral note, nothing queued", async () => {
    const { adapter, jobs, responses } = setUp();
    const res = await adapter.handleHttp(signedRequest(interactionBody(JSON.parse(readSlackFixture("block_actions.docs-example.json")))));
    expect(res).toEqual({ status: 200, body: "" });
    expect(jobs.jobs).toEqual([]);
    expect(responses.posts).toHaveLength(1);
    expect(responses.posts[0]!.url).toBe("https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209");
    expect(responses.posts[0]!.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(JSON.stringify(responses.posts[0]!.body)).toContain("Unknown button");
    expect(JSON.stringify(responses.posts[0]!.body)).toContain("WaXA");
  });

  it("queues a click on an Apply button with what the worker needs", async () => {
    const { adapter, jobs } = setUp();
    const click = buttonClick({ actionId: "apply", value: "pending-0001", userId: "U2147483697", userName: "steve", channelId: "C1", responseUrl: "https://hooks.slack.com/actions/T/1/x", messageTs: "1700000000.000100", triggerId: "111.222.abc" });
    const res = await adapter.handleHttp(signedRequest(interactionBody(click)));
    expect(res).toEqual({ status: 200, body: "" });
    expect(jobs.jobs).toHaveLength(1);
    expect(jobs.jobs[0]).toMatchObject({ id: "slack:T9TK3CUKW:111.222.abc", kind: CHAT_JOB_KIND });
    expect(jobs.jobs[0]!.payload).toMatchObject({
      platform: "slack",
      actor: { userId: "U2147483697", displayName: "steve" },
      channelId: "C1",
      request: { verb: "apply", payloadId: "pending-0001" },
      address: { responseUrl: "https://hooks.slack.com/actions/T/1/x", triggerId: "111.222.abc", messageTs: "1700000000.000100" },
    });
  });

  it("queues Approve and Reject clicks, Reject with what was typed in its box (trimmed), Approve without it", async () => {
    const { adapter, jobs } = setUp();
    const card = renderBlockKit(replies["approval-request"]).blocks;
    const state = typedState(card, { "input:reject:pc-204": "  green's error rate is still too high \n" });
    const click = (actionId: string, triggerId: string) =>
      buttonClick({ actionId, value: "pc-204", userId: "U0APPROVER", userName: "grace", channelId: "C1", responseUrl: "https://hooks.slack.com/actions/T/1/x", messageTs: "1700000000.000100", triggerId, state });
    await adapter.handleHttp(signedRequest(interactionBody(click("reject", "1.reject"))));
    await adapter.handleHttp(signedRequest(interactionBody(click("approve", "2.approve"))));
    expect(jobs.jobs.map((j) => j.payload.request)).toEqual([
      { verb: "reject", payloadId: "pc-204", input: "green's error rate is still too high" },
      { verb: "approve", payloadId: "pc-204" },
    ]);
  });

  it("sends no input for an empty box, and cuts a long one to 500 characters", async () => {
    const { adapter, jobs } = setUp();
    const card = renderBlockKit(replies["approval-request"]).blocks;
    const click = (triggerId: string, typed: Record<string, string>) =>
      buttonClick({ actionId: "reject", value: "pc-204", userId: "U0APPROVER", channelId: "C1", responseUrl: "https://hooks.slack.com/actions/T/1/x", messageTs: "1.1", triggerId, state: typedState(card, typed) });
    await adapter.handleHttp(signedRequest(interactionBody(click("1.empty", {}))));
    await adapter.handleHttp(signedRequest(interactionBody(click("2.spaces", { "input:reject:pc-204": "   " }))));
    await adapter.handleHttp(signedRequest(interactionBody(click("3.long", { "input:reject:pc-204": "x".repeat(900) }))));
    expect(jobs.jobs.map((j) => j.payload.request)).toEqual([
      { verb: "reject", payloadId: "pc-204" },
      { verb: "reject", payloadId: "pc-204" },
      { verb: "reject", payloadId: "pc-204", input: "x".repeat(500) },
    ]);
  });

  it("serves a real loopback HTTP request from the raw body", async () => {
    const { adapter, jobs } = setUp();
    const server = await serveRaw((req) => adapter.handleHttp(req));
    try {
      const signed = signedRequest(slashCommandBody({ command: "/aml", text: TRAFFIC }));
      const res = await fetch(`${server.url}/api/slack/events`, { method: "POST", headers: signed.headers, body: signed.body });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ response_type: "in_channel" });
      expect(jobs.jobs).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it.each([
    ["a bad signature", { "x-slack-signature": "v0=0000" }],
    ["no signature", { "x-slack-signature": "" }],
    ["a stale timestamp", { "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000) - 301) }],
  ])("answers %s with 401: nothing queued, nothing posted, nothing recorded", async (_name, headers) => {
    const { adapter, jobs, responses, app } = setUp();
    const callsBefore = slack.calls.length;
    for (const body of [slashCommandBody({ command: "/aml", text: TRAFFIC }), interactionBody(JSON.parse(readSlackFixture("block_actions.docs-example.json")))]) {
      const signed = signedRequest(body);
      const res = await adapter.handleHttp({ ...signed, headers: { ...signed.headers, ...headers } });
      expect(res.status).toBe(401);
    }
    expect(jobs.jobs).toEqual([]);
    expect(responses.posts).toEqual([]);
    expect(slack.calls.length).toBe(callsBefore);
    expect(await app.deps.audit.list()).toEqual([]);
  });

  it("answers url_verification with its challenge", async () => {
    const { adapter } = setUp();
    const res = await adapter.handleHttp(signedRequest(readSlackFixture("url_verification.docs-example.json"), { contentType: "application/json" }));
    expect(json(res.body)).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("never calls auth.test", () => {
    expect(slack.calls.map((c) => c.method)).not.toContain("auth.test");
  });
});
