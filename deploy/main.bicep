// aml-chatops on Azure Functions (Flex Consumption, Node 22) with a user-assigned managed identity.
//
// `azd up` deploys it through deploy/azd.bicep (a resource group of its own, then this file into it). By hand:
//   az deployment group create -g <rg> -f deploy/main.bicep \
//     -p slackSigningSecret=<secret> slackBotToken=<xoxb-…> slackBotId=<B…> slackBotUserId=<U…> \
//        alertsSecret=<16+ characters> amlConfigJson="$(cat my-aml-chatops.config.json)"
//
// The identity gets what the bot needs on the resources created here (storage: blob for the deployment package
// and AzureWebJobsStorage, queues and tables for jobs and state; Key Vault secrets; publishing its telemetry).
// Access to the Azure ML workspaces and their metrics is granted where they live, with custom roles that hold only
// the actions the bot calls: deploy/workspace-access.bicep per workspace, deploy/quota-access.bicep once.

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Short prefix for resource names (letters and digits).')
@maxLength(10)
param prefix string = 'amlchat'

@description('Workspaces and roles: the content of an AML_CONFIG_FILE (see deploy/aml-chatops.config.example.json).')
param amlConfigJson string

@secure()
param slackSigningSecret string

@secure()
param slackBotToken string

@secure()
@description('The secret in the alerts webhook URL (/api/alerts?code=...), at least 16 characters.')
@minLength(16)
param alertsSecret string

@secure()
@description('Optional: the secret Event Grid deliveries to /api/events carry (16+ characters), the same value deploy/modules/event-grid.bicep takes. Empty: no AML_EVENTS_SECRET, and /api/events refuses every delivery.')
param eventsSecret string = ''

@description('Tags for every resource (azd adds azd-env-name).')
param tags object = {}

@description('bot_id from auth.test (B…).')
param slackBotId string

@description('user_id from auth.test (U…).')
param slackBotUserId string

var token = uniqueString(resourceGroup().id)
var storageName = toLower(take('${prefix}${token}', 24))
var appName = '${prefix}-${token}'
var deploymentContainer = 'app-package'
var jobQueue = 'aml-jobs'

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${appName}-id'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  tags: tags
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Identity only: no account keys to leak.
    allowSharedKeyAccess: false
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

// The bot's tables and queues (src/storage/runtime-storage.ts), created with the account: a cold start then makes
// no storage round trip before its first answer. The bot still creates one that it finds missing.
var tableNames = [
  'amlaudit'
  'amlpending'
  'amlchannels'
  'amljobledger'
  'amlteamsconv'
  'amlsamples'
  'amlmessagerefs'
  'amldigests'
  'amldigestruns'
  'amlalertbindings'
  'amlalertledger'
  'amlcharts'
  'amlfreezes'
  'amlpromotions'
]
var queueNames = [jobQueue, '${jobQueue}-poison']

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for name in tableNames: {
    parent: tableService
    name: name
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for name in queueNames: {
    parent: queueService
    name: name
  }
]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${appName}-logs'
  location: location
  tags: tags
  properties: { retentionInDays: 30, sku: { name: 'PerGB2018' } }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${appName}-ai'
  location: location
  tags: tags
  kind: 'web'
  properties: { Application_Type: 'web', WorkspaceResourceId: logs.id, DisableLocalAuth: true }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${prefix}kv${token}', 24)
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
  }
}

resource signingSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'slack-signing-secret'
  properties: { value: slackSigningSecret }
}

resource botToken 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'slack-bot-token'
  properties: { value: slackBotToken }
}

resource alertsSecretValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'alerts-secret'
  properties: { value: alertsSecret }
}

// Set only with an events secret. By vault and secret name, so the setting never reads a resource that may not exist.
var eventsSecretName = 'events-secret'
var eventsSettings = empty(eventsSecret) ? [] : [
  { name: 'AML_EVENTS_SECRET', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${eventsSecretName})' }
]

resource eventsSecretValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(eventsSecret)) {
  parent: vault
  name: eventsSecretName
  properties: { value: eventsSecret }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${appName}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  // azd deploys the `bot` service of azure.yaml to the resource with this tag.
  tags: union(tags, { 'azd-service-name': 'bot' })
  // The events secret's setting names it rather than referencing it: the dependency is stated instead.
  dependsOn: [eventsSecretValue]
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      runtime: { name: 'node', version: '22' }
      // One warm instance keeps Slack's 3-second budget away from cold starts.
      scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 2048, alwaysReady: [ { name: 'http', instanceCount: 1 } ] }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat([
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: storage.properties.primaryEndpoints.table }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        { name: 'AML_MODE', value: 'azure' }
        { name: 'AML_CONFIG_JSON', value: amlConfigJson }
        { name: 'AML_ALERTS_SECRET', value: '@Microsoft.KeyVault(SecretUri=${alertsSecretValue.properties.secretUri})' }
        // Chart pictures in Teams cards link here (GET /api/charts/{id}). Built from the name: the app cannot
        // reference its own defaultHostName inside its own resource.
        { name: 'AML_PUBLIC_BASE_URL', value: 'https://${appName}.azurewebsites.net' }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'AML_STORAGE_TABLE_URL', value: storage.properties.primaryEndpoints.table }
        { name: 'AML_STORAGE_QUEUE_URL', value: storage.properties.primaryEndpoints.queue }
        { name: 'AML_JOB_QUEUE', value: jobQueue }
        { name: 'SLACK_SIGNING_SECRET', value: '@Microsoft.KeyVault(SecretUri=${signingSecret.properties.secretUri})' }
        { name: 'SLACK_BOT_TOKEN', value: '@Microsoft.KeyVault(SecretUri=${botToken.properties.secretUri})' }
        { name: 'SLACK_BOT_ID', value: slackBotId }
        { name: 'SLACK_BOT_USER_ID', value: slackBotUserId }
        // Teams: the Azure Bot below authenticates as the same user-assigned identity (no secret).
        { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
        { name: 'MicrosoftAppId', value: identity.properties.clientId }
        { name: 'MicrosoftAppTenantId', value: identity.properties.tenantId }
      ], eventsSettings)
    }
  }
}

// The Teams bot: an Azure Bot whose app id is the managed identity's client id, messaging endpoint on the function
// app, with the Teams channel on. Teams users then install the app package from `npm run package:teams`
// (TEAMS_BOT_ID = the identity's client id, output `identityClientId`).
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${prefix}-bot-${token}'
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: 'aml-chatops'
    endpoint: 'https://${app.properties.defaultHostName}/api/teams/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppTenantId: identity.properties.tenantId
    msaAppMSIResourceId: identity.id
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: { channelName: 'MsTeamsChannel' }
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

output functionAppName string = app.name
output slackRequestUrl string = 'https://${app.properties.defaultHostName}/api/slack/events'
output teamsMessagingEndpoint string = bot.properties.endpoint
output identityPrincipalId string = identity.properties.principalId
output identityClientId string = identity.properties.clientId
// Azure Monitor posts autoscale and alert notifications here, with ?code=<AML_ALERTS_SECRET> (deploy/autoscale.bicep).
output alertsWebhookUrl string = 'https://${app.properties.defaultHostName}/api/alerts'
