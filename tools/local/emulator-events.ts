/**
 * Points the AML emulator's event publishing at the local host's `/api/events`, with the delivery secret in the URL
 * as an Event Grid subscription's endpoint carries it: so registering a model version in the emulator
 * (`POST /__emulator/models`, `npm run aml -- register-model`) posts its card in `npm start`. An emulator started
 * in-process is told directly; one already running (`npm run emulator`) through its control route.
 */
import { request } from "node:https";
import type { RunningAmlEmulator } from "../emulator/aml-emulator.js";

export function eventsWebhookUrl(hostUrl: string, secret: string): string {
  return `${hostUrl}/api/events?code=${encodeURIComponent(secret)}`;
}

export async function connectEmulatorEvents(emulator: { readonly url: string; readonly ca: string } | RunningAmlEmulator, webhookUrl: string): Promise<void> {
  if ("events" in emulator) {
    emulator.events.setWebhook({ url: webhookUrl });
    return;
  }
  const status = await new Promise<number>((resolve, reject) => {
    const body = JSON.stringify({ url: webhookUrl });
    const req = request(`${emulator.url}/__emulator/events/webhook`, { method: "PUT", ca: emulator.ca, headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
  // An emulator from before event publishing answers 404: the stack still runs, without model cards.
  if (status !== 200 && status !== 404) throw new Error(`The AML emulator refused the events webhook (HTTP ${status}).`);
}
