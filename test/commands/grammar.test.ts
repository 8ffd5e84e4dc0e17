/**
 * The grammar as data: one declaration gives the parser, the typed arguments and the usage line. These tests drive
 * `defineVerb` with small declarations; the real verbs are covered through the core in the other files.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { deploymentArg, deploymentFlag, dryRunFlag, endpointArg, workspaceFlag, yesFlag } from "../../commands/common-flags.js";
import { parseArgs } from "../../commands/parse/parse-args.js";
import { wholeNumber } from "../../commands/parse/word-schemas.js";
import { defineVerb, type AnyVerb } from "../../commands/verb-spec.js";

const common = { aliases: [], summary: "", examples: [], role: "viewer", slow: false } as const;
const run = async () => ({ reply: { sections: [], visibility: "channel", mode: "new", summary: "" }, audit: { outcome: "ok" } }) as const;

const scale = defineVerb({
  ...common,
  name: "scale",
  positionals: [endpointArg, deploymentArg, { name: "count", placeholder: "instances", description: "", schema: wholeNumber(1, 20, (w) => `not \`${w}\``) }],
  flags: { yes: yesFlag, "dry-run": dryRunFlag, workspace: workspaceFlag },
  missing: "Name the deployment and the count.",
  run,
});

const traffic = defineVerb({
  ...common,
  name: "traffic",
  positionals: [endpointArg, { name: "split", kind: "assignments", description: "", missing: "Say how to split." }],
  flags: {},
  run,
});

const invoke = defineVerb({
  ...common,
  name: "invoke",
  positionals: [endpointArg, { name: "payload", kind: "payload", description: "" }],
  flags: {
    deployment: { ...deploymentFlag, excludes: "compare" },
    compare: { type: "string", description: "", placeholder: "a,b" },
    timeout: { type: "string", description: "", placeholder: "seconds", default: "10", schema: wholeNumber(1, 60, (w) => `bad timeout \`${w}\``) },
  },
  run,
});

const digest = defineVerb({
  ...common,
  name: "digest",
  flags: { workspace: workspaceFlag },
  actions: {
    now: { positionals: [{ name: "target", optional: true, placeholder: "workspace|endpoint", description: "" }] },
    subscribe: {
      aliases: ["schedule"],
      flags: { every: { type: "string", description: "", placeholder: "schedule", required: true, quoted: true, missing: "Say when.", continues: /^\d{2}:\d{2}$/ } },
    },
    list: { aliases: ["ls"] },
  },
  run,
});

function read(verb: AnyVerb, line: string) {
  const parsed = parseArgs(line.split(" ").filter(Boolean), verb.flags);
  if (!parsed.ok) return { ok: false, problem: parsed.message };
  return verb.read(parsed.args);
}

describe("positionals", () => {
  it("gives an optional leading positional a word only when there are words to spare", () => {
    expect(read(scale, "green 3")).toEqual({ ok: true, args: { endpoint: undefined, deployment: "green", count: 3, yes: false, dryRun: false, workspace: undefined } });
    expect(read(scale, "fraud-scorer green 3 -y")).toMatchObject({ ok: true, args: { endpoint: "fraud-scorer", deployment: "green", count: 3, yes: true } });
  });

  it("says what is missing, and refuses words left over", () => {
    expect(read(scale, "green")).toEqual({ ok: false, problem: "Name the deployment and the count." });
    expect(read(scale, "a b c d")).toEqual({ ok: false, problem: "`d` is one word too many." });
  });

  it("frames a schema's own message with the word and what it should be; a custom message stays as written", () => {
    expect(read(scale, "x_y green 3")).toEqual({ ok: false, problem: "`x_y` is not a valid endpoint name. Endpoint names are 3–32 letters, digits or hyphens, starting with a letter." });
    expect(read(scale, "green 0")).toEqual({ ok: false, problem: "not `0`" });
  });

  it("leaves a word to a later positional that claims its shape", () => {
    expect(read(traffic, "blue=80 green=20")).toMatchObject({ ok: true, args: { endpoint: undefined, split: { blue: 80, green: 20 } } });
    expect(read(traffic, "fraud-scorer blue=80")).toMatchObject({ ok: true, args: { endpoint: "fraud-scorer", split: { blue: 80 } } });
    expect(read(invoke, "@small")).toMatchObject({ ok: true, args: { endpoint: undefined, payload: { kind: "sample", name: "small" } } });
  });

  it("reads a word the next positional's shape refuses as the optional one, so the missing part is named", () => {
    expect(read(traffic, "fraud-scorer")).toEqual({ ok: false, problem: "Say how to split." });
    expect(read(traffic, "fraud-scorer blue80")).toEqual({ ok: false, problem: "`blue80` is not a `deployment=percent` pair (for example `blue=80`)." });
  });

  it("says which optional positional there is only one of", () => {
    const show = defineVerb({ ...common, name: "show", positionals: [endpointArg], flags: {}, run });
    expect(read(show, "a b")).toEqual({ ok: false, problem: "Name at most one endpoint." });
    const none = defineVerb({ ...common, name: "none", positionals: [], flags: {}, run });
    expect(read(none, "x")).toEqual({ ok: false, problem: "`aml none` takes no arguments (`x` is one too many)." });
  });
});

describe("flags", () => {
  it("reads defaults through the schema and refuses flags that exclude each other", () => {
    expect(read(invoke, "@small")).toMatchObject({ ok: true, args: { timeout: 10, deployment: undefined } });
    expect(read(invoke, "@small --timeout 61")).toEqual({ ok: false, problem: "bad timeout `61`" });
    expect(read(invoke, "@small --deployment gr@en")).toEqual({ ok: false, problem: "`gr@en` is not a valid deployment name. Deployment names are 1–32 letters, digits, hyphens or underscores." });
    expect(read(invoke, "@small --deployment blue --compare a,b")).toEqual({ ok: false, problem: "Use `--deployment` or `--compare`, not both." });
  });
});

describe("actions", () => {
  it("picks the action by name or alias, with its own positionals and flags", () => {
    expect(read(digest, "NOW fraud-scorer")).toEqual({ ok: true, args: { action: "now", target: "fraud-scorer", workspace: undefined } });
    expect(read(digest, "schedule --every weekday 09:00")).toEqual({ ok: true, args: { action: "subscribe", every: "weekday 09:00", workspace: undefined } });
    expect(read(digest, "ls")).toMatchObject({ ok: true, args: { action: "list" } });
  });

  it("names the actions when none or an unknown one is given, and gives the action's usage with its problems", () => {
    expect(read(digest, "")).toEqual({ ok: false, problem: "`aml digest` needs an action: `now`, `subscribe` or `list`." });
    expect(read(digest, "frob")).toEqual({ ok: false, problem: "`frob` is not a digest action: say `now`, `subscribe` or `list`." });
    expect(read(digest, "subscribe")).toEqual({ ok: false, problem: "Say when.", usage: 'digest subscribe --every "<schedule>"' });
    expect(read(digest, "list --every daily")).toEqual({ ok: false, problem: "Option `--every` does not apply to `aml digest list`.", usage: "digest list" });
  });
});

describe("usage", () => {
  it("is written from the declaration", () => {
    expect(scale.usage).toBe("scale [endpoint] <deployment> <instances> [--yes] [--dry-run]");
    expect(traffic.usage).toBe("traffic [endpoint] <deployment>=<percent>...");
    expect(invoke.usage).toBe("invoke [endpoint] <json | @sample> [--deployment <name> | --compare <a,b>] [--timeout <seconds>]");
    expect(digest.usageLines).toEqual(["digest now [workspace|endpoint]", 'digest subscribe --every "<schedule>"', "digest list"]);
  });

  it("refuses a declaration whose variadic positional is not last", () => {
    expect(() =>
      defineVerb({ ...common, name: "bad", positionals: [{ name: "split", kind: "assignments", description: "" }, { name: "x", description: "", schema: z.string() }], flags: {}, run }),
    ).toThrow('Positional "split" of "bad" takes several words and must come last.');
  });
});
