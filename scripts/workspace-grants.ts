/**
 * azd's postprovision hook (azure.yaml): prints, for a workspace owner to run, the commands that grant the bot's
 * identity its custom roles on each workspace AML_CONFIG_JSON names and the regional quota read, and with
 * AML_EVENTS_SECRET set, the Event Grid subscription per workspace. azd hands the hook its environment's values
 * (AML_CONFIG_JSON, AZURE_LOCATION, AML_EVENTS_SECRET and the outputs of deploy/azd.bicep).
 */
import { workspaceGrantCommands } from "./workspace-grant-commands.js";

const principalId = process.env["AML_CHATOPS_PRINCIPAL_ID"];
const configJson = process.env["AML_CONFIG_JSON"];
const location = process.env["AZURE_LOCATION"];
if (!principalId || !configJson || !location) {
  console.error("Needs AML_CHATOPS_PRINCIPAL_ID, AML_CONFIG_JSON and AZURE_LOCATION (azd sets them after `azd provision`; `azd env get-values` shows them).");
  process.exit(1);
}
const functionApp = process.env["AML_CHATOPS_FUNCTION_APP"];
// Only whether it is set: the secret itself is never read into anything printed.
const eventsTo = process.env["AML_EVENTS_SECRET"] && functionApp ? { functionApp } : undefined;
const commands = workspaceGrantCommands({ principalId, configJson, location, ...(eventsTo ? { eventsTo } : {}) });
console.log(
  [
    `The bot's identity (principal ${principalId}) cannot reach your Azure ML workspaces yet.`,
    "Someone who may create and assign roles there (Owner, or User Access Administrator) runs, from this folder:",
    "",
    ...commands.map((command) => `  ${command}`),
    "",
    "Each grants only the actions the bot calls (deploy/workspace-access.bicep, deploy/quota-access.bicep); an events",
    "subscription (deploy/modules/event-grid.bicep) reads the secret from the azd environment. Then ask the bot `aml doctor`.",
  ].join("\n"),
);
