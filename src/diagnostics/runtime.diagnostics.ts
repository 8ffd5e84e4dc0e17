/**
 * The runtime's side of `aml doctor` (the core's `BotDiagnostics` port): a token for ARM, ARM's permissions API at
 * each workspace, the storage account's tables and queues, Slack's `auth.test`, and the settings checks. Each answers
 * a finding with its fix; nothing secret goes into one (a token's tenant and client id are not secrets).
 */
import type { TokenCredential } from "@azure/core-auth";
import type { WorkspaceRef } from "../../commands/domain/endpoint.js";
import { InfrastructureError } from "../../commands/errors.js";
import type { BotDiagnostics, Finding, PermissionsAnswer, SlackAnswer } from "../../commands/ports/diagnostics.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { DEFAULT_ARM_SCOPE } from "../azure/arm.client-factory.js";
import type { ArmPermissions } from "../azure/arm.permissions.js";
import type { AppConfig } from "../config/config.js";
import { redact } from "../logging/redact.js";
import { runtimeStorage } from "../storage/runtime-storage.js";
import type { StorageClients, StorageNames } from "../storage/storage-clients.js";
import { alertsSecretFinding, teamsSettingsFinding } from "./settings.checks.js";
import { slackIdentity } from "./slack-auth.probe.js";

export interface RuntimeDiagnosticsOptions {
  readonly config: AppConfig;
  readonly credential: TokenCredential;
  readonly permissions: ArmPermissions;
  /** The runtime's storage; absent when state is kept in memory (the terminal without a stack, core tests). */
  readonly storage?: { readonly clients: StorageClients; readonly names: StorageNames };
  readonly fetch?: typeof fetch;
}

export class RuntimeDiagnostics implements BotDiagnostics {
  constructor(private readonly options: RuntimeDiagnosticsOptions) {}

  async checkToken(options: OperationOptions = {}): Promise<Finding> {
    const { config } = this.options;
    try {
      const token = await this.options.credential.getToken(DEFAULT_ARM_SCOPE, options.abortSignal ? { abortSignal: options.abortSignal } : {});
      if (!token) return { status: "fail", detail: "the credential gave no token", fix: this.tokenFix() };
      const claims = claimsOf(token.token);
      const who = [claims.appid ?? claims.azp ? `client ${claims.appid ?? claims.azp}` : undefined, claims.tid ? `tenant ${claims.tid}` : undefined].filter(Boolean).join(", ");
      if (config.identity.tenantId && claims.tid && claims.tid.toLowerCase() !== config.identity.tenantId.toLowerCase()) {
        return { status: "fail", detail: `the token is from tenant ${claims.tid}, not AZURE_TENANT_ID`, fix: "set AZURE_TENANT_ID to the tenant of the workspaces' subscription" };
      }
      return { status: "ok", detail: `got an ARM token${who ? ` (${who})` : ""}` };
    } catch (error) {
      if (options.abortSignal?.aborted) throw error;
      const detail = error instanceof Error ? `${error.name}: ${(error.message.split(/\r?\n/, 1)[0] ?? "").slice(0, 240)}` : String(error);
      return { status: "fail", detail: redact(`no token for ARM: ${detail}`), fix: this.tokenFix() };
    }
  }

  async getPermissions(workspace: WorkspaceRef, options: OperationOptions = {}): Promise<PermissionsAnswer> {
    try {
      return { ok: true, grants: await this.options.permissions.listForWorkspace(workspace, options) };
    } catch (error) {
      if (options.abortSignal?.aborted || !(error instanceof InfrastructureError)) throw error;
      const forbidden = error.setupProblem?.kind === "forbidden";
      const fix = forbidden
        ? "the identity may not even read its permissions here (Microsoft.Authorization/permissions/read): deploy deploy/workspace-access.bicep for this workspace, whose role has it and every action the bot needs"
        : "check the workspace's subscriptionId, resourceGroup and workspace in AML_CONFIG_JSON";
      return { ok: false, finding: { status: "fail", detail: error.message, fix } };
    }
  }

  async checkStorage(options: OperationOptions = {}): Promise<Finding> {
    const storage = this.options.storage;
    if (!storage) return { status: "skip", detail: "state is kept in memory (no storage account: the terminal without `npm start`)" };
    const { tables, queues } = runtimeStorage(storage.names);
    const abortSignal = options.abortSignal;
    const probes = [
      ...tables.map((name) => ({ name: `table ${name}`, call: () => storage.clients.table(name).listEntities({ queryOptions: { select: ["PartitionKey"] }, ...(abortSignal ? { abortSignal } : {}) }).byPage({ maxPageSize: 1 }).next() })),
      ...queues.map((name) => ({ name: `queue ${name}`, call: () => storage.clients.queue(name).peekMessages({ numberOfMessages: 1, ...(abortSignal ? { abortSignal } : {}) }) })),
    ];
    const results = await Promise.allSettled(probes.map((p) => p.call()));
    const failed = probes.flatMap((p, i) => (results[i]!.status === "rejected" ? [{ name: p.name, reason: (results[i] as PromiseRejectedResult).reason as unknown }] : []));
    if (failed.length === 0) return { status: "ok", detail: `${tables.length} tables and ${queues.length} queues answer` };
    const first = failed[0]!;
    const reason = first.reason instanceof Error ? (first.reason.message.split(/\r?\n/, 1)[0] ?? "").slice(0, 200) : String(first.reason);
    return {
      status: "fail",
      detail: redact(`${failed.length} of ${probes.length} do not answer (${failed.map((f) => f.name).join(", ")}); first: ${reason}`),
      fix:
        this.options.config.storage.kind === "identity"
          ? "give the bot's identity Storage Table Data Contributor and Storage Queue Data Contributor on the storage account, and check AML_STORAGE_TABLE_URL / AML_STORAGE_QUEUE_URL"
          : "check AzureWebJobsStorage (locally: is Azurite running? `npm start` runs it)",
    };
  }

  getSlackIdentity(options: OperationOptions = {}): Promise<SlackAnswer> {
    const { config } = this.options;
    return slackIdentity(config.slack, config.mode, { ...options, ...(this.options.fetch ? { fetch: this.options.fetch } : {}) });
  }

  async checkTeamsSettings(): Promise<Finding> {
    return teamsSettingsFinding(this.options.config);
  }

  async checkAlertsSecret(): Promise<Finding> {
    return alertsSecretFinding(this.options.config);
  }

  private tokenFix(): string {
    return this.options.config.mode === "azure"
      ? "check that AZURE_CLIENT_ID is the client id of the user-assigned identity attached to the function app (and AZURE_TENANT_ID its tenant)"
      : "start the AML emulator (`npm start` or `npm run emulator`; AML_EMULATOR_URL says where it is), and leave AZURE_TENANT_ID unset or the emulator scenario's tenant";
  }
}

/** The claims of a JWT's payload, unverified: only to say whose token it is. */
function claimsOf(token: string): { readonly tid?: string; readonly appid?: string; readonly azp?: string } {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const str = (key: string) => (typeof payload[key] === "string" ? { [key]: payload[key] as string } : {});
    return { ...str("tid"), ...str("appid"), ...str("azp") };
  } catch {
    return {};
  }
}
