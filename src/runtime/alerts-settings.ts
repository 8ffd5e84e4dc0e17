/**
 * Settings of the alerts webhook: the secret Azure Monitor puts in the webhook URL (`AML_ALERTS_SECRET`) and how
 * close scale steps must be to share one message (`AML_ALERTS_BURST_MINUTES`), both validated in config.
 */
import type { AppConfig } from "../config/config.js";

export interface AlertsSettings {
  /** Without one, `/api/alerts` refuses every request (401). */
  readonly secret?: string;
  readonly burstWindowInMs: number;
}

export function alertsSettingsOf(config: Pick<AppConfig, "alertsSecret" | "alertsBurstWindowInMs">): AlertsSettings {
  return { secret: config.alertsSecret, burstWindowInMs: config.alertsBurstWindowInMs };
}
