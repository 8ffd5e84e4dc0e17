/**
 * `npm run teams -- "aml show fraud-scorer" [--user <aad-object-id>|operator] [--name "Megan Bowen"]
 *   [--scope personal|groupChat|channel] [--click apply|cancel]`: plays Teams' part against the local stack. It
 * builds a real-format message activity (the bot @mentioned outside personal chats) whose serviceUrl is the local
 * connector stand-in, posts it to the local host's `/api/teams/messages` (anonymous: local mode), prints the HTTP
 * answer, then every message the bot posts or updates in that conversation (and in the user's 1:1 chat with the
 * bot) until it settles. `--click` then presses that button on the last card, as Teams would (an
 * `adaptiveCard/action` invoke), prints the invoke response card and follows again. The user is the local admin
 * unless `--user` names another id or a local role (admin, operator, approver, viewer).
 */
import { loadDotEnv } from "../../src/config/dot-env.js";
import { teamsMessageToText } from "../local/adaptive-card.text.js";
import { localConversationId, teamsCardActionInvoke, teamsMessageActivity, teamsUserId, type LocalTeamsScope } from "../local/teams-activities.js";
import { localUserId, takeOption } from "./cli-options.js";

interface Message {
  id: string;
  conversationId: string;
  text?: string;
  attachments?: unknown[];
  history?: unknown[];
  deleted?: boolean;
}

type Json = Record<string, unknown>;

async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const args = [...argv];
  const aadObjectId = localUserId(takeOption(args, "--user", "admin"), "teams");
  const name = takeOption(args, "--name", "Local User");
  const scope = takeOption(args, "--scope", "personal") as LocalTeamsScope;
  const click = takeOption(args, "--click", "");
  const host = takeOption(args, "--host", `http://127.0.0.1:${process.env.PORT ?? 7071}`);
  const connector = takeOption(args, "--connector", `http://127.0.0.1:${process.env.TEAMS_STAND_IN_PORT ?? 7420}/`).replace(/\/?$/, "/");
  const waitInMs = Number(takeOption(args, "--wait", "30000"));
  const text = args.join(" ").trim();
  if (!text || !["personal", "groupChat", "channel"].includes(scope)) {
    console.error('Usage: npm run teams -- "aml <command>" [--user <aad-object-id>|admin|operator|approver|viewer] [--scope personal|groupChat|channel] [--click apply|cancel]');
    return 2;
  }
  const user = { aadObjectId, name };
  const seen = await versions(connector, "Is `npm start` running?");
  const activity = teamsMessageActivity({ text, serviceUrl: connector, user, scope });
  const conversationId = String((activity["conversation"] as Json)["id"]);
  const started = Date.now();
  const res = await fetch(`${host}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
  const body = await res.text();
  console.log(`← HTTP ${res.status} in ${Date.now() - started} ms${body ? `: ${body}` : ""}`);
  if (res.status !== 200) return 1;
  const last = await follow(connector, conversationId, aadObjectId, seen, waitInMs);
  if (!click) return 0;

  const card = last.find((m) => buttonsOf(m).some((b) => b.verb === click));
  const button = card ? buttonsOf(card).find((b) => b.verb === click) : undefined;
  if (!card || !button) {
    console.error(`No "${click}" button on the bot's last cards.`);
    return 1;
  }
  const invoke = teamsCardActionInvoke({ serviceUrl: connector, user, scope, conversationId, replyToId: card.id, verb: button.verb, data: button.data });
  const clicked = Date.now();
  const answer = await fetch(`${host}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(invoke) });
  const invokeBody = (await answer.json().catch(() => ({}))) as Json;
  console.log(`\n→ clicked [${click}] · ← HTTP ${answer.status} in ${Date.now() - clicked} ms (${String(invokeBody["type"] ?? "no body")}, seen by the clicker only):`);
  if (invokeBody["type"] === "application/vnd.microsoft.card.adaptive") {
    console.log(teamsMessageToText({ attachments: [{ contentType: invokeBody["type"], content: invokeBody["value"] }] }));
  } else if (invokeBody["value"] !== undefined) console.log(String(invokeBody["value"]));
  // The clicked card changes for everyone once the queued job has run.
  await follow(connector, conversationId, aadObjectId, await versions(connector), waitInMs, card.id);
  return 0;
}

/**
 * Prints each new message or new version in the conversation (and the user's 1:1 chat) until it settles: nothing
 * shows "⏳", `awaitChangeOf` (a message id) has changed, and nothing new came for 1.5 s.
 */
async function follow(connector: string, conversationId: string, aadObjectId: string, seen: Map<string, number>, waitInMs: number, awaitChangeOf?: string): Promise<Message[]> {
  const awaited = awaitChangeOf ? seen.get(awaitChangeOf) : undefined;
  const deadline = Date.now() + waitInMs;
  let quietSince = Date.now();
  let mine: Message[] = [];
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const personal = ((await getJson<Json[]>(`${connector}__conversations`)) ?? [])
      .filter((c) => ((c["members"] as Json[] | undefined) ?? []).some((m) => m["id"] === teamsUserId(aadObjectId)))
      .map((c) => String(c["id"]));
    personal.push(localConversationId("personal", aadObjectId));
    const threads = new Set([conversationId, conversationId.split(";")[0]!, ...personal]);
    mine = ((await getJson<Message[]>(`${connector}__messages`)) ?? []).filter((m) => threads.has(m.conversationId) || threads.has(m.conversationId.split(";")[0]!));
    for (const message of mine) {
      const version = message.history?.length ?? 0;
      if (seen.get(message.id) === version) continue;
      const label = seen.has(message.id) ? `update of ${message.id}` : `message ${message.id}`;
      const where = personal.includes(message.conversationId) ? "private 1:1 chat" : "conversation";
      seen.set(message.id, version);
      quietSince = Date.now();
      console.log(`\n── ${label} (${where}${message.deleted ? ", deleted" : ""}) ──\n${teamsMessageToText(message)}`);
    }
    const waiting = awaitChangeOf !== undefined && seen.get(awaitChangeOf) === awaited;
    const busy = waiting || mine.some((m) => teamsMessageToText(m).trimStart().startsWith("⏳"));
    if (!busy && mine.length > 0 && Date.now() - quietSince > 1_500) break;
  }
  return mine.slice().reverse();
}

async function versions(connector: string, hint = ""): Promise<Map<string, number>> {
  const messages = await getJson<Message[]>(`${connector}__messages`, hint);
  return new Map((messages ?? []).map((m) => [m.id, m.history?.length ?? 0]));
}

function buttonsOf(message: Message): { verb: string; data: Record<string, unknown> }[] {
  const found: { verb: string; data: Record<string, unknown> }[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== "object") return;
    const node = value as Json;
    if (node["type"] === "Action.Execute" && typeof node["verb"] === "string") found.push({ verb: node["verb"], data: (node["data"] as Record<string, unknown>) ?? {} });
    Object.values(node).forEach(visit);
  };
  visit(message.attachments);
  return found;
}

async function getJson<T>(url: string, hint = ""): Promise<T | undefined> {
  try {
    const res = await fetch(url);
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch (error) {
    if (hint) throw new Error(`${url} did not answer. ${hint}`, { cause: error });
    return undefined;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
