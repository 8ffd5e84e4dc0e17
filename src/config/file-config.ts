import * as z from "zod";
import { ConfigError } from "../../commands/errors.js";
import { APPROVABLE_VERBS } from "../../commands/approvals/approval-request.js";
import { canonicalTimeZone } from "../../commands/digest/zoned-time.js";
import { parseWeeklyTime } from "../../commands/freeze/weekly-freeze.js";
import { refuse } from "../../commands/parse/refuse.js";
import { ROLES } from "../../commands/policy.js";
import { parseGates } from "../../commands/promote/parse-gates.js";
import { parseSteps } from "../../commands/promote/parse-steps.js";
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

/** `slack:C0123`, `teams:19:abc@thread.tacv2`: a channel as the policy names it. */
const channel = z
  .string()
  .regex(/^(slack|teams):\S+$/, "use a platform prefix: slack:C0123 or teams:19:…@thread.tacv2")
  .transform((text) => {
    const at = text.indexOf(":");
    return { platform: text.slice(0, at) as "slack" | "teams", id: text.slice(at + 1) };
  });

const approvalRuleSchema = z.strictObject({
  workspace: z.string(),
  endpoints: z.array(z.string().min(1)).min(1).optional(),
  verbs: z.array(z.enum(APPROVABLE_VERBS)).min(1, "name at least one verb"),
  approvers: z
    .strictObject({ users: z.array(identity).optional(), groups: z.array(identity).optional() })
    .refine((a) => (a.users?.length ?? 0) + (a.groups?.length ?? 0) > 0, "name at least one approving user or group"),
  minApprovals: z.number().int().min(1).max(10).optional(),
  requesterCanApprove: z.boolean().optional(),
  expiresInMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
  channel: channel.optional(),
});

/** `Fri 16:00`: a day of the week and a 24-hour time. */
const weeklyTime = z.string().transform((text, ctx) => parseWeeklyTime(text) ?? refuse(ctx, `"${text}" is not a day and a time, e.g. "Fri 16:00"`));

/** A weekly change freeze: `{ "workspace": "demo", "weekly": { "from": "Fri 16:00", "to": "Mon 08:00" }, … }`. */
const freezeRuleSchema = z.strictObject({
  workspace: z.string(),
  endpoints: z.array(z.string().min(1)).min(1).optional(),
  weekly: z.strictObject({ from: weeklyTime, to: weeklyTime }),
  timeZone: z
    .string()
    .default("UTC")
    .transform((zone, ctx) => canonicalTimeZone(zone) ?? refuse(ctx, `"${zone}" is not an IANA time zone, e.g. "Europe/Paris" or "UTC"`)),
  reason: z.string().trim().min(1, "say why: everyone whose change is refused reads it"),
});

/** A text in `aml promote`'s own grammar: kept as typed (cards show it), refused here with the parser's message. */
const parsedBy = (parse: (text: string) => { ok: true } | { ok: false; message: string }) =>
  z.string().superRefine((text, ctx) => {
    const parsed = parse(text);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
  });

/** `aml promote`'s defaults for a workspace, or some of its endpoints: `{ "workspace": "prod", "steps": "…", "gates": "…" }`. */
const promotionDefaultsSchema = z.strictObject({
  workspace: z.string(),
  endpoints: z.array(z.string().min(1)).min(1).optional(),
  steps: parsedBy(parseSteps).optional(),
  gates: parsedBy(parseGates).optional(),
  minRequests: z.number().int().min(1).max(1_000_000).optional(),
  maxExtensions: z.number().min(0).max(24).optional(),
  soakMinutes: z.number().int().min(0).max(7 * 24 * 60).optional(),
});

/** `22:00`: a 24-hour local time. */
const clockTime = z.string().transform((text, ctx) => {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : refuse(ctx, `"${text}" is not a 24-hour time, e.g. "22:00"`);
});

/** `stage=candidate`: a tag a model version must carry to be proposed. */
const tagRule = z.string().transform((text, ctx) => {
  const at = text.indexOf("=");
  return at > 0 ? ([text.slice(0, at), text.slice(at + 1)] as const) : refuse(ctx, `"${text}" is not a tag rule: write "name=value", e.g. "stage=candidate"`);
});

/**
 * What a workspace's Azure ML events post (`/api/events`): `{ "workspace": "prod", "models": [{ "name": "fraud-*",
 * "tags": ["stage=candidate"], "endpoint": "fraud-scorer" }], "runs": false, "drift": true, "quietHours": { "from":
 * "22:00", "to": "07:00", "timeZone": "Europe/Paris" } }`. Without an entry every registered model is proposed.
 */
