import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InfrastructureError } from "../../commands/errors.js";
import { ArmEndpointControl } from "../../src/azure/arm.endpoint-control.js";
import { createAzureCredential, createEmulatorCredential } from "../../src/azure/credentials.js";
import { startAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { testScenario, workspaceOf, type RunningEmulator } from "./emulator-harness.js";

const ARM_SCOPE = "https://management.azure.com/.default";
const CLIENT_ID = "aml-chatops-ci";
const CLIENT_SECRET = "ci-secret-4f1d9e0b7c";

let emulator: RunningEmulator;

beforeAll(async () => {
  // This scenario only gives tokens to one client, so a wrong secret is refused like Entra ID would.
  const scenario = { ...testScenario(), auth: { clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] } };
  emulator = await startAmlEmulator({ scenario, lroDelayInMs: 20, tlsCacheDir: false });
});
afterAll(async () => emulator?.close());
beforeEach(() => emulator.reset());

function localConfig(overrides: { clientSecret?: string; ca?: string | undefined } = {}) {
  const ca = "ca" in overrides ? overrides.ca : emulator.ca;
  return {
    mode: "local" as const,
    emulator: { url: emulator.url },
    arm: ca === undefined ? {} : { ca },
    identity: { tenantId: emulator.scenario.tenantId, clientId: CLIENT_ID, clientSecret: overrides.clientSecret ?? CLIENT_SECRET },
  };
}

/** A credential that hands out a fixed token: how a token the emulator should refuse reaches ARM. */
function fixedToken(token: string): TokenCredential {
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

function controlWith(credential: TokenCredential): ArmEndpointControl {
  return new ArmEndpointControl({ credential, endpoint: emulator.url, tlsCa: emulator.ca, retryOptions: { maxRetries: 0 } });
}

describe("local mode: real tokens from the emulator's token endpoint", () => {
  it("gets an ARM token over HTTPS trusting only the given CA, and ARM accepts it", async () => {
    const credential = createAzureCredential(localConfig());
    const token = await credential.getToken(ARM_SCOPE);
    expect(token?.token.split(".")).toHaveLength(3);
    expect(token!.expiresOnTimestamp).toBeGreaterThan(Date.now() + 60_000);
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toContain(
      `POST /${emulator.scenario.tenantId}/oauth2/v2.0/token`,
    );

    const endpoints = await controlWith(credential).listEndpoints(workspaceOf(emulator));
    expect(endpoints.map((e) => e.name)).toContain("fraud-scorer");
  });

  it("does not trust the emulator without its CA (no process-wide TLS change)", async () => {
    const credential = createAzureCredential(localConfig({ ca: undefined }));
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow();
  });

  it("a refused client secret fails without the secret in the error", async () => {
    const credential = createEmulatorCredential({
      authorityHost: emulator.url,
      tenantId: emulator.scenario.tenantId,
      clientId: CLIENT_ID,
      clientSecret: "wrong-secret-8c2a7d",
      ca: emulator.ca,
    });
    const error = await controlWith(credential).listEndpoints(workspaceOf(emulator)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as Error).message).toMatch(/^list online endpoints failed: /);
    expect((error as Error).message).not.toContain("wrong-secret-8c2a7d");
    expect(JSON.stringify(error)).not.toContain("wrong-secret-8c2a7d");
  });
});

describe("ARM refuses bad tokens", () => {
  it("an expired token", async () => {
    const expired = emulator.issueToken({ expiresInSeconds: -120 });
    const error = await controlWith(fixedToken(expired)).listEndpoints(workspaceOf(emulator)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as Error).message).toContain("HTTP 401 ExpiredAuthenticationToken");
    expect((error as Error).message).not.toContain(expired);
  });

  it("a token that is not the emulator's", async () => {
    const forged = `${emulator.issueToken().split(".").slice(0, 2).join(".")}.forged-signature`;
    const error = await controlWith(fixedToken(forged)).getEndpoint(workspaceOf(emulator), "fraud-scorer").catch((e: unknown) => e);
    expect((error as Error).message).toContain("HTTP 401 InvalidAuthenticationToken");
  });

  it("a token for the wrong audience (why the scope is not derived from the endpoint URL)", async () => {
    const wrongAudience = emulator.issueToken({ audience: emulator.url });
    const error = await controlWith(fixedToken(wrongAudience)).listEndpoints(workspaceOf(emulator)).catch((e: unknown) => e);
    expect((error as Error).message).toContain("InvalidAuthenticationTokenAudience");
  });
});

describe("azure mode", () => {
  it("uses the user-assigned managed identity when a client id is configured", () => {
    const credential = createAzureCredential({ mode: "azure", emulator: { url: "https://unused" }, arm: {}, identity: { clientId: "00000000-0000-0000-0000-00000000beef" } });
    expect(credential).toBeInstanceOf(ManagedIdentityCredential);
  });

  it("falls back to DefaultAzureCredential otherwise", () => {
    const credential = createAzureCredential({ mode: "azure", emulator: { url: "https://unused" }, arm: {}, identity: {} });
    expect(credential).toBeInstanceOf(DefaultAzureCredential);
  });
});
