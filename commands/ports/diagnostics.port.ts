import type { WorkspaceRef } from "../domain/endpoint.js";
import type { OperationOptions } from "./operation-options.js";

/**
 * What `aml doctor` asks of the runtime: checks only the runtime can make (a token, ARM's permissions API, the
 * storage account, Slack's `auth.test`, settings the core never sees). Each answers a finding instead of throwing: a
 * failed check is the expected outcome of a misconfigured bot. Implemented in `src/diagnostics/`.
 */

/** `skip`: not applicable here (no Slack API locally without `npm start`); never counted as a problem. */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface Finding {
  readonly status: CheckStatus;
  /** What was found, short; never a secret (names of settings, ids and counts only). */
  readonly detail: string;
  /** What to do about a `warn` or `fail`. */
  readonly fix?: string;
}

/** One entry of ARM's permissions API (`Microsoft.Authorization/permissions`): actions may hold `*` wildcards. */
export interface PermissionGrant {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
}

export type PermissionsAnswer = { readonly ok: true; readonly grants: readonly PermissionGrant[] } | { readonly ok: false; readonly finding: Finding };

/** Who the Slack token is, and what it may do. */
export type SlackAnswer =
  | { readonly ok: false; readonly finding: Finding }
  | {
      readonly ok: true;
      readonly team: string;
      readonly botId?: string;
      readonly userId?: string;
      /** The ids the bot is configured with (SLACK_BOT_ID, SLACK_BOT_USER_ID), to compare. */
      readonly configured: { readonly botId: string; readonly userId: string };
      /** From the `x-oauth-scopes` response header; undefined when Slack sent none. */
      readonly scopes?: readonly string[];
    };

export interface BotDiagnostics {
  /** The bot's identity gets a token for ARM (the managed identity in Azure, the emulator's locally). */
  checkToken(options?: OperationOptions): Promise<Finding>;
  /** What the bot's identity may do at the workspace, from ARM's permissions API. */
  getPermissions(workspace: WorkspaceRef, options?: OperationOptions): Promise<PermissionsAnswer>;
  /** Every table and queue the bot uses answers. */
  checkStorage(options?: OperationOptions): Promise<Finding>;
  /** `auth.test` with the bot token. */
  getSlackIdentity(options?: OperationOptions): Promise<SlackAnswer>;
  /** The Teams bot identity's settings agree with each other and with the bot's identity. */
  checkTeamsSettings(options?: OperationOptions): Promise<Finding>;
  /** The alerts webhook's secret is long and random enough, and not a published value. */
  checkAlertsSecret(options?: OperationOptions): Promise<Finding>;
}
