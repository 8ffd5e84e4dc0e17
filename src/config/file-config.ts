import { z } from "zod";
import { ConfigError } from "../../commands/errors.js";
import { ROLES } from "../../commands/policy.js";
import { formatIssues } from "./format-issues.js";

/** The organisation's part of the configuration: which workspaces exist and who may do what. */

const workspaceSchema = z.object({
  alias: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "aliases are lower-case letters, digits and hyphens"),
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
  workspace: z.string().min(1),
  default: z.boolean().optional(),
});

const identity = z.string().regex(/^(slack|teams|terminal):\S+$/, "use a platform prefix: slack:U123, teams:<aad-object-id>");

export const fileConfigSchema = z
  .object({
    workspaces: z.array(workspaceSchema).min(1, "configure at least one workspace"),
    policy: z.object({
      defaultRole: z.enum(ROLES).optional(),
      bindings: z.array(z.object({ role: z.enum(ROLES), users: z.array(identity).optional(), groups: z.array(identity).optional() })).default([]),
    }),
  })
  .superRefine((config, ctx) => {
    const aliases = config.workspaces.map((w) => w.alias);
    const duplicate = aliases.find((a, i) => aliases.indexOf(a) !== i);
    if (duplicate) ctx.addIssue({ code: "custom", path: ["workspaces"], message: `alias "${duplicate}" is used twice` });
    if (config.workspaces.filter((w) => w.default).length > 1) {
      ctx.addIssue({ code: "custom", path: ["workspaces"], message: "only one workspace can be the default" });
    }
  });

export type FileConfig = z.infer<typeof fileConfigSchema>;

/**
 * The file config from AML_CONFIG_JSON (inline, handy for app settings and Bicep) or AML_CONFIG_FILE (a path);
 * `undefined` when neither is set.
 */
export function readFileConfig(
  source: { json?: string | undefined; path?: string | undefined },
  readText: (path: string) => string,
): FileConfig | undefined {
  if (source.json !== undefined && source.path !== undefined) throw new ConfigError("Set AML_CONFIG_JSON or AML_CONFIG_FILE, not both.");
  const name = source.json !== undefined ? "AML_CONFIG_JSON" : `AML_CONFIG_FILE ${source.path}`;
  let text: string;
  if (source.json !== undefined) text = source.json;
  else if (source.path !== undefined) {
    try {
      text = readText(source.path);
    } catch (error) {
      throw new ConfigError(`${name} could not be read: ${(error as Error).message}`, { cause: error });
    }
  } else return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${name} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = fileConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${name} is invalid:\n${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}
