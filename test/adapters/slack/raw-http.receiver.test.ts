import { App } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawHttpReceiver } from "../../../adapters/slack/raw-http.receiver.js";
import { boltLogger } from "../../../adapters/slack/slack.adapter.js";
import { rawHttpRequest } from "../../../adapters/http.js";
import { startSlackApiStandIn, type SlackApiStandIn } from "../../../tools/local/slack-api.stand-in.js";
import { TEST_BOT_TOKEN, memoryLogger, readSlackFixture, signedRequest, slashCommandBody } from "../../helpers/slack-requests.js";

let slack: SlackApiStandIn;
beforeAll(async () => {
  slack = await startSlackApiStandIn();
});
afterAll(async () => {
  await slack?.close();
});

type Listener = (args: { ack: (r?: unknown) => Promise<void>; context: Record<string, unknown>; command: Record<string, string> }) => Promise<void>;

/** A real Bolt App on the receiver, with one slash-command listener; `calls` counts listener runs. */
function setUp(listener: Listener, options: { ackTimeoutInMs?: number; now?: Date; signingSecret?: string } = {}) {
  const logger = memoryLogger();
  const receiver = new RawHttpReceiver({
    signingSecret: options.signingSecret ?? "8f742231b10e8888abcd99yyyzzz85a5",
    logger,
    ...(options.ackTimeoutInMs ? { ackTimeoutInMs: options.ackTimeoutInMs } : {}),
    ...(options.now ? { clock: { now: () => options.now! } } : {}),
  });
  const app = new App({ receiver, token: TEST_BOT_TOKEN, botId: "B0TEST", botUserId: "U0TESTBOT", logger: boltLogger(logger), clientOptions: { slackApiUrl: slack.url } });
  const seen = { calls: 0, retryNum: undefined as unknown };
  app.command("/weather", async (args) => {
    seen.calls++;
    seen.retryNum = args.context.retryNum;
    await listener(args as unknown as Parameters<Listener>[0]);
  });
  return { receiver, logger, seen };
}

const fixture = readSlackFixture("slash_command.docs-example.form.txt");
const replyWith = (text: string): Listener => async ({ ack }) => ack({ response_type: "ephemeral", text });

