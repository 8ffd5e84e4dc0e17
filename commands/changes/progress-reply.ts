import type { OperationProgress } from "../ports/operation-options.js";
import type { Reply } from "../reply.js";

/** The message shown (and updated) while Azure works on a change. */
export function progressReply(action: string, progress: OperationProgress): Reply {
  const seconds = Math.round(progress.elapsedInMs / 1000);
  const text = `⏳ ${action}… Azure ML reports *${progress.state}* (${seconds} s).`;
  return { sections: [{ kind: "text", text }], visibility: "channel", mode: "replace", summary: text };
}
