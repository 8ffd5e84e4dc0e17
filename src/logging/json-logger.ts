import type { Logger } from "../../commands/ports/logger.port.js";
import { redact } from "./redact.js";

type Sink = (line: string) => void;

/**
 * One JSON line per event, to stderr by default (Azure Functions forwards it to Application Insights).
 * Errors are reduced to name, code, status and message; every line passes through `redact`.
 */
export class JsonLogger implements Logger {
  constructor(
    private readonly sink: Sink = (line) => process.stderr.write(`${line}\n`),
    private readonly base: Record<string, unknown> = {},
  ) {}

  info(message: string, fields?: Record<string, unknown>): void {
    this.write("info", message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.write("warn", message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.write("error", message, fields);
  }

  private write(level: string, message: string, fields: Record<string, unknown> = {}): void {
    const entry = { level, time: new Date().toISOString(), message, ...this.base, ...fields };
    this.sink(redact(JSON.stringify(entry, (_key, value: unknown) => (value instanceof Error ? describeError(value) : value))));
  }
}

function describeError(error: Error): Record<string, unknown> {
  const coded = error as Error & { code?: unknown; statusCode?: unknown; cause?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(coded.code !== undefined ? { code: coded.code } : {}),
    ...(coded.statusCode !== undefined ? { statusCode: coded.statusCode } : {}),
    ...(coded.cause instanceof Error ? { cause: describeError(coded.cause) } : {}),
    stack: error.stack?.split("\n").slice(1, 6).map((l) => l.trim()),
  };
}
