// Autoscale and alerts for one Azure ML online deployment, reported to aml-chatops.
//
//   az deployment group create -g <workspace rg> -f deploy/autoscale.bicep \
//     -p workspaceName=<ws> endpointName=fraud-scorer deploymentName=blue \
//        functionAppHostName=<function app host, output of main.bicep> alertsSecret=<AML_ALERTS_SECRET>
//
// Both payload kinds reach the bot's POST /api/alerts:
//   - the autoscale setting's webhook notification (the autoscale schema), on every scale action;
//   - an action group with a webhook receiver in the common alert schema, used by a sample metric alert on the
//     deployment's P99 latency (Fired and Resolved).
// Then bind a channel in chat: `aml alerts bind <workspace alias>`.
//
// The secret travels in the URL (`?code=`): Azure Monitor webhooks sign nothing, and autoscale webhooks cannot use
// Entra authentication. Anyone who can read these resources can read it; rotate it with AML_ALERTS_SECRET.

@description('The Azure ML workspace that holds the endpoint (in this resource group).')
param workspaceName string

@description('The managed online endpoint.')
param endpointName string

@description('The deployment to autoscale.')
param deploymentName string

@description('Region of the autoscale setting: the workspace\'s. Empty = the workspace\'s location.')
param location string = ''

@description('Host name of the aml-chatops function app (main.bicep output `alertsWebhookUrl` without the path).')
param functionAppHostName string

@secure()
@minLength(16)
@description('AML_ALERTS_SECRET of the function app: the webhook URL carries it as ?code=.')
param alertsSecret string

@minValue(1)
param minInstances int = 1

@minValue(1)
param maxInstances int = 5

@minValue(1)
param defaultInstances int = 1

@description('Scale out when average CPU is above this for 5 minutes.')
param scaleOutCpuPercent int = 70

@description('Scale in when average CPU is below this for 10 minutes.')
param scaleInCpuPercent int = 30

@description('The sample alert fires when P99 latency of the deployment averages above this over 5 minutes.')
param latencyThresholdMs int = 500

var endpointNamespace = 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints'
var deploymentNamespace = 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments'
var webhookUri = 'https://${functionAppHostName}/api/alerts?code=${alertsSecret}'

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {
  name: workspaceName
}

resource endpoint 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2024-10-01' existing = {
  parent: workspace
  name: endpointName
}

resource deployment 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2024-10-01' existing = {
  parent: endpoint
  name: deploymentName
}

// An online deployment is autoscaled by Azure Monitor: the setting's target is the deployment's ARM id, and its
// rules read the deployment's own metrics (namespace .../onlineEndpoints/deployments).
resource autoscale 'Microsoft.Insights/autoscalesettings@2022-10-01' = {
  name: 'autoscale-${endpointName}-${deploymentName}'
  location: empty(location) ? workspace.location : location
  properties: {
    enabled: true
    targetResourceUri: deployment.id
    profiles: [
      {
        name: 'cpu'
        capacity: { minimum: string(minInstances), maximum: string(maxInstances), default: string(defaultInstances) }
        rules: [
          {
            metricTrigger: {
              metricName: 'CpuUtilizationPercentage'
              metricNamespace: deploymentNamespace
              metricResourceUri: deployment.id
              timeGrain: 'PT1M'
              statistic: 'Average'
              timeWindow: 'PT5M'
              timeAggregation: 'Average'
              operator: 'GreaterThan'
              threshold: scaleOutCpuPercent
            }
            scaleAction: { direction: 'Increase', type: 'ChangeCount', value: '1', cooldown: 'PT5M' }
          }
          {
            metricTrigger: {
              metricName: 'CpuUtilizationPercentage'
              metricNamespace: deploymentNamespace
              metricResourceUri: deployment.id
              timeGrain: 'PT1M'
              statistic: 'Average'
              timeWindow: 'PT10M'
              timeAggregation: 'Average'
              operator: 'LessThan'
              threshold: scaleInCpuPercent
            }
            scaleAction: { direction: 'Decrease', type: 'ChangeCount', value: '1', cooldown: 'PT10M' }
          }
        ]
      }
    ]
    notifications: [
      {
        operation: 'Scale'
        email: { sendToSubscriptionAdministrator: false, sendToSubscriptionCoAdministrators: false, customEmails: [] }
        webhooks: [
          {
            serviceUri: webhookUri
            // The autoscale payload does not say which rule fired; the bot shows these next to the step.
            properties: {
              scaleOutReason: 'CPU > ${scaleOutCpuPercent} % for 5 min'
              scaleInReason: 'CPU < ${scaleInCpuPercent} % for 10 min'
            }
          }
        ]
      }
    ]
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-aml-chatops-${endpointName}'
  location: 'global'
  properties: {
    groupShortName: 'amlchatops'
    enabled: true
    webhookReceivers: [
      {
        name: 'aml-chatops'
        serviceUri: webhookUri
        useCommonAlertSchema: true
      }
    ]
  }
}

// Latency is an endpoint metric split by the `deployment` dimension: the alert watches the endpoint, filtered to
// this deployment, so its payload names both (alertTargetIDs and the dimension).
resource latencyAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'latency-p99-${endpointName}-${deploymentName}'
  location: 'global'
  properties: {
    description: 'P99 latency of ${endpointName}/${deploymentName} above ${latencyThresholdMs} ms'
    severity: 2
    enabled: true
    scopes: [ endpoint.id ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'LatencyP99'
          metricName: 'RequestLatency_P99'
          metricNamespace: endpointNamespace
          dimensions: [ { name: 'deployment', operator: 'Include', values: [ deploymentName ] } ]
          operator: 'GreaterThan'
          threshold: latencyThresholdMs
          timeAggregation: 'Average'
        }
      ]
    }
    actions: [ { actionGroupId: actionGroup.id } ]
  }
}

output autoscaleSettingId string = autoscale.id
output actionGroupId string = actionGroup.id
output latencyAlertId string = latencyAlert.id
