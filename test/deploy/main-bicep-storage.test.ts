/**
 * deploy/main.bicep, checked as text (there is no Bicep compiler here): it creates every table and queue the runtime
 * uses, so that in Azure no cold start spends storage round trips creating them (the runtime creates none on
 * start-up, only one that a call finds missing).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runtimeStorage } from "../../src/storage/runtime-storage.js";
import { DEFAULT_STORAGE_NAMES } from "../../src/storage/storage-clients.js";

const bicep = readFileSync(new URL("../../deploy/main.bicep", import.meta.url), "utf8");

/** The quoted strings of a `var <name> = [ … ]` list, one item a line. */
function listVar(name: string): string[] {
  const body = new RegExp(`^var ${name} = \\[\\n([\\s\\S]*?)\\n\\]`, "m").exec(bicep)?.[1];
  if (body === undefined) throw new Error(`deploy/main.bicep has no multi-line 'var ${name} = [ … ]'`);
  return body.split("\n").map((line) => /^\s*'([^']+)'\s*$/.exec(line)?.[1] ?? `unparsed: ${line.trim()}`);
}

describe("deploy/main.bicep storage", () => {
  it("creates every table the runtime uses, and no other", () => {
    expect(listVar("tableNames").sort()).toEqual([...runtimeStorage().tables].sort());
  });

  it("creates the jobs queue the app settings name, and its poison queue", () => {
    expect(bicep).toContain(`var jobQueue = '${DEFAULT_STORAGE_NAMES.jobsQueue}'`);
    expect(bicep).toContain("var queueNames = [jobQueue, '${jobQueue}-poison']");
    expect(runtimeStorage().queues).toEqual([DEFAULT_STORAGE_NAMES.jobsQueue, `${DEFAULT_STORAGE_NAMES.jobsQueue}-poison`]);
    expect(bicep).toContain("{ name: 'AML_JOB_QUEUE', value: jobQueue }");
  });

  it("creates them as children of the account's table and queue services", () => {
    expect(bicep).toMatch(/resource tables 'Microsoft\.Storage\/storageAccounts\/tableServices\/tables@[^']+' = \[\s*for name in tableNames: \{\s*parent: tableService\s*name: name/);
    expect(bicep).toMatch(/resource queues 'Microsoft\.Storage\/storageAccounts\/queueServices\/queues@[^']+' = \[\s*for name in queueNames: \{\s*parent: queueService\s*name: name/);
    expect(bicep).toMatch(/resource tableService '[^']+' = \{\s*parent: storage\s*name: 'default'/);
    expect(bicep).toMatch(/resource queueService '[^']+' = \{\s*parent: storage\s*name: 'default'/);
  });
});