const eventRulesSchema = z.strictObject({
  workspace: z.string(),
  models: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9_.*-]{1,255}$/, "a model name, `*` matching any characters (e.g. \"fraud-*\")").optional(),
        tags: z.array(tagRule).transform((pairs) => Object.fromEntries(pairs)).optional(),
        endpoint: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/, "an endpoint name").optional(),
      }),
    )
    .optional(),
  drift: z.boolean().optional(),
  runs: z.boolean().optional(),
  quietHours: z
    .strictObject({
      from: clockTime,
      to: clockTime,
      timeZone: z
        .string()
        .default("UTC")
        .transform((zone, ctx) => canonicalTimeZone(zone) ?? refuse(ctx, `"${zone}" is not an IANA time zone, e.g. "Europe/Paris" or "UTC"`)),
    })
    .optional(),
});

export const fileConfigSchema = z
  .object({
    workspaces: z.array(workspaceSchema).min(1, "configure at least one workspace"),
    events: z.array(eventRulesSchema).optional(),
    policy: z.object({
      defaultRole: z.enum(ROLES).optional(),
      bindings: z.array(z.object({ role: z.enum(ROLES), users: z.array(identity).optional(), groups: z.array(identity).optional() })).default([]),
      approvals: z.array(approvalRuleSchema).optional(),
      freezes: z.array(freezeRuleSchema).optional(),
      promotions: z.array(promotionDefaultsSchema).optional(),
    }),
  })
  .superRefine((config, ctx) => {
    const aliases = config.workspaces.map((w) => w.alias);
    const duplicate = aliases.find((a, i) => aliases.indexOf(a) !== i);
    if (duplicate) ctx.addIssue({ code: "custom", path: ["workspaces"], message: `alias "${duplicate}" is used twice` });
    if (config.workspaces.filter((w) => w.default).length > 1) {
      ctx.addIssue({ code: "custom", path: ["workspaces"], message: "only one workspace can be the default" });
    }
    for (const [i, rule] of (config.policy.approvals ?? []).entries()) {
      if (!aliases.includes(rule.workspace)) {
        ctx.addIssue({ code: "custom", path: ["policy", "approvals", i, "workspace"], message: `no workspace has the alias "${rule.workspace}" (known: ${aliases.join(", ")})` });
      }
      const required = rule.minApprovals ?? 1;
      const named = rule.approvers.users?.length ?? 0;
      if (!rule.approvers.groups?.length && named < required) {
        ctx.addIssue({ code: "custom", path: ["policy", "approvals", i, "minApprovals"], message: `${required} approvals are required but only ${named} approver(s) are named` });
      }
    }
    for (const [i, rule] of (config.policy.freezes ?? []).entries()) {
      if (!aliases.includes(rule.workspace)) {
        ctx.addIssue({ code: "custom", path: ["policy", "freezes", i, "workspace"], message: `no workspace has the alias "${rule.workspace}" (known: ${aliases.join(", ")})` });
      }
      const { from, to } = rule.weekly;
      if (from.weekday === to.weekday && from.hour === to.hour && from.minute === to.minute) {
        ctx.addIssue({ code: "custom", path: ["policy", "freezes", i, "weekly", "to"], message: "the freeze would end when it starts: give a different end" });
      }
    }
    const ruled = new Set<string>();
    for (const [i, rule] of (config.events ?? []).entries()) {
      if (!aliases.includes(rule.workspace)) {
        ctx.addIssue({ code: "custom", path: ["events", i, "workspace"], message: `no workspace has the alias "${rule.workspace}" (known: ${aliases.join(", ")})` });
      }
      if (ruled.has(rule.workspace)) ctx.addIssue({ code: "custom", path: ["events", i, "workspace"], message: `"${rule.workspace}" has an events entry already: one per workspace` });
      ruled.add(rule.workspace);
    }
    // One entry per workspace, and per endpoint within it: `aml promote` picks one and says which, so two that
    // match the same endpoint at the same level would make the choice depend on their order in the file.
    const claimed = new Map<string, number>();
    for (const [i, rule] of (config.policy.promotions ?? []).entries()) {
      if (!aliases.includes(rule.workspace)) {
        ctx.addIssue({ code: "custom", path: ["policy", "promotions", i, "workspace"], message: `no workspace has the alias "${rule.workspace}" (known: ${aliases.join(", ")})` });
      }
      for (const endpoint of rule.endpoints ?? [undefined]) {
        const key = `${rule.workspace}/${endpoint?.toLowerCase() ?? ""}`;
        const earlier = claimed.get(key);
        if (earlier !== undefined) {
          const what = endpoint === undefined ? `the whole of "${rule.workspace}"` : `"${endpoint}" in "${rule.workspace}"`;
          ctx.addIssue({ code: "custom", path: ["policy", "promotions", i, endpoint === undefined ? "workspace" : "endpoints"], message: `policy.promotions.${earlier} already sets the defaults for ${what}` });
        } else claimed.set(key, i);
      }
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
