import { describe, expect, it } from "vitest";
import { ResponseUrlClient, type FetchLike } from "../../../adapters/slack/response-url.client.js";
import { SlackDeliveryError } from "../../../adapters/slack/slack-errors.js";

function scripted(statuses: (number | Error)[]) {
  const calls: string[] = [];
  const fetch: FetchLike = async (_url, init) => {
    calls.push(init.body);
    const next = statuses.shift() ?? 200;
    if (next instanceof Error) throw next;
    return { ok: next < 400, status: next, text: async () => (next < 400 ? "ok" : "invalid_blocks") };
  };
  return { fetch, calls };
}

const URL = "https://hooks.slack.com/commands/T/1/secret-part";

describe("ResponseUrlClient", () => {
  it("posts JSON and counts the uses Slack allows (5)", async () => {
    const { fetch, calls } = scripted([]);
    const client = new ResponseUrlClient(URL, { fetch });
    for (let i = 0; i < 5; i++) await client.post({ text: `n${i}` });
    expect(client.remaining).toBe(0);
    await expect(client.post({ text: "6" })).rejects.toBeInstanceOf(SlackDeliveryError);
    expect(calls).toHaveLength(5);
    expect(JSON.parse(calls[0]!)).toEqual({ text: "n0" });
  });

  it("retries a 5xx or a network failure once, not a 4xx, and never names the URL", async () => {
    const flaky = scripted([503]);
    await new ResponseUrlClient(URL, { fetch: flaky.fetch }).post({ text: "x" });
    expect(flaky.calls).toHaveLength(2);

    const down = scripted([new Error("ECONNRESET"), new Error("ECONNRESET")]);
    const error = (await new ResponseUrlClient(URL, { fetch: down.fetch }).post({ text: "x" }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error.message).not.toContain("secret-part");

    const refused = scripted([400]);
    await expect(new ResponseUrlClient(URL, { fetch: refused.fetch }).post({ text: "x" })).rejects.toMatchObject({ status: 400 });
    expect(refused.calls).toHaveLength(1);
  });
});
