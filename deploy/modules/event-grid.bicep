// Azure ML's workspace events to aml-chatops (issue 16): an Event Grid system topic on one workspace and a webhook
// subscription to the bot's /api/events, filtered to the event types the bot posts. Deploy it into the workspace's
// resource group, once per workspace that AML_CONFIG_JSON names (like deploy/workspace-access.bicep, and kept out of
// the `azd up` deployment for the same reason: `azd down` deletes every resource group its deployment touched):
//
//   az deployment group create -g <workspace resource group> -f deploy/modules/event-grid.bicep \
//     -p workspaceName=<workspace> functionAppHost=<app>.azurewebsites.net eventsSecret=<AML_EVENTS_SECRET>
//
// The secret travels twice: in the endpoint URL's query (`?code=`), which Event Grid keeps write-only (reads of the
// subscription show `endpointBaseUrl`, without the query, and `endpointUrl: null`) and which the validation event
// carries too, and as a secret delivery header (x-aml-events-secret) on every delivery. The bot compares it in
// constant time with its AML_EVENTS_SECRET app setting (16+ characters; `azd up` with AML_EVENTS_SECRET set puts it in the bot's Key
// Vault and references it, and its postprovision hook prints this command with it filled in). Creating the subscription makes Event Grid send its validation event, which the bot
// answers (validationResponse), so the bot must be running with that secret first. RunCompleted / RunStatusChanged are off unless `includeRuns` is true,
// matching the bot's default (a workspace's `events` rule must also set "runs": true for run lines to be posted).

@description('The Azure ML workspace (in this resource group) whose events go to the bot.')
param workspaceName string

@description('The bot\'s host name, e.g. amlchat-abc.azurewebsites.net (output functionAppName of deploy/main.bicep + .azurewebsites.net).')
param functionAppHost string

@secure()
@minLength(16)
@description('The same value as the bot\'s AML_EVENTS_SECRET app setting.')
param eventsSecret string

@description('Also deliver RunCompleted and RunStatusChanged (one line per run where a workspace rule turns them on).')
param includeRuns bool = false

@description('Deliver DatasetDriftDetected alerts.')
param includeDrift bool = true

param location string = resourceGroup().location

var modelEvents = [ 'Microsoft.MachineLearningServices.ModelRegistered' ]
var driftEvents = includeDrift ? [ 'Microsoft.MachineLearningServices.DatasetDriftDetected' ] : []
var runEvents = includeRuns ? [ 'Microsoft.MachineLearningServices.RunCompleted', 'Microsoft.MachineLearningServices.RunStatusChanged' ] : []

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-04-01' existing = {
  name: workspaceName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: '${workspaceName}-aml-chatops-events'
  // A system topic lives where its source does.
  location: location
  properties: {
    source: workspace.id
    topicType: 'Microsoft.MachineLearningServices.Workspaces'
  }
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'aml-chatops'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionAppHost}/api/events?code=${uriComponent(eventsSecret)}'
        // Batches keep a burst of registrations to a few requests; the bot queues one job per event either way.
        maxEventsPerBatch: 10
        preferredBatchSizeInKilobytes: 64
        deliveryAttributeMappings: [
          {
            name: 'x-aml-events-secret'
            type: 'Static'
            properties: { value: eventsSecret, isSecret: true }
          }
        ]
      }
    }
    // The published examples' schema; the bot reads CloudEvents 1.0 too ('CloudEventSchemaV1_0').
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: concat(modelEvents, driftEvents, runEvents)
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output systemTopicId string = topic.id
output includedEventTypes array = concat(modelEvents, driftEvents, runEvents)
