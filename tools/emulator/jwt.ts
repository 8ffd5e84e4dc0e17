/**
 * Minimal HS256 JSON Web Tokens. The emulator is both issuer and verifier, so a symmetric per-instance
 * secret is enough: tokens from one emulator instance are rejected by another.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type JwtClaims = Record<string, unknown>;

export type JwtVerdict =
  | { ok: true; claims: JwtClaims }
  | { ok: false; reason: "malformed" | "bad-signature" | "unsupported-algorithm" };

export class Hs256Jwt {
  constructor(private readonly secret: Buffer = randomBytes(32)) {}

  sign(claims: JwtClaims): string {
    const header = base64Url(JSON.stringify({ typ: "JWT", alg: "HS256", kid: "aml-emulator" }));
    const payload = base64Url(JSON.stringify(claims));
    return `${header}.${payload}.${this.signature(`${header}.${payload}`)}`;
  }

  verify(token: string): JwtVerdict {
    const parts = token.split(".");
    if (parts.length !== 3) return { ok: false, reason: "malformed" };
    const [header, payload, signature] = parts as [string, string, string];
    const parsedHeader = decodeJson(header);
    const claims = decodeJson(payload);
    if (parsedHeader === undefined || claims === undefined) return { ok: false, reason: "malformed" };
    if (parsedHeader["alg"] !== "HS256") return { ok: false, reason: "unsupported-algorithm" };
    const expected = Buffer.from(this.signature(`${header}.${payload}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      return { ok: false, reason: "bad-signature" };
    }
    return { ok: true, claims };
  }

  private signature(input: string): string {
    return createHmac("sha256", this.secret).update(input).digest("base64url");
  }
}

function base64Url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
