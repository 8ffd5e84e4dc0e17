import type { FlagSpec } from "./parse/parse-args.js";

/** Flags several verbs share, described once. */
export const workspaceFlag: FlagSpec = {
  type: "string",
  short: "w",
  description: "Workspace alias (default: the channel's, else the configured default)",
  placeholder: "alias",
};

export const yesFlag: FlagSpec = { type: "boolean", short: "y", description: "Apply at once, without the Apply button" };

export const dryRunFlag: FlagSpec = { type: "boolean", description: "Show the exact request without sending it" };
