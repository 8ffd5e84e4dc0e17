import { compareFreezes, type Freeze, type Freezes, type ListFreezesOptions } from "../../commands/ports/freezes.port.js";

/** Change freezes kept in process memory: for the terminal adapter and core unit tests. */
export class MemoryFreezes implements Freezes {
  private readonly freezes = new Map<string, Freeze>();

  async add(freeze: Freeze): Promise<void> {
    const key = keyOf(freeze.workspace, freeze.id);
    if (!this.freezes.has(key)) this.freezes.set(key, { ...freeze, workspace: freeze.workspace.toLowerCase() });
  }

  async remove(workspace: string, id: string): Promise<boolean> {
    return this.freezes.delete(keyOf(workspace, id));
  }

  async list(options: ListFreezesOptions = {}): Promise<Freeze[]> {
    const workspace = options.workspace?.toLowerCase();
    return [...this.freezes.values()].filter((f) => workspace === undefined || f.workspace === workspace).sort(compareFreezes);
  }
}

function keyOf(workspace: string, id: string): string {
  return `${workspace.toLowerCase()}|${id}`;
}
