/**
 * The `/api/alerts` side of the runtime: the Azure Monitor bridge over the alert dispatcher, with bindings and the
 * ledger in Azure Tables and posts through the ChannelNotifier. Built on the first alert, so the chat paths never
 * load it.
 */
import { createAzureMonitorBridge, type AzureMonitorBridge } from "../../adapters/azure-monitor/azure-monitor.bridge.js";
import { AlertDispatcher } from "../../commands/alerts/alert-dispatcher.js";
import type { ChannelNotifier } from "../../commands/ports/channel-notifier.port.js";
import type { App } from "../compose.js";
import type { StorageClients } from "../storage/storage-clients.js";
import { ALERT_LEDGER_TABLE, TableAlertLedger } from "../storage/table.alert-ledger.js";
import type { AlertsSettings } from "./alerts-settings.js";

export interface AlertsRuntimeOptions {
  readonly app: App;
  readonly storage: StorageClients;
  readonly notifier: ChannelNotifier;
  readonly settings: AlertsSettings;
}

export function createAlertsBridge(options: AlertsRuntimeOptions): AzureMonitorBridge {
  const { app, storage, settings } = options;
  const { deps } = app;
  const dispatcher = new AlertDispatcher({
    bindings: deps.alertBindings,
    ledger: new TableAlertLedger(storage.table(ALERT_LEDGER_TABLE), { clock: deps.clock }),
    notifier: options.notifier,
    workspaces: deps.workspaces,
    logger: deps.logger,
    burstWindowInMs: settings.burstWindowInMs,
  });
  return createAzureMonitorBridge({ secret: settings.secret, dispatcher, logger: deps.logger, clock: deps.clock });
}