describe("RawHttpReceiver", () => {
  it("answers a signed slash command with what the listener acknowledged, without calling auth.test", async () => {
    const { receiver, seen } = setUp(async ({ ack, command }) => ack({ response_type: "ephemeral", text: `weather for ${command.text}` }));
    const res = await receiver.handle(signedRequest(fixture));
    expect(res.status).toBe(200);
    expect(res.headers?.["content-type"]).toMatch(/application\/json/);
    expect(JSON.parse(res.body!)).toEqual({ response_type: "ephemeral", text: "weather for 94070" });
    expect(seen.calls).toBe(1);
    expect(slack.calls.map((c) => c.method)).not.toContain("auth.test");
  });

  it("reads a form body whose content type carries a charset", async () => {
    const { receiver } = setUp(replyWith("ok"));
    const res = await receiver.handle(signedRequest(fixture, { contentType: "application/x-www-form-urlencoded; charset=utf-8" }));
    expect(JSON.parse(res.body!)).toMatchObject({ text: "ok" });
  });

  it.each([
    ["a wrong signature", (r: ReturnType<typeof signedRequest>) => ({ ...r, headers: { ...r.headers, "x-slack-signature": "v0=deadbeef" } })],
    ["another signing secret", () => signedRequest(fixture, { secret: "not-the-secret" })],
    ["a body changed after signing", (r: ReturnType<typeof signedRequest>) => ({ ...r, body: r.body.replace("94070", "94071") })],
    ["no signature header", (r: ReturnType<typeof signedRequest>) => ({ ...r, headers: { "content-type": r.headers["content-type"]!, "x-slack-request-timestamp": r.headers["x-slack-request-timestamp"]! } })],
    ["no timestamp header", (r: ReturnType<typeof signedRequest>) => ({ ...r, headers: { "content-type": r.headers["content-type"]!, "x-slack-signature": r.headers["x-slack-signature"]! } })],
    ["a stale timestamp (6 minutes)", () => signedRequest(fixture, { timestampSeconds: Math.floor(Date.now() / 1000) - 360 })],
    ["a timestamp 6 minutes ahead", () => signedRequest(fixture, { timestampSeconds: Math.floor(Date.now() / 1000) + 360 })],
    ["an unknown signature version", (r: ReturnType<typeof signedRequest>) => ({ ...r, headers: { ...r.headers, "x-slack-signature": r.headers["x-slack-signature"]!.replace("v0=", "v1=") } })],
    ["the right signature in upper case", (r: ReturnType<typeof signedRequest>) => ({ ...r, headers: { ...r.headers, "x-slack-signature": `v0=${r.headers["x-slack-signature"]!.slice(3).toUpperCase()}` } })],
    ["the right signature with a character more", (r: ReturnType<typeof signedRequest>) => ({ ...r, headers: { ...r.headers, "x-slack-signature": `${r.headers["x-slack-signature"]!}0` } })],
    ["a signature without its hash", (r: ReturnType<typeof signedRequest>) => ({ ...r, headers: { ...r.headers, "x-slack-signature": "v0=" } })],
  ])("refuses %s with 401 and runs nothing", async (_name, tamper) => {
    const { receiver, seen, logger } = setUp(replyWith("ran"));
    const res = await receiver.handle(tamper(signedRequest(fixture)));
    expect(res).toEqual({ status: 401, body: "" });
    expect(seen.calls).toBe(0);
    const line = logger.lines.find((l) => l.message.includes("signature"));
    expect(JSON.stringify(line)).not.toContain("8f742231");
  });

  it("refuses every request when its signing secret is empty, even one signed with an empty key", async () => {
    const { receiver, seen } = setUp(replyWith("ran"), { signingSecret: "" });
    expect(await receiver.handle(signedRequest(fixture, { secret: "" }))).toEqual({ status: 401, body: "" });
    expect(seen.calls).toBe(0);
  });

  it("checks the window against the injected clock", async () => {
    const signedAt = Date.UTC(2024, 0, 1, 12, 0, 0) / 1000;
    const fresh = setUp(replyWith("ok"), { now: new Date((signedAt + 299) * 1000) });
    expect((await fresh.receiver.handle(signedRequest(fixture, { timestampSeconds: signedAt }))).status).toBe(200);
    const stale = setUp(replyWith("ok"), { now: new Date((signedAt + 301) * 1000) });
    expect((await stale.receiver.handle(signedRequest(fixture, { timestampSeconds: signedAt }))).status).toBe(401);
  });

  it("answers Slack's unsigned ssl_check with 200 and never reaches a listener, even with a smuggled command", async () => {
    const { receiver, seen } = setUp(replyWith("ran"));
    const res = await receiver.handle({ method: "POST", url: "/", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `ssl_check=1&token=x&${fixture}` });
    expect(res).toEqual({ status: 200, body: "" });
    expect(seen.calls).toBe(0);
  });

  it("answers url_verification with the challenge (JSON body)", async () => {
    const { receiver } = setUp(replyWith("ran"));
    const body = readSlackFixture("url_verification.docs-example.json");
    const res = await receiver.handle(signedRequest(body, { contentType: "application/json" }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("does not answer url_verification without a valid signature", async () => {
    const { receiver } = setUp(replyWith("ran"));
    const body = readSlackFixture("url_verification.docs-example.json");
    const res = await receiver.handle({ method: "POST", url: "/", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(401);
  });

  it("refuses a body that is neither a form nor JSON with 400", async () => {
    const { receiver } = setUp(replyWith("ran"));
    expect((await receiver.handle(signedRequest("{not json", { contentType: "application/json" }))).status).toBe(400);
  });

  it("refuses other methods than POST", async () => {
    const { receiver } = setUp(replyWith("ran"));
    expect((await receiver.handle({ method: "GET", url: "/", headers: {}, body: "" })).status).toBe(405);
  });

  it("passes Slack's retry headers to the listener's context", async () => {
    const { receiver, seen } = setUp(replyWith("ok"));
    await receiver.handle(signedRequest(fixture, { headers: { "x-slack-retry-num": "2", "x-slack-retry-reason": "http_timeout" } }));
    expect(seen.retryNum).toBe(2);
  });

  it("answers 200 with an empty body when nobody acknowledges in time, and logs it", async () => {
    const { receiver, logger } = setUp(() => new Promise(() => undefined), { ackTimeoutInMs: 100 });
    const started = Date.now();
    const res = await receiver.handle(signedRequest(fixture));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(res).toEqual({ status: 200, body: "" });
    expect(logger.lines.some((l) => l.level === "error" && l.message.includes("not acknowledged in time"))).toBe(true);
  });

  it("answers with the ack at the deadline when the listener keeps working after it", async () => {
    const { receiver } = setUp(async ({ ack }) => {
      await ack({ text: "on it" });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }, { ackTimeoutInMs: 100 });
    const started = Date.now();
    const res = await receiver.handle(signedRequest(fixture));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(JSON.parse(res.body!)).toEqual({ text: "on it" });
  });

  it("lets a listener amend its ack before the response leaves", async () => {
    const { receiver } = setUp(async ({ ack, context }) => {
      await ack({ text: "⏳" });
      expect((context["amendAck"] as (r: unknown) => boolean)({ text: "could not queue" })).toBe(true);
    });
    expect(JSON.parse((await receiver.handle(signedRequest(fixture))).body!)).toEqual({ text: "could not queue" });
  });

  it("answers 500 when the listener fails before acknowledging, and the ack when it fails after", async () => {
    const before = setUp(async () => {
      throw new Error("boom");
    });
    expect((await before.receiver.handle(signedRequest(fixture))).status).toBe(500);
    const after = setUp(async ({ ack }) => {
      await ack("done");
      throw new Error("boom");
    });
    expect(await after.receiver.handle(signedRequest(fixture))).toMatchObject({ status: 200, body: "done" });
  });

  it("refuses a second ack", async () => {
    let second: unknown;
    const { receiver } = setUp(async ({ ack }) => {
      await ack("one");
      second = await ack("two").catch((error: unknown) => error);
    });
    expect((await receiver.handle(signedRequest(fixture))).body).toBe("one");
    expect(second).toMatchObject({ code: "aml_chatops_slack_multiple_ack_error" });
  });

  it("answers 404 when no listener takes the request (another command)", async () => {
    const { receiver } = setUp(replyWith("ran"));
    expect((await receiver.handle(signedRequest(slashCommandBody({ command: "/other" })))).status).toBe(404);
  });

  it("takes requests converted from Fetch headers (the Functions v4 HttpRequest) or a plain header object", async () => {
    const { receiver } = setUp(replyWith("ok"));
    const signed = signedRequest(fixture);
    const viaFetchHeaders = rawHttpRequest("post", "/api/slack", new Headers({ "Content-Type": signed.headers["content-type"]!, "X-Slack-Signature": signed.headers["x-slack-signature"]!, "X-Slack-Request-Timestamp": signed.headers["x-slack-request-timestamp"]! }), fixture);
    expect(viaFetchHeaders.headers["x-slack-signature"]).toBe(signed.headers["x-slack-signature"]);
    expect((await receiver.handle(viaFetchHeaders)).status).toBe(200);
    const viaObject = rawHttpRequest("POST", "/", { "Content-Type": "a", "X-Skip": undefined }, "");
    expect(viaObject.headers).toEqual({ "content-type": "a" });
  });
});
