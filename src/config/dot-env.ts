import { existsSync } from "node:fs";

/** Loads `.env` into process.env when present (Node 20.12+ has the parser built in). Real env wins. */
export function loadDotEnv(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
