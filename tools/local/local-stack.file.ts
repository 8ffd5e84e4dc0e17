import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * While `npm start` runs it leaves a note of where its services are, so `npm run aml` in another terminal uses
 * the same Azurite (one audit log, one set of pending changes and channel defaults) instead of memory.
 */
export interface LocalStackNote {
  readonly hostUrl: string;
  readonly azureWebJobsStorage: string;
  /** The Slack stand-in's Web API, so `npm run aml -- doctor` checks the token against it as the bot's own does. */
  readonly slackApiUrl?: string;
}

export const LOCAL_STACK_NOTE = join(".data", "local-stack.json");

export function writeLocalStackNote(note: LocalStackNote, path = LOCAL_STACK_NOTE): void {
  writeFileSync(path, JSON.stringify(note, null, 2));
}

export function removeLocalStackNote(path = LOCAL_STACK_NOTE): void {
  rmSync(path, { force: true });
}

/** The running stack's note, or undefined when there is none or its host no longer answers. */
export async function readLiveLocalStackNote(path = LOCAL_STACK_NOTE): Promise<LocalStackNote | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    const note = JSON.parse(readFileSync(path, "utf8")) as LocalStackNote;
    const health = await fetch(`${note.hostUrl}/api/health`, { signal: AbortSignal.timeout(1_000) });
    return health.ok ? note : undefined;
  } catch {
    return undefined;
  }
}
