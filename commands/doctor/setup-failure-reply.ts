import type { WorkspaceRef } from "../domain/endpoint.js";
import type { SetupProblem } from "../errors.js";
import { problemReply } from "../replies.js";
import type { Reply } from "../reply.js";

export interface SetupFailureContext {
  readonly correlationId: string;
  /** Admins are told what is wrong; others only that an admin can find out. */
  readonly admin: boolean;
  readonly workspaces: readonly WorkspaceRef[];
}

/**
 * What chat shows when a verb met an infrastructure failure: instead of a bare reference, a pointer to `aml doctor`,
 * and for an admin what the port could tell about the bot's set-up (the action its identity lacks, on which
 * workspace; a token it could not get). Never a secret: an action's name, a workspace alias, the reference.
 */
export function setupFailureReply(problem: SetupProblem | undefined, context: SetupFailureContext): Reply {
  const reference = `Reference for the operators: \`${context.correlationId}\`.`;
  if (!context.admin || problem === undefined) {
    const who = context.admin ? "Run `aml doctor`" : "Ask an aml-chatops admin to run `aml doctor`";
    const what = problem === undefined ? "Azure or the bot's storage failed" : "The bot's access to Azure is not set up right";
    return problemReply("Something went wrong", [`${what}: the command could not be completed. Nothing more is known to be changed than what Azure ML reports.`], `${who}: it checks the bot's set-up and says how to fix it. ${reference}`);
  }
  if (problem.kind === "token") {
    return problemReply(
      "The bot could not sign in to Azure",
      ["The bot's identity could not get or use a token for Azure (a wrong tenant, a managed identity that is missing or not assigned to the function app). Nothing was changed."],
      `Run \`aml doctor\`: its Identity check says what to fix. ${reference}`,
    );
  }
  const workspace = problem.scope === undefined ? undefined : workspaceOfScope(problem.scope, context.workspaces);
  const where = workspace ? ` on workspace ${workspace.alias}` : "";
  const lacks = problem.action ? `The bot's identity lacks \`${problem.action}\`${where}.` : `Azure refused the bot's identity${where} (HTTP 403).`;
  return problemReply(
    "The bot is not allowed to do that",
    [`${lacks} Nothing was changed.`],
    `Run \`aml doctor\` for every missing permission and the fix (deploy/workspace-access.bicep grants what the bot needs at a workspace). ${reference}`,
  );
}

/** The configured workspace an ARM scope lies in (`/subscriptions/…/workspaces/demo/onlineEndpoints/e`). */
function workspaceOfScope(scope: string, workspaces: readonly WorkspaceRef[]): WorkspaceRef | undefined {
  const path = scope.toLowerCase();
  return workspaces.find((w) => {
    const prefix = `/subscriptions/${w.subscriptionId}/resourcegroups/${w.resourceGroup}/providers/microsoft.machinelearningservices/workspaces/${w.workspace}`.toLowerCase();
    return path === prefix || path.startsWith(`${prefix}/`);
  });
}
