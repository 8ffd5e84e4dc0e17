/**
 * Who may score an endpoint, per its authMode, as AML checks it: every mode sends `Authorization: Bearer …`.
 * Key: the endpoint's primary or secondary key (`listKeys`; `regenerateKeys` invalidates the old one).
 * AMLToken: a token from the endpoint's `token` action (expiring). AADToken: an Entra token for
 * `https://ml.azure.com`. Both tokens are this emulator's JWTs with that audience; the token action mints no
 * endpoint-specific claim, so either token is accepted on either token mode (AML itself tells them apart).
 * Nothing here logs or echoes a credential.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { AML_TOKEN_AUDIENCE } from "./endpoint-actions.routes.js";
import { headerValue } from "./http-kit.js";
import type { EndpointRecord } from "./state.js";
import type { TokenIssuer } from "./token-issuer.js";

export type ScoringAuthVerdict = { ok: true } | { ok: false; message: string };

export function authorizeScoring(req: IncomingMessage, endpoint: EndpointRecord, issuer: TokenIssuer): ScoringAuthVerdict {
  const header = headerValue(req, "authorization");
  if (header === undefined || header.trim() === "") {
    return { ok: false, message: "Authentication failed: the Authorization header is missing. Send 'Authorization: Bearer <key or token>'." };
  }
  const credential = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (credential === undefined) return { ok: false, message: "Authentication failed: the Authorization header is not a Bearer credential." };
  const mode = endpoint.spec.properties.authMode;
  if (mode === "Key") {
    const { primaryKey, secondaryKey } = endpoint.keys;
    if (sameSecret(credential, primaryKey) || sameSecret(credential, secondaryKey)) return { ok: true };
    return { ok: false, message: `Authentication failed: the key is not valid for online endpoint '${endpoint.name}' (authMode Key).` };
  }
  const check = issuer.checkToken(credential, [AML_TOKEN_AUDIENCE]);
  if (check.ok) return { ok: true };
  const expired = check.code === "ExpiredAuthenticationToken";
  return { ok: false, message: `Authentication failed: the token is ${expired ? "expired" : "not valid"} for online endpoint '${endpoint.name}' (authMode ${mode}). ${check.message}` };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
