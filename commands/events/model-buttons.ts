/**
 * A model card's buttons. Deploy to <endpoint>… runs `aml deploy` as the person who clicked typed it (their role,
 * a freeze, an approval rule and the preview all apply), with a suggested deployment name and `--from` the
 * deployment with the most live traffic now, read at the click, not when the card was posted. Ignore leaves a line
 * in place of the card. The workspace, endpoint and model come from the button and are checked like typed words.
 */
import { busiest } from "../deploy/deploy-plan.js";
import type { Deployment, WorkspaceRef } from "../domain/endpoint.js";
import { DEPLOYMENT_NAME, ENDPOINT_NAME } from "../domain/names.js";
import type { EndpointControl } from "../ports/endpoint-control.port.js";
import type { OperationOptions } from "../ports/operation-options.js";
import type { ModelButtonTarget } from "./model-card.js";

export type DeployCommand = { readonly ok: true; readonly command: string } | { readonly ok: false; readonly message: string };

/** `aml deploy` as a Deploy button runs it, or why it cannot (the endpoint is gone, say). */
export async function modelDeployCommand(
  endpoints: EndpointControl,
  workspace: WorkspaceRef,
  target: ModelButtonTarget & { readonly endpoint: string },
  options: OperationOptions = {},
): Promise<DeployCommand> {
  if (!ENDPOINT_NAME.test(target.endpoint)) return { ok: false, message: `\`${target.endpoint}\` is not an endpoint name.` };
  const endpoint = await endpoints.getEndpoint(workspace, target.endpoint, options);
  if (!endpoint) return { ok: false, message: `Endpoint \`${target.endpoint}\` is not in workspace \`${workspace.alias}\` any more: \`aml endpoints\` lists them.` };
  const deployments = await endpoints.listDeployments(workspace, endpoint.name, options);
  const from = busiest(endpoint, deployments);
  const name = suggestedName(target.model, target.version, deployments);
  const words = ["deploy", endpoint.name, name, "--model", `${target.model}:${target.version}`, ...(from ? ["--from", from] : []), "--workspace", workspace.alias];
  return { ok: true, command: words.join(" ") };
}

/** `fraud-model-v5`, cut to Azure ML's 32 characters, and made free on the endpoint (`-2`, `-3`… when taken). */
export function suggestedName(model: string, version: string, deployments: readonly Pick<Deployment, "name">[]): string {
  const clean = (text: string): string => text.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^[-_]+|[-_]+$/g, "");
  const suffix = `-v${clean(version) || "new"}`;
  const base = (clean(model).slice(0, 32 - suffix.length).replace(/[-_]+$/, "") || "model") + suffix;
  const taken = new Set(deployments.map((d) => d.name.toLowerCase()));
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, 32 - String(n).length - 1)}-${n}`;
    if (!taken.has(candidate.toLowerCase()) && DEPLOYMENT_NAME.test(candidate)) return candidate;
  }
}

