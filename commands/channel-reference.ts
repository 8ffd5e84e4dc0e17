/**
 * A channel named in a command, in the one form the core reads: `<channel:ID>`, ID being the platform's own id of
 * the channel. Each chat adapter rewrites its platform's way of naming a channel (a Slack `<#C…|name>` link, a Teams
 * channel @mention) into this before the core sees the text (adapters/channel-mentions.ts), so the core parses no
 * platform's markup and never asks which platform it is on: a channel named in a command is on the platform the
 * command came from.
 */

const REFERENCE = /^<channel:([^\s<>]+)>$/;

export function channelReference(id: string): string {
  return `<channel:${id}>`;
}

/** The id in a `<channel:ID>` word; undefined for any other word. */
export function readChannelReference(word: string): string | undefined {
  return REFERENCE.exec(word)?.[1];
}
