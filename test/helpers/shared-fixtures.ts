import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The published payloads in `../shared/fixtures/` (beside the repository, as in CI), read as they are:
 * they are the truth our code meets, so tests never keep edited copies.
 */
export const SHARED_FIXTURES = fileURLToPath(new URL("../../../shared/fixtures/", import.meta.url));

export function readSharedFixture(relativePath: string): string {
  return readFileSync(`${SHARED_FIXTURES}${relativePath}`, "utf8");
}
