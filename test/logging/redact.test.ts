import { describe, expect, it } from "vitest";
import { JsonLogger } from "../../src/logging/json-logger.js";
import { redact } from "../../src/logging/redact.js";

const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJlc2lnbmF0dXJl";

describe("redact", () => {
  it.each([
    ["Authorization: Bearer abcdefghijklmnop", "abcdefghijklmnop"],
    [`token ${jwt} expired`, jwt],
    ["DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0a2V5c2VjcmV0;EndpointSuffix=core", "c2VjcmV0a2V5c2VjcmV0"],
    ["https://a.queue.core.windows.net/q?sv=2024&sig=AbCdEf%2Bsig123&se=2026", "AbCdEf%2Bsig123"],
    ['{"primaryKey":"pk-123456","secondaryKey":"sk-654321"}', "pk-123456"],
    ["client_secret=shhh-very-secret&grant_type=client_credentials", "shhh-very-secret"],
    ["posting with xoxb-1234-5678-abcdef failed", "xoxb-1234-5678-abcdef"],
    ["POST https://app.azurewebsites.net/api/alerts?code=alerts-secret-1234567890 failed", "alerts-secret-1234567890"],
    ["/api/alerts?x=1&token=tok-secret-abcdef&y=2", "tok-secret-abcdef"],
  ])("removes the secret from %s", (text, secret) => {
    expect(redact(text)).not.toContain(secret);
  });

  it("leaves a JSON error code alone while removing a query-string code", () => {
    expect(redact('{"error":{"code":"Conflict"}} from /api/alerts?code=s3cret-s3cret')).toBe('{"error":{"code":"Conflict"}} from /api/alerts?code=[redacted]');
  });

  it("leaves error codes that merely name tokens alone", () => {
    expect(redact("InvalidAuthenticationToken: the access token is expired")).toBe("InvalidAuthenticationToken: the access token is expired");
  });
});

describe("JsonLogger", () => {
  it("writes one redacted JSON line, with errors reduced to name, code and message", () => {
    const lines: string[] = [];
    const logger = new JsonLogger((line) => lines.push(line));
    const error = Object.assign(new Error(`request failed with Bearer ${jwt}`), { code: "E_AUTH", statusCode: 401 });
    logger.error("command failed", { correlationId: "c-1", error });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(jwt);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", message: "command failed", correlationId: "c-1", error: { name: "Error", code: "E_AUTH", statusCode: 401 } });
  });
});
