import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import { ArmTestClient, HttpsTestClient, jwtPayload, startTestEmulator } from "./helpers/arm-http.js";

let emulator: RunningAmlEmulator;
let http: HttpsTestClient;
let arm: ArmTestClient;

const SECRET = "super-secret-value";
const scenario = { ...defaultScenario(), auth: { clients: [{ clientId: "chatops-app", clientSecret: SECRET }] } };

beforeAll(async () => {
  emulator = await startTestEmulator({ scenario });
  http = new HttpsTestClient(emulator.url, emulator.ca);
  arm = new ArmTestClient(emulator);
});
afterAll(() => emulator.close());

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});
const clientCredentials = (overrides: Record<string, string> = {}) =>
  form({ grant_type: "client_credentials", client_id: "chatops-app", client_secret: SECRET, scope: "https://management.azure.com/.default", ...overrides });

describe("token endpoint", () => {
  it("issues an HS256 JWT for the scope's resource", async () => {
    expect(emulator.tokenUrl()).toBe(`${emulator.url}/${scenario.tenantId}/oauth2/v2.0/token`);
    const response = await http.send(emulator.tokenUrl(), clientCredentials());
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: expect.any(String) });
    const header = JSON.parse(Buffer.from(String(response.json.access_token).split(".")[0] ?? "", "base64url").toString("utf8"));
    expect(header.alg).toBe("HS256");
    const claims = jwtPayload(response.json.access_token);
    expect(claims).toMatchObject({
      aud: "https://management.azure.com",
      iss: `${emulator.url}/${scenario.tenantId}/v2.0`,
      tid: scenario.tenantId,
      appid: "chatops-app",
      oid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(Number(claims["exp"]) - Number(claims["iat"])).toBeGreaterThan(3500);
    expect(claims["nbf"]).toBeDefined();

    const arm2 = new ArmTestClient(emulator, response.json.access_token);
    expect((await arm2.get(arm2.endpointPath("fraud-scorer"))).status).toBe(200);
  });

  it("serves the v1 endpoint with `resource`", async () => {
    const response = await http.send(
      `${emulator.url}/${scenario.tenantId}/oauth2/token`,
      form({ grant_type: "client_credentials", client_id: "chatops-app", client_secret: SECRET, resource: "https://management.core.windows.net/" }),
    );
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ token_type: "Bearer", resource: "https://management.core.windows.net/", expires_on: expect.any(String) });
    const v1 = new ArmTestClient(emulator, response.json.access_token);
    expect((await v1.get(v1.endpointPath("fraud-scorer"))).status).toBe(200);
  });

  it.each([
    [{ grant_type: "password" }, 400, "unsupported_grant_type"],
    [{ scope: "https://management.azure.com/user_impersonation" }, 400, "invalid_scope"],
    [{ client_secret: "wrong" }, 401, "invalid_client"],
    [{ client_id: "stranger" }, 400, "unauthorized_client"],
  ])("refuses %j with Entra's error shape", async (overrides, status, error) => {
    const response = await http.send(emulator.tokenUrl(), clientCredentials(overrides));
    expect(response.status).toBe(status);
    expect(response.json).toMatchObject({ error, error_description: expect.stringMatching(/^AADSTS\d+: /), error_codes: [expect.any(Number)] });
    expect(response.text).not.toContain(SECRET);
  });

  it("refuses an unknown tenant", async () => {
    const response = await http.send(emulator.tokenUrl("11111111-2222-3333-4444-555555555555"), clientCredentials());
    expect(response.status).toBe(400);
    expect(response.json.error_description).toContain("AADSTS90002");
  });

  it("publishes OpenID and instance discovery documents MSAL can use", async () => {
    const oidc = await http.send(`${emulator.url}/${scenario.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(oidc.status).toBe(200);
    expect(oidc.json).toMatchObject({
      token_endpoint: emulator.tokenUrl(),
      issuer: `${emulator.url}/${scenario.tenantId}/v2.0`,
      authorization_endpoint: `${emulator.url}/${scenario.tenantId}/oauth2/v2.0/authorize`,
      jwks_uri: `${emulator.url}/${scenario.tenantId}/discovery/v2.0/keys`,
    });
    expect((await http.send(oidc.json.jwks_uri)).json).toEqual({ keys: [] });
    const instance = await http.send(`${emulator.url}/common/discovery/instance?api-version=1.1`);
    expect(instance.json.tenant_discovery_endpoint).toContain("/v2.0/.well-known/openid-configuration");
  });

  it("mints tokens programmatically", () => {
    const claims = jwtPayload(emulator.issueToken({ audience: "https://ml.azure.com", clientId: "x" }));
    expect(claims).toMatchObject({ aud: "https://ml.azure.com", appid: "x" });
  });
});

describe("ARM authentication", () => {
  const path = () => arm.endpointPath("fraud-scorer");
  const withToken = (token: string) => arm.send(`${path()}?api-version=2022-10-01`, { headers: { authorization: `Bearer ${token}` } });

  it("answers 401 AuthenticationFailed with WWW-Authenticate when the header is missing or malformed", async () => {
    const missing = await arm.send(`${path()}?api-version=2022-10-01`);
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatchObject({ code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." });
    expect(String(missing.headers["www-authenticate"])).toMatch(/^Bearer authorization_uri="[^"]+", error="invalid_token"/);
    const basic = await arm.send(`${path()}?api-version=2022-10-01`, { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(basic.status).toBe(401);
    expect(basic.json.error.message).toContain("invalid format");
  });

  it("answers 401 InvalidAuthenticationToken for a bad signature or a foreign token", async () => {
    const token = emulator.issueToken();
    const [header, payload] = token.split(".");
    const tampered = await withToken(`${header}.${payload}.AAAA`);
    expect(tampered.status).toBe(401);
    expect(tampered.json.error).toMatchObject({ code: "InvalidAuthenticationToken", message: "The access token is invalid." });
    expect(tampered.headers["www-authenticate"]).toBeTruthy();
    expect((await withToken("not-a-jwt")).json.error.code).toBe("InvalidAuthenticationToken");
  });

  it("answers 401 ExpiredAuthenticationToken for an expired token", async () => {
    const expired = await withToken(emulator.issueToken({ expiresInSeconds: -120 }));
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe("ExpiredAuthenticationToken");
    expect(expired.json.error.message).toMatch(/^The access token expiry UTC time '.+' is earlier than current UTC time '.+'\.$/);
    expect(expired.headers["www-authenticate"]).toBeTruthy();
  });

  it("answers 401 InvalidAuthenticationTokenAudience for another audience, and accepts ARM's audiences", async () => {
    const wrong = await withToken(emulator.issueToken({ audience: "https://storage.azure.com" }));
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe("InvalidAuthenticationTokenAudience");
    expect(wrong.json.error.message).toContain("'https://storage.azure.com'");
    for (const audience of ["https://management.azure.com/", "https://management.core.windows.net/"]) {
      expect((await withToken(emulator.issueToken({ audience }))).status).toBe(200);
    }
  });

  it("answers 401 InvalidAuthenticationTokenTenant for another tenant's token", async () => {
    const response = await withToken(emulator.issueToken({ tenantId: "99999999-9999-9999-9999-999999999999" }));
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe("InvalidAuthenticationTokenTenant");
  });

  it("never records tokens or secrets in the request log", () => {
    const log = JSON.stringify(emulator.requests);
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain("eyJ");
  });
});
