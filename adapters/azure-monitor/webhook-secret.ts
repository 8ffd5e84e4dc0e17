/**
 * The alerts webhook's credential: a secret in its URL (`?code=…` or `?token=…`), which is all the autoscale and
 * action group webhooks can carry (Azure Monitor signs nothing). Compared in constant time over SHA-256 digests, so
 * neither the content nor the length of the secret leaks through timing. Pure.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export type SecretCheck = { readonly ok: true } | { readonly ok: false; readonly reason: "not-configured" | "missing" | "wrong" };

export const SECRET_PARAMETERS = ["code", "token"] as const;

/** The secret a request URL carries (`code` first), if any. Works for absolute URLs and bare paths alike. */
export function secretOf(url: string): string | undefined {
  const query = new URL(url, "http://localhost").searchParams;
  for (const name of SECRET_PARAMETERS) {
    const value = query.get(name);
    if (value) return value;
  }
  return undefined;
}

export function checkWebhookSecret(url: string, expected: string | undefined): SecretCheck {
  return checkSecret(secretOf(url), expected);
}

/** A secret however it came (a URL parameter, a header) against the configured one, in constant time. */
export function checkSecret(given: string | undefined, expected: string | undefined): SecretCheck {
  if (!expected) return { ok: false, reason: "not-configured" };
  if (!given) return { ok: false, reason: "missing" };
  const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected)) ? { ok: true } : { ok: false, reason: "wrong" };
}
