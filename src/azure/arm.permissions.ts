/**
 * ARM's permissions API at a workspace: what the caller (the bot's identity) may do there, as the union of its role
 * assignments' permissions at that scope and above. `GET {scope}/providers/Microsoft.Authorization/permissions`
 * answers `{ value: [{ actions, notActions, dataActions, notDataActions }], nextLink? }` (Permissions - List For
 * Resource, api-version 2022-04-01); sent through the ARM client's own pipeline (token, retries, TLS options).
 */
import type { WorkspaceRef } from "../../commands/domain/endpoint.js";
import type { PermissionGrant } from "../../commands/ports/diagnostics.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import * as z from "zod";
import { ArmClientFactory, type ArmClientOptions } from "./arm.client-factory.js";
import { parseServiceError } from "./arm.converters.js";
import { sendJson, type RawResponse } from "./arm.endpoint-requests.js";
import { convertOrFail, httpFailure, toThrowable } from "./arm.failures.js";

export const PERMISSIONS_API_VERSION = "2022-04-01";
/** A role assignment list is short; more pages than this is a loop, not an answer. */
const MAX_PAGES = 20;

const pageSchema = z.looseObject({
  value: z.array(z.looseObject({ actions: z.array(z.string()).nullish(), notActions: z.array(z.string()).nullish() })),
  nextLink: z.string().nullish(),
});

export function permissionsUrl(armBase: string, ws: WorkspaceRef): string {
  const seg = encodeURIComponent;
  return (
    `${armBase.replace(/\/+$/, "")}/subscriptions/${seg(ws.subscriptionId)}/resourceGroups/${seg(ws.resourceGroup)}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${seg(ws.workspace)}` +
    `/providers/Microsoft.Authorization/permissions?api-version=${PERMISSIONS_API_VERSION}`
  );
}

export class ArmPermissions {
  private readonly clients: ArmClientFactory;

  constructor(options: ArmClientOptions) {
    this.clients = new ArmClientFactory(options);
  }

  /** Every grant at the workspace, all pages. Throws InfrastructureError (403, 404, a token that could not be had). */
  async listForWorkspace(ws: WorkspaceRef, options: OperationOptions = {}): Promise<PermissionGrant[]> {
    const action = `list permissions at workspace ${ws.workspace}`;
    const grants: PermissionGrant[] = [];
    let url: string | undefined = permissionsUrl(this.clients.endpoint, ws);
    for (let page = 0; url !== undefined && page < MAX_PAGES; page++) {
      const response: RawResponse = await sendJson(this.clients.forSubscription(ws.subscriptionId), "GET", url, options.abortSignal ? { abortSignal: options.abortSignal } : {}).catch((error: unknown) => {
        throw toThrowable(action, error);
      });
      if (response.status !== 200) throw httpFailure(action, response.status, parseServiceError(response.body));
      const body: z.infer<typeof pageSchema> = convertOrFail(action, () => pageSchema.parse(response.body));
      grants.push(...body.value.map((p) => ({ actions: p.actions ?? [], notActions: p.notActions ?? [] })));
      url = body.nextLink ?? undefined;
    }
    return grants;
  }
}
