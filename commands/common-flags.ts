import * as z from "zod";
import { canonicalTimeZone } from "./digest/zoned-time.js";
import { deploymentName, endpointName } from "./domain/names.js";
import type { PositionalSpec } from "./parse/grammar.js";
import type { FlagSpec } from "./parse/parse-args.js";
import { refuse } from "./parse/refuse.js";

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

/** `--override "<reason>"`: an admin changes a frozen endpoint anyway; the reason is audited. */
export const overrideFlag = {
  type: "string",
  description: "Admin only: change it during a change freeze, saying why (audited; approvals still apply)",
  placeholder: "reason",
  quoted: true,
  // Only needed during a freeze, whose refusal says how to use it: usage lines stay short.
  inUsage: false,
} as const satisfies FlagSpec;

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

const ZONE_EXAMPLES = "`Europe/Paris`, `America/New_York`, `Asia/Kolkata` or `UTC`";

/** `--tz <zone>`: an IANA time zone, any case, read to its canonical name; UTC when left out. */
export const tzFlag = {
  type: "string",
  description: "IANA time zone the times are read in (default UTC), e.g. Europe/Paris",
  placeholder: "zone",
  default: "UTC",
  schema: z.string().transform((word, ctx) => canonicalTimeZone(word) ?? refuse(ctx, `\`${word}\` is not a time zone I know. Use an IANA name, e.g. ${ZONE_EXAMPLES}.`)),
} as const satisfies FlagSpec;

/** `[workspace|endpoint]`: a workspace alias names the workspace; anything else is an endpoint of the command's. */
export const workspaceOrEndpointArg = {
  name: "target",
  optional: true,
  placeholder: "workspace|endpoint",
  description: "A workspace alias, or an endpoint of the command's workspace (default: the workspace)",
  schema: z.string().transform((word, ctx) => {
    if (!endpointName.safeParse(word).success && !/^[a-z][a-z0-9-]{0,31}$/.test(word)) return refuse(ctx, `\`${word}\` is neither a workspace alias nor an endpoint name.`);
    return word;
  }),
} as const satisfies PositionalSpec;
