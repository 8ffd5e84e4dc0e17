/**
 * The usage line and the help fields of a verb, written from its grammar: `scale [endpoint] <deployment>
 * <instances> [--yes] [--dry-run]`, one line per action for verbs with sub-verbs.
 */
import type { Grammar, PositionalSpec } from "./grammar.js";
import type { FlagSpec, FlagSpecs } from "./parse-args.js";
import { kindOf } from "./positional-kinds.js";

/** One line per action (`alerts bind <workspace> [#channel]`), or the verb's one line. */
export function usageLines(grammar: Grammar): string[] {
  if (grammar.actions) return Object.keys(grammar.actions).map((name) => actionUsage(grammar, name));
  return [line([grammar.verb], grammar.positionals, grammar.flags)];
}

/** `alerts bind <workspace> [#channel]`: one action's line. */
export function actionUsage(grammar: Grammar, name: string): string {
  const action = grammar.actions?.[name] ?? {};
  return line([grammar.verb, name], action.positionals ?? [], { ...grammar.flags, ...action.flags });
}

/** The verb's positionals and flags, as help lists them: usage token → description. */
export function helpFields(grammar: Grammar): { label: string; value: string }[] {
  const positionals = new Map<string, PositionalSpec>();
  const flags = new Map<string, FlagSpec>();
  const forms = grammar.actions ? Object.values(grammar.actions) : [{ positionals: grammar.positionals }];
  for (const form of forms) for (const p of form.positionals ?? []) if (!positionals.has(p.name)) positionals.set(p.name, p);
  for (const [name, spec] of Object.entries(grammar.flags)) flags.set(name, spec);
  for (const form of Object.values(grammar.actions ?? {})) for (const [name, spec] of Object.entries(form.flags ?? {})) if (!flags.has(name)) flags.set(name, spec);
  return [
    ...[...positionals.values()].map((p) => ({ label: positionalUsage(p), value: p.description })),
    ...[...flags].map(([name, spec]) => ({
      label: `--${name}${spec.short ? ` / -${spec.short}` : ""}${spec.type === "string" ? ` <${spec.placeholder ?? "value"}>` : ""}`,
      value: spec.description,
    })),
  ];
}

export function positionalUsage(spec: PositionalSpec): string {
  if (spec.usage !== undefined) return spec.usage;
  const many = kindOf(spec).variadic(spec) ? "..." : "";
  if (spec.kind === "assignments") return `<deployment>=<percent>${many}`;
  const base = spec.placeholder ?? (spec.kind === "payload" ? "json | @sample" : spec.kind === "json" ? "json" : spec.name);
  return spec.optional ? `[${base}]${many}` : `<${base}>${many}`;
}

function line(head: readonly string[], positionals: readonly PositionalSpec[], flags: FlagSpecs): string {
  return [...head, ...positionals.map(positionalUsage), ...flagsUsage(flags)].join(" ");
}

/** `[--yes]`, `[--since <duration>]`, `--every "<schedule>"` when required, `[--deployment <name> | --compare <a,b>]`. */
function flagsUsage(flags: FlagSpecs): string[] {
  const out: string[] = [];
  const done = new Set<string>();
  for (const [name, spec] of Object.entries(flags)) {
    if (done.has(name) || spec.inUsage === false) continue;
    const names = spec.excludes !== undefined && flags[spec.excludes] ? [name, spec.excludes] : [name];
    for (const n of names) done.add(n);
    const text = names.map((n) => flagText(n, flags[n]!)).join(" | ");
    out.push(spec.required ? text : `[${text}]`);
  }
  return out;
}

function flagText(name: string, spec: FlagSpec): string {
  if (spec.type === "boolean") return `--${name}`;
  const placeholder = `<${spec.placeholder ?? "value"}>`;
  return `--${name} ${spec.quoted ? `"${placeholder}"` : placeholder}`;
}
