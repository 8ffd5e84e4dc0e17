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

/**
 * The short form `aml help` lists: positionals and required flags, no optional flags (`aml help <verb>` has them).
 * A verb with several actions names them, then the positionals they all share: `promotion status|pause <id>`.
 */
export function synopsis(grammar: Grammar): string {
  const actions = Object.entries(grammar.actions ?? {});
  if (actions.length === 0) return line([grammar.verb], grammar.positionals, requiredFlags(grammar.flags));
  if (actions.length === 1) {
    const [name, action] = actions[0]!;
    return line([grammar.verb, name], action.positionals ?? [], requiredFlags({ ...grammar.flags, ...action.flags }));
  }
  const shapes = new Set(actions.map(([, a]) => (a.positionals ?? []).map(positionalUsage).join(" ")));
  const shared = shapes.size === 1 ? [...shapes][0]! : "";
  return [grammar.verb, actions.map(([name]) => name).join("|"), shared].filter((w) => w !== "").join(" ");
}

function requiredFlags(flags: FlagSpecs): FlagSpecs {
  return Object.fromEntries(Object.entries(flags).filter(([, spec]) => spec.required === true));
}

/**
 * A usage line folded to `width` columns for a code block, continued on lines indented by 4 spaces. It breaks only
 * between words outside brackets and quotes, and never between a flag and its value, so `[--reason "<text>"]`,
 * `--model <name:version>` and `<json | @sample>` stay whole.
 */
export function foldUsage(text: string, width = 72): string[] {
  const words: string[] = [];
  let depth = 0;
  let quoted = false;
  let word = "";
  for (const [i, ch] of [...text].entries()) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "[" || ch === "<")) depth++;
    else if (!quoted && (ch === "]" || ch === ">")) depth = Math.max(0, depth - 1);
    const flagValue = word.startsWith("--") && (text[i + 1] === "<" || text[i + 1] === '"');
    if (ch === " " && depth === 0 && !quoted && !flagValue) {
      if (word !== "") words.push(word);
      word = "";
    } else word += ch;
  }
  if (word !== "") words.push(word);
  const lines: string[] = [];
  for (const w of words) {
    const last = lines.length - 1;
    if (last >= 0 && `${lines[last]} ${w}`.length <= width) lines[last] = `${lines[last]} ${w}`;
    else lines.push(last < 0 ? w : `    ${w}`);
  }
  return lines;
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
