import type { AuditLog, AuditRecord, ListAuditOptions } from "../../commands/ports/audit-log.port.js";

/** Audit log kept in process memory: for the terminal adapter and core unit tests. */
export class MemoryAuditLog implements AuditLog {
  readonly records: AuditRecord[] = [];

  async append(record: AuditRecord): Promise<void> {
    this.records.push(record);
  }

  async list(options: ListAuditOptions = {}): Promise<AuditRecord[]> {
    return this.records
      .filter((r) => (options.workspace === undefined || r.workspace === options.workspace) && (options.endpoint === undefined || r.endpoint === options.endpoint))
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, options.limit ?? 50);
  }
}
