import type { CommandCore } from "../../commands/command-core.js";
import type { Actor, ChannelRef } from "../../commands/invocation.js";
import type { Reply } from "../../commands/reply.js";
import { renderText } from "./text.renderer.js";

export interface TerminalIo {
  write(text: string): void;
  /** Present when a person is at the keyboard: lets them press a reply's buttons. */
  ask?(question: string): Promise<string>;
  readonly color: boolean;
}

export interface TerminalRequest {
  readonly text: string;
  readonly userId: string;
  readonly correlationId: string;
}

const CHANNEL: ChannelRef = { platform: "terminal", id: "terminal" };

/**
 * The quickest way to try the core: a command line in, text out. Buttons become a prompt when a person is
 * at the keyboard; otherwise the preview says to re-run with `--yes`. Returns 1 when the final reply is an
 * error, for scripts.
 */
export async function runTerminalCommand(core: CommandCore, request: TerminalRequest, io: TerminalIo): Promise<number> {
  const actor: Actor = { platform: "terminal", userId: request.userId, groups: [] };
  const show = (reply: Reply): void => io.write(`${renderText(reply, { color: io.color })}\n`);
  const onProgress = (reply: Reply): void => io.write(`${reply.summary}\n`);

  let reply = await core.execute({ text: request.text, actor, channel: CHANNEL, correlationId: request.correlationId }, { onProgress });
  show(reply);
  while (reply.buttons?.length && io.ask) {
    const choices = reply.buttons.map((b, i) => `${i + 1}) ${b.label}`).join("  ");
    const answer = (await io.ask(`${choices}  (Enter to leave it) > `)).trim();
    const button = reply.buttons[Number(answer) - 1] ?? reply.buttons.find((b) => b.label.toLowerCase() === answer.toLowerCase());
    if (!button) break;
    reply = await core.press(
      { verb: button.verb, payloadId: button.payloadId, actor, channel: CHANNEL, correlationId: request.correlationId },
      { onProgress },
    );
    show(reply);
  }
  if (reply.buttons?.length && !io.ask) io.write("(Not interactive: run the command again with --yes to apply it.)\n");
  return reply.tone === "error" ? 1 : 0;
}
