/**
 * The commands that give the bot's identity its roles where the Azure ML workspaces live (deploy/workspace-access.bicep
 * per workspace, deploy/quota-access.bicep per subscription), and, with an events secret, subscribe the bot to each
 * workspace's events (deploy/modules/event-grid.bicep), built from AML_CONFIG_JSON. `azd up` prints them after
 * provisioning (scripts/workspace-grants.ts): they are run by whoever owns the workspaces, and stay out of the azd
 * deployment so that `azd down` never deletes a workspace's resource group. No secret is ever printed: the events
 * secret is read from the azd environment by the shell that runs the command.
 */
import { readFileConfig } from "../src/config/file-config.js";

export interface GrantInputs {
  /** AML_CONFIG_JSON: the workspaces and roles. */
  readonly configJson: string;
  /** The managed identity's principal (object) id: output AML_CHATOPS_PRINCIPAL_ID. */
  readonly principalId: string;
  /** Where subscription deployments keep their record (AZURE_LOCATION). */
  readonly location: string;
  /** Set when AML_EVENTS_SECRET is: the function app's name (output AML_CHATOPS_FUNCTION_APP). */
  readonly eventsTo?: { readonly functionApp: string };
}

/** One shell command a line: each distinct workspace, then each distinct subscription. */
export function workspaceGrantCommands(inputs: GrantInputs): string[] {
  const config = readFileConfig({ json: inputs.configJson }, () => "");
  if (!config) return [];
  const seen = new Set<string>();
  const commands: string[] = [];
  for (const ws of config.workspaces) {
    const key = `${ws.subscriptionId}/${ws.resourceGroup}/${ws.workspace}`.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    commands.push(
      `az deployment group create --subscription ${ws.subscriptionId} --resource-group ${ws.resourceGroup} --name aml-chatops-access-${ws.workspace} ` +
        `--template-file deploy/workspace-access.bicep --parameters workspaceName=${ws.workspace} principalId=${inputs.principalId}`,
    );
  }
  for (const ws of inputs.eventsTo ? config.workspaces : []) {
    const key = `events/${ws.subscriptionId}/${ws.resourceGroup}/${ws.workspace}`.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    commands.push(
      `az deployment group create --subscription ${ws.subscriptionId} --resource-group ${ws.resourceGroup} --name aml-chatops-events-${ws.workspace} ` +
        `--template-file deploy/modules/event-grid.bicep --parameters workspaceName=${ws.workspace} functionAppHost=${inputs.eventsTo!.functionApp}.azurewebsites.net ` +
        `eventsSecret="$(azd env get-value AML_EVENTS_SECRET)"`,
    );
  }
  for (const subscriptionId of new Set(config.workspaces.map((ws) => ws.subscriptionId.toLowerCase()))) {
    commands.push(
      `az deployment sub create --subscription ${subscriptionId} --location ${inputs.location} --name aml-chatops-quota ` +
        `--template-file deploy/quota-access.bicep --parameters principalId=${inputs.principalId}`,
    );
  }
  return commands;
}
