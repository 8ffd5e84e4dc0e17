/**
 * The emulator's stand-in for Microsoft Entra ID: it mints access tokens for client-credential callers and
 * checks the tokens that reach the ARM routes, answering with ARM's own 401 codes and messages.
 */
import { createHash } from "node:crypto";
import { Hs256Jwt, type JwtClaims } from "./jwt.js";

/** ARM accepts tokens for either host, with or without the trailing slash. */
export const ARM_AUDIENCES = ["https://management.azure.com", "https://management.core.windows.net"] as const;

export interface TokenPrincipal {
  tenantId: string;
  clientId: string;
  objectId: string;
  audience: string;
}

export interface IssueTokenOptions {
  /** Defaults to `https://management.azure.com`. */
  audience?: string;
  /** Defaults to the scenario's tenant. */
  tenantId?: string;
  /** Defaults to a fixed test client id. */
  clientId?: string;
  /** Negative values mint an already-expired token. Defaults to the scenario's token lifetime. */
  expiresInSeconds?: number;
}

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
  expiresOn: number;
  notBefore: number;
}

export type TokenCheck =
  | { ok: true; principal: TokenPrincipal }
  | { ok: false; code: string; message: string };

export const DEFAULT_CLIENT_ID = "00000000-0000-0000-0000-00000000c11e";

export class TokenIssuer {
  private readonly jwt = new Hs256Jwt();

  constructor(
    private readonly baseUrl: () => string,
    readonly defaultTenantId: string,
    private readonly lifetimeSeconds: number,
  ) {}

  issuerFor(tenantId: string): string {
    return `${this.baseUrl()}/${tenantId}/v2.0`;
  }

  issue(options: IssueTokenOptions = {}): IssuedToken {
    const now = Math.floor(Date.now() / 1000);
    const tenantId = options.tenantId ?? this.defaultTenantId;
    const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
    const expiresIn = options.expiresInSeconds ?? this.lifetimeSeconds;
    // An expired token must also be already valid, otherwise it would be rejected as "not yet valid".
    const notBefore = Math.min(now - 5, now + expiresIn - 60);
    const claims: JwtClaims = {
      aud: options.audience ?? "https://management.azure.com",
      iss: this.issuerFor(tenantId),
      iat: notBefore,
      nbf: notBefore,
      exp: now + expiresIn,
      tid: tenantId,
      oid: objectIdFor(tenantId, clientId),
      sub: objectIdFor(tenantId, clientId),
      appid: clientId,
      azp: clientId,
      idtyp: "app",
      ver: "2.0",
    };
    return { accessToken: this.jwt.sign(claims), expiresInSeconds: expiresIn, expiresOn: now + expiresIn, notBefore };
  }

  /** Validates a bearer token for ARM the way ARM words its failures. */
  checkArmToken(token: string): TokenCheck {
    return this.checkToken(token, ARM_AUDIENCES);
  }

  /** Validates a token for one of `audiences` (ARM's, or the scoring plane's `https://ml.azure.com`). */
  checkToken(token: string, audiences: readonly string[]): TokenCheck {
    const verdict = this.jwt.verify(token);
    if (!verdict.ok) {
      return { ok: false, code: "InvalidAuthenticationToken", message: "The access token is invalid." };
    }
    const claims = verdict.claims;
    const now = Math.floor(Date.now() / 1000);
    const exp = numberClaim(claims, "exp");
    const nbf = numberClaim(claims, "nbf");
    if (exp === undefined || exp <= now) {
      return {
        ok: false,
        code: "ExpiredAuthenticationToken",
        message: `The access token expiry UTC time '${utc(exp ?? 0)}' is earlier than current UTC time '${utc(now)}'.`,
      };
    }
    if (nbf !== undefined && nbf > now) {
      return { ok: false, code: "InvalidAuthenticationToken", message: "The access token is not yet valid." };
    }
    const audience = typeof claims["aud"] === "string" ? claims["aud"] : "";
    if (!audiences.includes(audience.replace(/\/+$/, ""))) {
      return {
        ok: false,
        code: "InvalidAuthenticationTokenAudience",
        message: `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ${audiences.flatMap((a) => [`'${a}/'`, `'${a}'`]).join(",")}.`,
      };
    }
    const tenantId = typeof claims["tid"] === "string" ? claims["tid"] : "";
    if (tenantId.toLowerCase() !== this.defaultTenantId.toLowerCase()) {
      return {
        ok: false,
        code: "InvalidAuthenticationTokenTenant",
        message: `The access token is from the wrong issuer '${String(claims["iss"])}'. It must match the tenant '${this.issuerFor(this.defaultTenantId)}' associated with this subscription.`,
      };
    }
    const clientId = typeof claims["appid"] === "string" ? claims["appid"] : "unknown";
    const objectId = typeof claims["oid"] === "string" ? claims["oid"] : clientId;
    return { ok: true, principal: { tenantId, clientId, objectId, audience } };
  }
}

/** A stable object id per (tenant, client), shaped like a GUID, so systemData and logs stay readable. */
export function objectIdFor(tenantId: string, clientId: string): string {
  const hex = createHash("sha256").update(`${tenantId}/${clientId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function numberClaim(claims: JwtClaims, name: string): number | undefined {
  const value = claims[name];
  return typeof value === "number" ? value : undefined;
}

function utc(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "");
}
