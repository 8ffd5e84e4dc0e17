/**
 * A ChannelNotifier for core tests: it keeps what a chat would show (threads, messages updated in place) so tests
 * can assert on the result, and the calls themselves. Not the real notifier (src/notify/); that one is exercised
 * end to end against the Slack and Teams stand-ins.
 */
import type { ChannelRef } from "../../commands/invocation.js";
import type { ChannelNotifier, NotifyOptions, NotifyOutcome } from "../../commands/ports/channel-notifier.port.js";
import type { Reply } from "../../commands/reply.js";

export interface NotifiedMessage {
  readonly id: string;
  readonly channel: string;
  /** The id of the thread's first message, for replies. */
  readonly threadOf?: string;
  readonly threadKey?: string;
  readonly updateKey?: string;
  /** Every version, oldest first; the last is what the channel shows. */
  readonly versions: Reply[];
}

export interface RecordingNotifier extends ChannelNotifier {
  readonly calls: { channel: ChannelRef; reply: Reply; options: NotifyOptions }[];
  readonly messages: NotifiedMessage[];
  /** Channel ids (as `platform:id`) to answer `unreachable` for. */
  readonly unreachable: Set<string>;
  /** Throws on the next `n` posts (an outage). */
  failNext(n: number): void;
  inChannel(channel: string): NotifiedMessage[];
}

export function recordingNotifier(): RecordingNotifier {
  const calls: RecordingNotifier["calls"] = [];
  const messages: NotifiedMessage[] = [];
  const threads = new Map<string, string>();
  const unreachable = new Set<string>();
  let failures = 0;
  return {
    calls,
    messages,
    unreachable,
    failNext: (n) => void (failures = n),
    inChannel: (channel) => messages.filter((m) => m.channel === channel),
    async post(channel, reply, options = {}): Promise<NotifyOutcome> {
      calls.push({ channel, reply, options });
      if (failures > 0) {
        failures--;
        throw new Error("chat API outage");
      }
      const where = `${channel.platform}:${channel.id}`;
      if (unreachable.has(where)) return { kind: "unreachable", message: "not in channel" };
      const existing = options.updateKey ? messages.find((m) => m.channel === where && m.updateKey === options.updateKey) : undefined;
      if (existing) {
        existing.versions.push(reply);
        return { kind: "updated" };
      }
      const id = `m${messages.length + 1}`;
      const threadOf = options.threadKey ? threads.get(`${where}|${options.threadKey}`) : undefined;
      if (options.threadKey && !threadOf) threads.set(`${where}|${options.threadKey}`, id);
      messages.push({ id, channel: where, versions: [reply], ...(threadOf ? { threadOf } : {}), ...(options.threadKey ? { threadKey: options.threadKey } : {}), ...(options.updateKey ? { updateKey: options.updateKey } : {}) });
      return { kind: "posted" };
    },
  };
}
