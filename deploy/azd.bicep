// `azd up`'s entry (azure.yaml: infra.path deploy, infra.module azd): a resource group for the environment, and
// deploy/main.bicep in it. azd fills the parameters from deploy/azd.parameters.json (its environment's values) and
// prompts once for those it cannot fill, the three required secrets among them (hidden input, kept in the
// environment's .azure/<env>/config.json); secrets go to Key Vault only, and app settings hold Key Vault references
// to them. The events secret is optional: set AML_EVENTS_SECRET in the environment to turn Event Grid delivery on.
// Nothing secret is an output: outputs land in .azure/<env>/.env.
//
// `azd down` deletes this resource group, and with it everything the bot owns. Access to the Azure ML workspaces
// is granted outside this deployment (deploy/workspace-access.bicep, printed by the postprovision hook): azd down
// deletes every resource group its deployment put a resource in, and the workspaces' are not the bot's.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name (AZURE_ENV_NAME): names the resource group and tags everything.')
param environmentName string

@minLength(1)
@description('Azure region for every resource (AZURE_LOCATION).')
param location string

@description('Workspaces and roles: the content of an AML_CONFIG_FILE (deploy/aml-chatops.config.example.json); `azd env set AML_CONFIG_JSON "$(cat my-config.json)"`.')
param amlConfigJson string

@secure()
@description('Slack app → Basic Information → Signing Secret.')
param slackSigningSecret string

@secure()
@description('Slack app → OAuth & Permissions → Bot User OAuth Token (xoxb-…).')
param slackBotToken string

@secure()
@minLength(16)
@description('The secret in the alerts webhook URL (/api/alerts?code=…), at least 16 characters: `openssl rand -hex 24`.')
param alertsSecret string

@secure()
@description('Optional (AML_EVENTS_SECRET, 16+ characters): turns on Azure ML events to /api/events; then deploy deploy/modules/event-grid.bicep per workspace with the same value.')
param eventsSecret string = ''

@description('bot_id from auth.test (B…).')
param slackBotId string

@description('user_id from auth.test (U…).')
param slackBotUserId string

var tags = { 'azd-env-name': environmentName }

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module bot 'main.bicep' = {
  name: 'aml-chatops'
  scope: group
  params: {
    location: location
    tags: tags
    amlConfigJson: amlConfigJson
    slackSigningSecret: slackSigningSecret
    slackBotToken: slackBotToken
    alertsSecret: alertsSecret
    eventsSecret: eventsSecret
    slackBotId: slackBotId
    slackBotUserId: slackBotUserId
  }
}

// azd keeps these in the environment (`azd env get-values`); the postprovision hook reads the first two.
output AZURE_RESOURCE_GROUP string = group.name
output AML_CHATOPS_PRINCIPAL_ID string = bot.outputs.identityPrincipalId
output AML_CHATOPS_CLIENT_ID string = bot.outputs.identityClientId
output AML_CHATOPS_FUNCTION_APP string = bot.outputs.functionAppName
output SLACK_REQUEST_URL string = bot.outputs.slackRequestUrl
output TEAMS_MESSAGING_ENDPOINT string = bot.outputs.teamsMessagingEndpoint
output ALERTS_WEBHOOK_URL string = bot.outputs.alertsWebhookUrl
