/**
 * Every table and queue the runtime uses, by name: what the deployment creates with the storage account
 * (deploy/main.bicep; a test keeps the two lists the same). The runtime itself creates none of them on start-up;
 * `StorageClients` creates one the first time a call finds it missing (Azurite, an account set up by hand).
 */
import { DEFAULT_STORAGE_NAMES, poisonQueueName, type StorageNames } from "./storage-clients.js";
import { ALERT_BINDINGS_TABLE } from "./table.alert-bindings.js";
import { ALERT_LEDGER_TABLE } from "./table.alert-ledger.js";
import { CHART_IMAGES_TABLE } from "./table.chart-images.js";
import { DIGEST_RUNS_TABLE, DIGEST_SUBSCRIPTIONS_TABLE } from "./table.digest-subscriptions.js";
import { FREEZES_TABLE } from "./table.freezes.js";
import { MESSAGE_REFS_TABLE } from "./table.message-refs.js";
import { PROMOTIONS_TABLE } from "./table.promotions.js";
import { SAMPLES_TABLE } from "./table.samples.js";

export interface StorageResources {
  readonly tables: readonly string[];
  readonly queues: readonly string[];
}

/** With the jobs queue's poison queue, where the Functions host moves a message that keeps failing. */
export function runtimeStorage(names: StorageNames = DEFAULT_STORAGE_NAMES): StorageResources {
  return {
    tables: [
      names.auditTable,
      names.pendingChangesTable,
      names.channelSettingsTable,
      names.jobLedgerTable,
      names.teamsConversationsTable,
      SAMPLES_TABLE,
      MESSAGE_REFS_TABLE,
      DIGEST_SUBSCRIPTIONS_TABLE,
      DIGEST_RUNS_TABLE,
      ALERT_BINDINGS_TABLE,
      ALERT_LEDGER_TABLE,
      CHART_IMAGES_TABLE,
      FREEZES_TABLE,
      PROMOTIONS_TABLE,
    ],
    queues: [names.jobsQueue, poisonQueueName(names.jobsQueue)],
  };
}
