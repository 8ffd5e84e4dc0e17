// Regional quota reads for aml-chatops: `aml deploy` checks that a new deployment's cores fit the region's quota
// before it asks Azure ML (tools/emulator/rbac-actions.ts, scope `subscription`). Quota is the subscription's
// (`/subscriptions/{id}/providers/Microsoft.MachineLearningServices/locations/{region}/usages`), so this is the one
// grant above a workspace; it reads sizes and counts, nothing of any workspace. Leave it out and `aml deploy` fails
// its quota check (`aml doctor` names the missing action).
//
//   az deployment sub create -l <region> -f deploy/quota-access.bicep -p principalId=<AML_CHATOPS_PRINCIPAL_ID>

targetScope = 'subscription'

@description('Principal (object) id of the bot\'s managed identity: output AML_CHATOPS_PRINCIPAL_ID of `azd up`.')
param principalId string

var quotaActions = [
  'Microsoft.MachineLearningServices/locations/usages/read'
  'Microsoft.MachineLearningServices/locations/vmSizes/read'
]

resource quotaRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'aml-chatops-quota')
  properties: {
    roleName: 'aml-chatops quota reader ${uniqueString(subscription().id)}'
    description: 'Reads Azure ML VM sizes and core usage per region, for the aml-chatops bot\'s quota check.'
    type: 'customRole'
    assignableScopes: [subscription().id]
    permissions: [
      { actions: quotaActions, notActions: [], dataActions: [], notDataActions: [] }
    ]
  }
}

resource quotaAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, quotaRole.id)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: quotaRole.id
  }
}
