/**
 * `npm run aml -- register-model <name> [--version <v>] [--tag key=value]… [--workspace <ws>]`: registers a model
 * version in the running AML emulator (`POST /__emulator/models`), which publishes its ModelRegistered event to the
 * webhook `npm start` set: the card then appears in the channels bound with `aml alerts bind`. Local tooling only:
 * in Azure, registering a model (`az ml model create`) is what publishes the event.
 */
import { readFile } from "node:fs/promises";
import { request } from "node:https";

export const REGISTER_MODEL = "register-model";

export interface EmulatorTarget {
  readonly url: string;
  readonly caFile: string;
}

export async function registerModel(words: readonly string[], emulator: EmulatorTarget, write: (text: string) => void): Promise<number> {
  const body: { name?: string; version?: string; workspace?: string; tags: Record<string, string> } = { tags: {} };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const value = words[i + 1];
    if ((word === "--version" || word === "--workspace" || word === "--tag") && value === undefined) return usage(write, `${word} needs a value.`);
    if (word === "--version") body.version = words[++i]!;
    else if (word === "--workspace") body.workspace = words[++i]!;
    else if (word === "--tag") {
      const [key, ...rest] = words[++i]!.split("=");
      if (!key || rest.length === 0) return usage(write, `--tag takes key=value, not ${value}.`);
      body.tags[key] = rest.join("=");
    } else if (!body.name && !word.startsWith("--")) body.name = word;
    else return usage(write, `${word} is not an option of ${REGISTER_MODEL}.`);
  }
  if (!body.name) return usage(write, "Name the model.");
  const ca = await readFile(emulator.caFile, "utf8").catch(() => undefined);
  if (ca === undefined) {
    write(`The emulator's CA (${emulator.caFile}) is missing: start the local stack first (npm start).\n`);
    return 2;
  }
  const answer = await post(`${emulator.url}/__emulator/models`, ca, body).catch((error: unknown) => ({ status: 0, text: error instanceof Error ? error.message : String(error) }));
  if (answer.status !== 201) {
    write(`The emulator did not register it (${answer.status || "no answer"}): ${answer.text}\n`);
    return 1;
  }
  const result = JSON.parse(answer.text) as { name: string; version: string; workspace: string; delivery: { status?: number; error?: string; to: string } | null };
  write(`Registered ${result.name}:${result.version} in workspace ${result.workspace}.\n`);
  if (!result.delivery) write("No events webhook is set in the emulator (npm start sets one): no card was posted.\n");
  else if (result.delivery.status === 200) write(`ModelRegistered delivered to ${result.delivery.to}: its card follows in the bound channels.\n`);
  else write(`ModelRegistered delivery to ${result.delivery.to} failed: ${result.delivery.error ?? `HTTP ${result.delivery.status}`}.\n`);
  return result.delivery?.status === 200 ? 0 : 1;
}

function usage(write: (text: string) => void, problem: string): number {
  write(`${problem}\nUsage: npm run aml -- ${REGISTER_MODEL} <name> [--version <v>] [--tag key=value]… [--workspace <ws>]\n`);
  return 2;
}

function post(url: string, ca: string, body: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", ca, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}
