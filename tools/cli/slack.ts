/**
 * `npm run slack -- "/aml show fraud-scorer" [--user U123|operator] [--channel C123]`: plays Slack's part against the
 * local stack, as the local admin unless `--user` names another id or a local role (admin, operator, approver, viewer). It signs a real-format slash command with SLACK_SIGNING_SECRET, posts it to the local host,
 * prints the ack, then follows the message the bot keeps updating through its response URL until it settles.
 */
import { loadDotEnv } from "../../src/config/dot-env.js";
import { LOCAL_SLACK } from "../../src/config/config.js";
import { blockKitToText } from "../local/block-kit.text.js";
import { signedSlackHeaders, slashCommandForm } from "../local/slack-signer.js";
import { localUserId, takeOption } from "./cli-options.js";

interface Message {
  text?: string;
  blocks?: unknown[];
  deleted?: boolean;
  visibility?: string;
}

async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const args = [...argv];
  const userId = localUserId(takeOption(args, "--user", "admin"), "slack");
  const channelId = takeOption(args, "--channel", "C0LOCAL");
  const host = takeOption(args, "--host", `http://127.0.0.1:${process.env.PORT ?? 7071}`);
  const standIn = takeOption(args, "--slack", `http://127.0.0.1:${process.env.SLACK_STAND_IN_PORT ?? 7410}`);
  const waitInMs = Number(takeOption(args, "--wait", "30000"));
  const line = args.join(" ").trim();
  const match = /^(\/\S+)\s*(.*)$/s.exec(line);
  if (!match) {
    console.error('Usage: npm run slack -- "/aml <command>" [--user U123|admin|operator|approver|viewer] [--channel C123]');
    return 2;
  }
  const [, command, text] = match as unknown as [string, string, string];

  const minted = await postJson<{ id: string; responseUrl: string }>(`${standIn}/__mint`, { channel: channelId, user: userId }, "Is `npm start` running?");
  const body = slashCommandForm({ command, text, userId, channelId, responseUrl: minted.responseUrl });
  const started = Date.now();
  const response = await fetch(`${host}/api/slack/events`, {
    method: "POST",
    headers: signedSlackHeaders(body, process.env.SLACK_SIGNING_SECRET ?? LOCAL_SLACK.signingSecret),
    body,
  });
  const ackText = await response.text();
  console.log(`← HTTP ${response.status} in ${Date.now() - started} ms`);
  if (response.status !== 200) {
    console.log(ackText || "(no body)");
    return 1;
  }
  if (ackText) {
    await postJson(`${standIn}/__ack`, { responseUrl: minted.responseUrl, body: ackText });
    print("ack", JSON.parse(ackText) as Message);
  }
  return follow(standIn, minted.id, ackText, waitInMs);
}

/** Prints each new version of the message until it has not changed for a while (or the wait is over). */
async function follow(standIn: string, id: string, ackText: string, waitInMs: number): Promise<number> {
  const deadline = Date.now() + waitInMs;
  let last = ackText ? JSON.stringify(JSON.parse(ackText)) : "";
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const res = await fetch(`${standIn}/__responses/${encodeURIComponent(id)}`);
    if (res.status !== 200) continue;
    const message = (await res.json()) as Message;
    const seen = JSON.stringify({ text: message.text, blocks: message.blocks });
    if (seen !== last && seen !== JSON.stringify({ text: JSON.parse(last || "{}").text, blocks: JSON.parse(last || "{}").blocks })) {
      last = seen;
      quietSince = Date.now();
      print("update", message);
      continue;
    }
    const settled = !(message.text ?? "").startsWith("⏳");
    if (settled && Date.now() - quietSince > 1_500) return 0;
  }
  return 0;
}

function print(label: string, message: Message): void {
  const visibility = message.visibility ?? ((message as { response_type?: string }).response_type === "in_channel" ? "in_channel" : "ephemeral");
  console.log(`\n── ${label} (${visibility}${message.deleted ? ", deleted" : ""}) ──\n${blockKitToText(message)}`);
}

async function postJson<T>(url: string, body: unknown, hint = ""): Promise<T> {
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return (await res.json()) as T;
  } catch (error) {
    throw new Error(`${url} did not answer. ${hint}`.trim(), { cause: error });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
