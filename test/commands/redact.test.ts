import { describe, expect, it } from "vitest";
import { redact, redactUntrusted, redactUntrustedJson } from "../../commands/redact.js";

const KEY = "k3yAbCdEf0123456789GhIjKlMnOpQrStUv";

describe("redactUntrusted: what someone else's server said", () => {
  it.each([
    [`{"key": "${KEY}"}`, KEY],
    ['token: "tok-short-but-named"', "tok-short-but-named"],
    ["secret=s3cr3t-value", "s3cr3t-value"],
    ["x-api-key: abc-def-ghi", "abc-def-ghi"],
    ["Ocp-Apim-Subscription-Key: 0123abcd", "0123abcd"],
    ["Authorization: SharedKey acct:c2lnbmF0dXJl", "c2lnbmF0dXJl"],
    [`your key ${KEY} is not valid`, KEY],
    ["https://a.blob.core.windows.net/c/b?sv=2024&sig=AbCdEf%2Bsig123&se=2026", "AbCdEf%2Bsig123"],
  ])("removes the credential from %s", (text, secret) => {
    expect(redactUntrusted(text)).not.toContain(secret);
  });

  it("keeps what makes an error readable: codes, GUIDs, names and paths", () => {
    const text =
      "InvalidAuthenticationToken: the token is expired. Request 0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9 for deployment fraud-scorer-blue-20240101-canary at /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ml-rg";
    expect(redactUntrusted(text)).toBe(text);
  });

  it("leaves an already redacted value as it is", () => {
    expect(redactUntrusted("Authorization: Bearer abcdefghijklmnop")).toBe("Authorization: Bearer [redacted]");
    expect(redactUntrusted('"Authorization": "SharedKey acct:c2lnbmF0dXJl"')).toBe('"Authorization": "SharedKey [redacted]"');
    expect(redactUntrusted(redactUntrusted(`{"key": "${KEY}"}`))).toBe('{"key": "[redacted]"}');
  });

  it("is stronger than redact, which keeps the bot's own field names readable", () => {
    expect(redact('{"key":"alerts:prod:fraud-scorer"}')).toBe('{"key":"alerts:prod:fraud-scorer"}');
    expect(redactUntrusted('{"key":"alerts:prod:fraud-scorer"}')).toBe('{"key":"[redacted]"}');
  });
});

describe("redactUntrustedJson", () => {
  it("removes members named like credentials whole, and scrubs every other string and key", () => {
    const body = {
      error: { code: "Unauthorized", message: "Authorization: Bearer abcdefghijklmnop" },
      token: { value: "t", expires: 1 },
      keys: ["a", "b"],
      primaryKey: KEY,
      [`Bearer ${KEY}`]: true,
      retries: 3,
      note: null,
    };
    expect(redactUntrustedJson(body)).toEqual({
      error: { code: "Unauthorized", message: "Authorization: Bearer [redacted]" },
      token: "[redacted]",
      keys: "[redacted]",
      primaryKey: "[redacted]",
      "Bearer [redacted]": true,
      retries: 3,
      note: null,
    });
  });
});
