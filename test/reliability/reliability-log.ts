/**
 * What the reliability suites saw, cell by cell. `npm run reliability` sets AML_RELIABILITY_OUT; each suite then
 * writes its rows there as JSON and `bench/reliability-report.ts` turns them into docs/reliability.md. In a plain
 * `npm test` nothing is written: the suites only assert.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ReliabilityRow {
  readonly command: string;
  readonly fault: string;
  /** What chat said in the end: applied, nothing changed, stale (changed by someone else). */
  readonly said: "applied" | "unchanged" | "stale" | "other";
  /** What Azure ML held afterwards, in the same words. */
  readonly azure: "applied" | "unchanged" | "stale" | "other";
  readonly finalMessages: number;
  /** Writes the emulator accepted (2xx PUT/PATCH on the resource); SDK retries of refused requests are not writes. */
  readonly acceptedWrites: number;
  /** How many writes the command makes when all goes well: 1 (a change), one a step for a promotion. */
  readonly expectedWrites?: number;
  readonly mirrorKept: boolean;
  /** From the first click (or the kill) to the final message. */
  readonly seconds: number;
}

export class ReliabilityLog {
  readonly rows: ReliabilityRow[] = [];

  constructor(private readonly suite: string) {}

  add(row: ReliabilityRow): void {
    this.rows.push(row);
  }

  /** Writes the rows when `npm run reliability` asked for them. */
  flush(): void {
    const dir = process.env["AML_RELIABILITY_OUT"];
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${this.suite}.json`), JSON.stringify({ suite: this.suite, rows: this.rows }, null, 2));
  }
}
