/**
 * Settings of the alerts webhook: the secret Azure Monitor puts in the webhook URL (`AML_ALERTS_SECRET`, in
 * `AppConfig`), and how close scale steps must be to share one message (`AML_ALERTS_BURST_MINUTES`, read here from
 * the environment until it moves into config.ts, which is the lead's).
 */
import { z } from "zod";
import { ConfigError } from "../../commands/errors.js";
import type { AppConfig, Env } from "../config/config.js";
import { formatIssues } from "../config/format-issues.js";

export interface AlertsSettings {
  /** Without one, `/api/alerts` refuses every request (401). */
  readonly secret?: string;
  readonly burstWindowInMs: number;
}

const schema = z.object({ AML_ALERTS_BURST_MINUTES: z.coerce.number().int().min(1).max(120).default(10) });

export function alertsSettingsOf(config: Pick<AppConfig, "alertsSecret">, env: Env): AlertsSettings {
  const parsed = schema.safeParse({ AML_ALERTS_BURST_MINUTES: env.AML_ALERTS_BURST_MINUTES || undefined });
  if (!parsed.success) throw new ConfigError(`Invalid environment:\n${formatIssues(parsed.error.issues)}`);
  return { secret: config.alertsSecret, burstWindowInMs: parsed.data.AML_ALERTS_BURST_MINUTES * 60_000 };
}
