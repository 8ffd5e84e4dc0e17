import { deploymentName, endpointName } from "./domain/names.js";
import type { PositionalSpec } from "./parse/grammar.js";
import type { FlagSpec } from "./parse/parse-args.js";

/** Flags and positionals several verbs share, described once. */
export const workspaceFlag = {
  type: "string",
  short: "w",
  description: "Workspace alias (default: the channel's, else the configured default)",
  placeholder: "alias",
  // Every verb that reads an endpoint takes it; usage lines name it only where it is the point.
  inUsage: false,
} as const satisfies FlagSpec;

export const yesFlag = { type: "boolean", short: "y", description: "Apply at once, without the Apply button" } as const satisfies FlagSpec;

export const dryRunFlag = { type: "boolean", description: "Show the exact request without sending it" } as const satisfies FlagSpec;

/** `--deployment <name>`: one deployment, checked as Azure ML names it. */
export const deploymentFlag = {
  type: "string",
  short: "d",
  description: "Only this deployment",
  placeholder: "name",
  label: "deployment name",
  schema: deploymentName,
} as const satisfies FlagSpec;

/** `[endpoint]`: left out, the channel's default or the only endpoint that fits. */
export const endpointArg = {
  name: "endpoint",
  optional: true,
  description: "The endpoint (default: the channel's, or the only one that fits)",
  label: "endpoint name",
  schema: endpointName,
} as const satisfies PositionalSpec;

/** `<deployment>`: a deployment of the endpoint. */
export const deploymentArg = {
  name: "deployment",
  description: "The deployment",
  label: "deployment name",
  schema: deploymentName,
} as const satisfies PositionalSpec;

/** `[endpoint]` before `deployment=percent` pairs: a word that is neither is refused as such. */
export const endpointBeforePairsArg = {
  ...endpointArg,
  invalid: (word: string) => `\`${word}\` is neither an endpoint name nor a \`deployment=percent\` pair.`,
} as const satisfies PositionalSpec;
