// What aml-chatops may do in one Azure ML workspace, and nothing more: deploy it into the workspace's resource group,
// once per workspace that AML_CONFIG_JSON names (`azd up` prints the commands for yours: deploy/grant-commands.ts).
//
//   az deployment group create -g <workspace resource group> -f deploy/workspace-access.bicep \
//     -p workspaceName=<workspace> principalId=<AML_CHATOPS_PRINCIPAL_ID from `azd env get-values`>
//
// Two custom roles instead of "AzureML Data Scientist" (which can also run jobs, read datastores' secrets, write
// models and environments …):
//   - `workspaceActions`, assigned at the workspace: exactly the requests the bot's ARM, scoring and metrics ports
//     send, and `aml doctor`'s read of the bot's own permissions there (tools/emulator/rbac-actions.ts maps each
//     request to its action; test/deploy/aml-role.test.ts fails if the bot sends one that is not here, or if one
//     here is never sent);
//   - `operationActions`, assigned at the resource group: reading the status of the long-running operations the
//     bot starts. Their status URLs sit under the subscription's location, and ARM authorizes them against the
//     resource group the operation ran in ("Track asynchronous Azure operations").
// Regional quota (`aml deploy`'s check) is the subscription's: deploy/quota-access.bicep ("Manage access to Azure
// Machine Learning workspaces": quota operations need subscription-level permissions; SDK/CLI deployments need
// onlineEndpoints/deployments/write). Action names: "Authentication and authorization for online endpoints".
// A first real deployment confirms them: ARM refuses a custom role naming an action it does not know.
//
// Kept out of the `azd up` deployment on purpose: `azd down` deletes every resource group its deployment put a
// resource in, and the workspaces' resource groups are not the bot's to delete.

@description('The Azure ML workspace (in this resource group) the bot operates.')
param workspaceName string

@description('Principal (object) id of the bot\'s managed identity: output AML_CHATOPS_PRINCIPAL_ID of `azd up`.')
param principalId string

var workspaceActions = [
  'Microsoft.MachineLearningServices/workspaces/read'
  'Microsoft.MachineLearningServices/workspaces/models/versions/read'
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read'
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write'
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action'
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/regenerateKeys/action'
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/token/action'
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action'
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/read'
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/write'
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/delete'
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/getLogs/action'
  'Microsoft.Insights/metrics/read'
  'Microsoft.Authorization/permissions/read'
]

var operationActions = [
  'Microsoft.MachineLearningServices/locations/mfeOperationsStatus/read'
  'Microsoft.MachineLearningServices/locations/mfeOperationResults/read'
]

// Role names are unique in the tenant, so each resource group gets its own pair of definitions.
var suffix = uniqueString(resourceGroup().id)

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-04-01' existing = {
  name: workspaceName
}

resource workspaceRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'aml-chatops-workspace')
  properties: {
    roleName: 'aml-chatops workspace operator ${suffix}'
    description: 'What the aml-chatops bot calls in an Azure ML workspace: online endpoints and deployments, model versions, metrics.'
    type: 'customRole'
    assignableScopes: [resourceGroup().id]
    permissions: [
      { actions: workspaceActions, notActions: [], dataActions: [], notDataActions: [] }
    ]
  }
}

resource operationRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'aml-chatops-operations')
  properties: {
    roleName: 'aml-chatops operation reader ${suffix}'
    description: 'Reads the status of the Azure ML operations the aml-chatops bot started in this resource group.'
    type: 'customRole'
    assignableScopes: [resourceGroup().id]
    permissions: [
      { actions: operationActions, notActions: [], dataActions: [], notDataActions: [] }
    ]
  }
}

resource workspaceAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, principalId, workspaceRole.id)
  scope: workspace
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: workspaceRole.id
  }
}

resource operationAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, operationRole.id)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: operationRole.id
  }
}
