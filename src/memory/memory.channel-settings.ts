import type { ChannelRef } from "../../commands/invocation.js";
import type { ChannelDefaults, ChannelSettings } from "../../commands/ports/channel-settings.port.js";

/** Channel defaults kept in process memory: for the terminal adapter and core unit tests. */
export class MemoryChannelSettings implements ChannelSettings {
  private readonly defaults = new Map<string, ChannelDefaults>();

  async getDefaults(channel: ChannelRef): Promise<ChannelDefaults> {
    return this.defaults.get(`${channel.platform}:${channel.id}`) ?? {};
  }

  async setDefaults(channel: ChannelRef, defaults: ChannelDefaults): Promise<void> {
    this.defaults.set(`${channel.platform}:${channel.id}`, defaults);
  }
}
