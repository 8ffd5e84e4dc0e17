/**
 * Child process of the bench: the hello-world Bolt app the bot's cold start is held against, as a team would write it
 * today with the Bolt the bot uses (the project's @slack/bolt, so the same version). Bolt's own
 * `HTTPReceiver` (its signature check, its body parsing), the bot ids given (so Bolt never calls `auth.test`), one
 * listener that acks every slash command: with the ack JSON the bot sent for that command text
 * (BENCH_BARE_ACKS, as the bare server), so both put the same bytes on the wire.
 *
 * BENCH_BOLT_WRITE=on makes it "Bolt plus one storage write", the warm runs' reference: before acking it does the
 * write the bot's ack waits for (storage-reference.ts: the job's queue message for a slow verb, the audit line for
 * the rest), through the app's own storage classes. Those are imported only then, so the cold hello world loads
 * Bolt and nothing else.
 */
import { App, HTTPReceiver, LogLevel, type RespondArguments } from "@slack/bolt";
import { exitWithParent } from "./parent-watchdog.js";

exitWithParent();

const FALLBACK_ACK: RespondArguments = { response_type: "in_channel", text: "⏳ Working on it…" };
const acks = JSON.parse(process.env["BENCH_BARE_ACKS"] ?? "{}") as Record<string, string>;

/** The write before the ack, when asked for: the reference write of the verb (help is answered inline). */
async function storageWrite(): Promise<((text: string) => Promise<void>) | undefined> {
  if (process.env["BENCH_BOLT_WRITE"] !== "on") return undefined;
  const [{ StorageClients }, { storageReference }] = await Promise.all([import("../src/storage/storage-clients.js"), import("./storage-reference.js")]);
  const reference = await storageReference(StorageClients.fromConnectionString(process.env["AzureWebJobsStorage"] ?? ""), "bolt");
  return (text) => reference.write(text.trim() === "help" ? "audit" : "queue");
}

const write = await storageWrite();
const receiver = new HTTPReceiver({ signingSecret: process.env["SLACK_SIGNING_SECRET"] ?? "", endpoints: "/api/slack/events", logLevel: LogLevel.ERROR });
const app = new App({
  receiver,
  token: "xoxb-bench-hello-world",
  botId: "B0BENCH",
  botUserId: "U0BENCHBOT",
  logLevel: LogLevel.ERROR,
});
app.command(/.*/, async ({ command, ack }) => {
  await write?.(command.text);
  const body = acks[command.text];
  await ack(body ? (JSON.parse(body) as RespondArguments) : FALLBACK_ACK);
});
await app.start({ port: Number(process.env["PORT"] ?? 7073), host: "127.0.0.1" });
process.stdout.write("hello-world Bolt listening\n");
