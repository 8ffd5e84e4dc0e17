import { createHttpHeaders } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { describeFailure, retryAfterInMs } from "../../src/azure/arm.failures.js";
import { redact } from "../../src/logging/redact.js";

describe("redact", () => {
  it("removes bearer tokens, JWTs and credential-named values", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl";
    expect(redact(`Authorization: Bearer ${jwt}`)).toBe("Authorization: Bearer [redacted]");
    expect(redact(`token ${jwt} rejected`)).toBe("token [redacted-token] rejected");
    expect(redact("grant_type=client_credentials&client_secret=s3cr3t&scope=x")).toBe(
      "grant_type=client_credentials&client_secret=[redacted]&scope=x",
    );
    expect(redact('{"primaryKey": "abc123def", "secondaryKey":"zzz999"}')).toBe(
      '{"primaryKey": "[redacted]", "secondaryKey":"[redacted]"}',
    );
    expect(redact("https://acct.blob.core.windows.net/c/b?sv=2024&sig=AbC%2Bd")).toBe(
      "https://acct.blob.core.windows.net/c/b?sv=2024&sig=[redacted]",
    );
  });

  it("leaves ARM error codes and ordinary messages alone", () => {
    const text = "HTTP 401 ExpiredAuthenticationToken: The access token expiry UTC time '2024-01-01 00:00:00' is earlier";
    expect(redact(text)).toBe(text);
    expect(redact("HTTP 400 BadArgument: The traffic values must add up to 100")).toBe(
      "HTTP 400 BadArgument: The traffic values must add up to 100",
    );
  });
});

describe("describeFailure", () => {
  it("names the action, status, service code and message", () => {
    expect(describeFailure("get online endpoint e", 503, { code: "ServiceUnavailable", message: "later" }, "/subscriptions/s")).toBe(
      "get online endpoint e failed: HTTP 503 ServiceUnavailable: later (/subscriptions/s)",
    );
    expect(describeFailure("list", 502, undefined)).toBe("list failed: HTTP 502");
  });
});

describe("retryAfterInMs", () => {
  it("reads retry-after-ms, Retry-After seconds and Retry-After dates", () => {
    expect(retryAfterInMs(createHttpHeaders({ "retry-after-ms": "250", "Retry-After": "9" }))).toBe(250);
    expect(retryAfterInMs(createHttpHeaders({ "x-ms-retry-after-ms": "40" }))).toBe(40);
    expect(retryAfterInMs(createHttpHeaders({ "Retry-After": "3" }))).toBe(3000);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterInMs(createHttpHeaders({ "Retry-After": "Wed, 01 Jan 2025 00:00:05 GMT" }), now)).toBe(5000);
    expect(retryAfterInMs(createHttpHeaders({}))).toBeUndefined();
    expect(retryAfterInMs(createHttpHeaders({ "Retry-After": "soon" }))).toBeUndefined();
  });
});
