import type { ChannelRef } from "../../commands/invocation.js";
import type { AlertBinding, AlertBindings, ListAlertBindingsOptions } from "../../commands/ports/alert-bindings.port.js";

/** Alert bindings kept in process memory: for the terminal adapter and core unit tests. */
export class MemoryAlertBindings implements AlertBindings {
  private readonly bindings = new Map<string, AlertBinding>();

  async bind(binding: AlertBinding): Promise<boolean> {
    const key = keyOf(binding.workspace, binding.channel);
    if (this.bindings.has(key)) return false;
    this.bindings.set(key, { ...binding, workspace: binding.workspace.toLowerCase() });
    return true;
  }

  async unbind(workspace: string, channel: ChannelRef): Promise<boolean> {
    return this.bindings.delete(keyOf(workspace, channel));
  }

  async list(options: ListAlertBindingsOptions = {}): Promise<AlertBinding[]> {
    const workspace = options.workspace?.toLowerCase();
    return [...this.bindings.values()]
      .filter((b) => workspace === undefined || b.workspace === workspace)
      .sort((a, b) => a.workspace.localeCompare(b.workspace) || a.channel.platform.localeCompare(b.channel.platform) || a.channel.id.localeCompare(b.channel.id));
  }
}

function keyOf(workspace: string, channel: ChannelRef): string {
  return `${workspace.toLowerCase()}|${channel.platform}|${channel.id}`;
}
