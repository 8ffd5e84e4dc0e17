/**
 * `aml doctor`'s checks of settings the core never sees: the Teams bot identity and the alerts webhook's secret.
 * Pure functions of the config; findings name settings and lengths, never a value that is secret.
 */
import type { Finding } from "../../commands/ports/diagnostics.port.js";
import type { AppConfig } from "../config/config.js";
import { LOCAL_ALERTS_SECRET } from "../config/local-defaults.js";

/** What a random secret should carry at least: as much as a 128-bit key. */
const SECRET_BITS = 128;

export function teamsSettingsFinding(config: Pick<AppConfig, "mode" | "teams" | "identity">): Finding {
  const auth = config.teams.auth;
  const sameId = (a: string | undefined, b: string | undefined) => a === undefined || b === undefined || a.toLowerCase() === b.toLowerCase();
  switch (auth.type) {
    case "anonymous":
      // Local only: the config refuses it in azure mode.
      return { status: "ok", detail: `anonymous (local mode), replies go to ${config.teams.connectorUrl ? "the connector stand-in" : "each activity's serviceUrl"}` };
    case "UserAssignedMSI": {
      if (!sameId(auth.appId, config.identity.clientId)) {
        return {
          status: "fail",
          detail: "MicrosoftAppId is not AZURE_CLIENT_ID: with UserAssignedMSI the bot's app is the function app's managed identity",
          fix: "set MicrosoftAppId to the managed identity's client id (AZURE_CLIENT_ID), as the Azure Bot's msaAppId (deploy/main.bicep sets both)",
        };
      }
      if (!sameId(auth.tenantId, config.identity.tenantId)) {
        return { status: "fail", detail: "MicrosoftAppTenantId is not AZURE_TENANT_ID", fix: "set both to the tenant of the managed identity" };
      }
      if (config.identity.clientId === undefined) {
        return { status: "warn", detail: "UserAssignedMSI, but AZURE_CLIENT_ID is unset: ARM calls may use another identity than Teams", fix: "set AZURE_CLIENT_ID to MicrosoftAppId" };
      }
      return { status: "ok", detail: `UserAssignedMSI, app id = AZURE_CLIENT_ID, tenant ${auth.tenantId}` };
    }
    case "SingleTenant":
      if (!sameId(auth.tenantId, config.identity.tenantId)) {
        return { status: "fail", detail: "MicrosoftAppTenantId is not AZURE_TENANT_ID", fix: "set MicrosoftAppTenantId to the tenant of the bot's app registration" };
      }
      return { status: "warn", detail: "SingleTenant with a client secret, which expires and must be rotated", fix: "use MicrosoftAppType=UserAssignedMSI with the function app's identity (deploy/main.bicep): no secret at all" };
    case "MultiTenant":
      return { status: "warn", detail: "MultiTenant with a client secret, which expires and must be rotated", fix: "use MicrosoftAppType=UserAssignedMSI with the function app's identity (deploy/main.bicep): no secret at all" };
  }
}

export function alertsSecretFinding(config: Pick<AppConfig, "mode" | "alertsSecret">): Finding {
  const secret = config.alertsSecret;
  const fix = "set AML_ALERTS_SECRET to a random value (`openssl rand -hex 32`) and put the new webhook URL in the action group";
  if (secret === LOCAL_ALERTS_SECRET) {
    return config.mode === "local" ? { status: "ok", detail: "the local default (local mode only)" } : { status: "fail", detail: "the published local default", fix };
  }
  const bits = estimatedBits(secret);
  if (bits < SECRET_BITS) return { status: config.mode === "local" ? "warn" : "fail", detail: `${secret.length} characters, about ${Math.floor(bits)} bits: guessable`, fix };
  return { status: "ok", detail: `${secret.length} characters, about ${Math.floor(bits)} bits` };
}

/**
 * A generous upper bound of a secret's entropy: its length times the bits of the character classes it uses, capped by
 * how many different characters it has (`aaaaaaaa…` is not 4.7 bits a character).
 */
export function estimatedBits(secret: string): number {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];
  const sizes = [26, 26, 10, 32];
  const alphabet = classes.reduce((sum, re, i) => sum + (re.test(secret) ? sizes[i]! : 0), 0);
  const distinct = new Set(secret).size;
  return secret.length * Math.log2(Math.max(2, Math.min(alphabet, distinct * 2)));
}
