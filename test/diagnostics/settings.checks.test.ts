/** `aml doctor`'s settings checks: the Teams bot identity against the bot's managed identity, and the alerts secret. */
import { describe, expect, it } from "vitest";
import { LOCAL_ALERTS_SECRET } from "../../src/config/config.js";
import { alertsSecretFinding, estimatedBits, teamsSettingsFinding } from "../../src/diagnostics/settings.checks.js";

const ID = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b";
const TENANT = "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f";

describe("the Teams bot identity", () => {
  it("is consistent with UserAssignedMSI when its app id is the managed identity's client id", () => {
    const finding = teamsSettingsFinding({ mode: "azure", teams: { auth: { type: "UserAssignedMSI", appId: ID.toUpperCase(), tenantId: TENANT } }, identity: { clientId: ID, tenantId: TENANT } });
    expect(finding).toMatchObject({ status: "ok", detail: `UserAssignedMSI, app id = AZURE_CLIENT_ID, tenant ${TENANT}` });
  });

  it("fails when MicrosoftAppId is another identity than AZURE_CLIENT_ID, saying which setting to change", () => {
    const finding = teamsSettingsFinding({ mode: "azure", teams: { auth: { type: "UserAssignedMSI", appId: ID, tenantId: TENANT } }, identity: { clientId: "99999999-5d6e-4f70-8a9b-0c1d2e3f4a5b" } });
    expect(finding.status).toBe("fail");
    expect(finding.fix).toContain("set MicrosoftAppId to the managed identity's client id (AZURE_CLIENT_ID)");
  });

  it("fails on a tenant that is not the identity's, and warns of a client secret to rotate", () => {
    expect(teamsSettingsFinding({ mode: "azure", teams: { auth: { type: "UserAssignedMSI", appId: ID, tenantId: TENANT } }, identity: { clientId: ID, tenantId: ID } }).status).toBe("fail");
    const secret = teamsSettingsFinding({ mode: "azure", teams: { auth: { type: "MultiTenant", appId: ID, password: "p4ss-w0rd-value" } }, identity: {} });
    expect(secret).toMatchObject({ status: "warn" });
    expect(JSON.stringify(secret)).not.toContain("p4ss-w0rd-value");
  });
});

describe("the alerts secret", () => {
  it("is fine as the local default locally and refused as it in Azure", () => {
    expect(alertsSecretFinding({ mode: "local", alertsSecret: LOCAL_ALERTS_SECRET }).status).toBe("ok");
    expect(alertsSecretFinding({ mode: "azure", alertsSecret: LOCAL_ALERTS_SECRET }).status).toBe("fail");
  });

  it("passes `openssl rand -hex 32` and fails a 16-character word, never showing either", () => {
    const strong = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const weak = "alertsalertsalrt";
    expect(alertsSecretFinding({ mode: "azure", alertsSecret: strong })).toMatchObject({ status: "ok", detail: "64 characters, about 320 bits" });
    const finding = alertsSecretFinding({ mode: "azure", alertsSecret: weak });
    expect(finding).toMatchObject({ status: "fail" });
    expect(finding.fix).toContain("openssl rand -hex 32");
    expect(JSON.stringify([finding, alertsSecretFinding({ mode: "azure", alertsSecret: strong })])).not.toMatch(new RegExp(`${weak}|${strong}`));
  });

  it("counts a secret of few different characters as weak, however long", () => {
    expect(estimatedBits("a".repeat(100))).toBeLessThan(128);
    expect(estimatedBits("Zq8#pL2!vR9@kT4$mW7%")).toBeGreaterThan(100);
  });
});
