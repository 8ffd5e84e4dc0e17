import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline/promises";
import { runTerminalCommand, type TerminalIo } from "../../adapters/terminal/terminal.bridge.js";
import { isCodedError } from "../../commands/errors.js";
import { createApp, createRuntime } from "../../src/compose.js";
import { readLiveLocalStackNote } from "../local/local-stack.file.js";
import { loadConfig } from "../../src/config/config.js";
import { JsonLogger } from "../../src/logging/json-logger.js";
import { memoryStores } from "../../src/memory/memory-stores.js";
import { loadDotEnv } from "../../src/config/dot-env.js";
import { localUserId, takeOption } from "./cli-options.js";
import { REGISTER_MODEL, registerModel } from "./register-model.js";

/**
 * `npm run aml -- <command>`: runs one command against the running emulator (or Azure when configured)
 * and prints the reply. With `npm start` running it uses that stack's storage, so `aml audit` shows chat's history. `--as <user>` picks the terminal identity for role checks: an id, or a local role (admin, operator, approver,
 * viewer); default the local admin (`local`).
 */
async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const userId = localUserId(takeOption(args, "--as", "admin"), "terminal");
  loadDotEnv();
  // Local tooling, not a chat verb: a model version registered in the emulator, whose event posts a card.
  if (args[0] === REGISTER_MODEL) return registerModel(args.slice(1), loadConfig().emulator, (text) => process.stdout.write(text));
  // With `npm start` running, share its storage: the same audit log, previews and channel defaults as chat.
  const stack = process.env.AzureWebJobsStorage ? undefined : await readLiveLocalStackNote();
  if (stack) process.env.AzureWebJobsStorage = stack.azureWebJobsStorage;
  // The stack's Slack too (unless one is set), so `aml doctor` checks the token the chat side uses.
  if (stack?.slackApiUrl && !process.env.SLACK_API_URL) process.env.SLACK_API_URL = stack.slackApiUrl;
  const config = loadConfig();
  // Logs go to a file-less sink unless asked for: the terminal shows replies, not JSON lines.
  const logger = new JsonLogger((line) => (process.env.AML_LOG === "1" ? process.stderr.write(`${line}\n`) : undefined));
  // Without a stack or AzureWebJobsStorage there is no storage account: the core alone, on stores kept in memory.
  const app = config.storage.kind === "memory" ? createApp(config, { ...memoryStores(), logger }) : (await createRuntime(config, { logger })).app;
  const interactive = process.stdin.isTTY && process.stdout.isTTY;
  const rl = interactive ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
  const io: TerminalIo = {
    write: (text) => process.stdout.write(text),
    ...(rl ? { ask: (question: string) => rl.question(question) } : {}),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
  try {
    return await runTerminalCommand(app.core, { text: args.join(" ") || "help", userId, correlationId: randomUUID() }, io);
  } finally {
    rl?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${isCodedError(error) ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
