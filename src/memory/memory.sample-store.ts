import type { Sample, SampleStore } from "../../commands/ports/sample-store.port.js";

/** Samples kept in process memory: for the terminal adapter and core unit tests. Names are case-insensitive. */
export class MemorySampleStore implements SampleStore {
  private readonly samples = new Map<string, Sample>();

  async save(sample: Sample): Promise<void> {
    this.samples.set(keyOf(sample.workspace, sample.endpoint, sample.name), sample);
  }

  async get(workspace: string, endpoint: string, name: string): Promise<Sample | undefined> {
    return this.samples.get(keyOf(workspace, endpoint, name));
  }

  async list(workspace: string, endpoint?: string): Promise<Sample[]> {
    return [...this.samples.values()]
      .filter((s) => s.workspace.toLowerCase() === workspace.toLowerCase() && (endpoint === undefined || s.endpoint.toLowerCase() === endpoint.toLowerCase()))
      .sort((a, b) => a.endpoint.localeCompare(b.endpoint) || a.name.localeCompare(b.name));
  }
}

function keyOf(workspace: string, endpoint: string, name: string): string {
  return `${workspace}/${endpoint}/${name}`.toLowerCase();
}
