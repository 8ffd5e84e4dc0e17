/**
 * The credential ARM calls authenticate with.
 *
 * In Azure: the function app's managed identity. A user-assigned identity is named by its client id
 * (`ManagedIdentityCredential`); without one, `DefaultAzureCredential` finds the system-assigned identity in
 * Azure and, on a developer machine pointed at real Azure, environment / workload identity / Azure CLI.
 *
 * Locally: real tokens from the emulator's Entra-like token endpoint, through `ClientSecretCredential` with
 * the emulator as authority host. Checked in @azure/identity 4.13.1's source: its options are
 * `CommonClientOptions`, which `createMsalClient` hands to the `IdentityClient` (a core-client ServiceClient)
 * that MSAL uses as its network client, so `tlsOptions: { ca }` adds a `tlsPolicy` to THAT pipeline only:
 * the emulator's self-signed CA is trusted per credential, with no process-wide TLS change.
 * `disableInstanceDiscovery` makes MSAL accept the non-Microsoft authority (it then reads the emulator's
 * `/{tenant}/v2.0/.well-known/openid-configuration`). No hand-written token client is needed.
 *
 * Secrets are passed straight to the credential and never logged or put into error messages here.
 */
import type { TokenCredential } from "@azure/core-auth";
import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";

/** The tenant of the emulator's default scenario; tokens from any other tenant are refused by it. */
export const LOCAL_EMULATOR_TENANT_ID = "00000000-0000-0000-0000-0000000000aa";
/** Local identities: the emulator gives a token to any non-empty client id and secret unless its scenario lists clients. */
export const LOCAL_CLIENT_ID = "aml-chatops-local";
const LOCAL_CLIENT_SECRET = "aml-chatops-local-not-a-secret";

/**
 * Shaped after `AppConfig` (src/config/config.ts), so the composition root can pass its config as is.
 * `clientSecret` is only for an emulator scenario that restricts clients.
 */
export interface AzureCredentialConfig {
  readonly mode: "local" | "azure";
  readonly emulator: { readonly url: string };
  /** `ca`: PEM of the emulator's CA (local mode), trusted by the token requests of this credential only. */
  readonly arm: { readonly ca?: string };
  readonly identity: { readonly clientId?: string; readonly tenantId?: string; readonly clientSecret?: string };
}

export function createAzureCredential(config: AzureCredentialConfig): TokenCredential {
  if (config.mode === "azure") {
    const { clientId, tenantId } = config.identity;
    if (clientId) return new ManagedIdentityCredential({ clientId });
    return new DefaultAzureCredential(tenantId ? { tenantId } : {});
  }
  return createEmulatorCredential({
    authorityHost: config.emulator.url,
    tenantId: config.identity.tenantId ?? LOCAL_EMULATOR_TENANT_ID,
    clientId: config.identity.clientId ?? LOCAL_CLIENT_ID,
    clientSecret: config.identity.clientSecret ?? LOCAL_CLIENT_SECRET,
    ...(config.arm.ca ? { ca: config.arm.ca } : {}),
  });
}

export interface EmulatorCredentialOptions {
  /** The emulator's base URL: tokens come from `{authorityHost}/{tenantId}/oauth2/v2.0/token`. */
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** PEM of the emulator's CA. */
  readonly ca?: string;
}

export function createEmulatorCredential(options: EmulatorCredentialOptions): TokenCredential {
  return new ClientSecretCredential(options.tenantId, options.clientId, options.clientSecret, {
    authorityHost: options.authorityHost.replace(/\/+$/, ""),
    disableInstanceDiscovery: true,
    ...(options.ca ? { tlsOptions: { ca: options.ca } } : {}),
  });
}
