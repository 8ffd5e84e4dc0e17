/**
 * A verb's grammar as data: its positionals and flags (for a verb with sub-verbs, each action's), declared once.
 * The parser below reads words into typed arguments, each value through its zod schema; `grammar-usage.ts` writes
 * the usage line and the help fields from the same declaration, so what help says is what parses.
 */
import type * as z from "zod";
import type { PayloadArg } from "../scoring/payload.js";
import type { FlagSpec, FlagSpecs, ParsedArgs } from "./parse-args.js";
import { issueMessage, kindOf } from "./positional-kinds.js";
import type { PositionalSpec } from "./positional-spec.js";

export type { PositionalKind, PositionalSpec } from "./positional-spec.js";

/** Words left over: a sentence, or one made from them (and from every positional word). */
export type TooMany = string | ((extra: readonly string[], words: readonly string[]) => string);

/** A sub-verb (`digest now`, `alerts bind`): its own positionals and flags, after the verb's action word. */
export interface ActionSpec {
  readonly aliases?: readonly string[];
  readonly positionals?: readonly PositionalSpec[];
  /** Flags only this action takes, besides the verb's. */
  readonly flags?: FlagSpecs;
  /** Said when a required positional is absent and it has no `missing` of its own. */
  readonly missing?: string;
  readonly tooMany?: TooMany;
}

/** A verb's whole grammar, as `defineVerb` keeps it. */
export interface Grammar {
  readonly verb: string;
  readonly positionals: readonly PositionalSpec[];
  /** Flags every form of the verb takes. */
  readonly flags: FlagSpecs;
  readonly actions?: Readonly<Record<string, ActionSpec>>;
  readonly missing?: string;
  readonly tooMany?: TooMany;
  /** A problem between arguments (one needs another), on the typed arguments. */
  readonly check?: (args: never) => string | undefined;
}

export type ReadResult<A> = { readonly ok: true; readonly args: A } | { readonly ok: false; readonly problem: string; readonly action?: string };

// ── Types: the arguments a declaration reads to ──────────────────────────────────────────────────────────────────

/** `dry-run` → `dryRun`. */
export type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

type WordValue<P> = P extends { schema: infer S extends z.ZodType } ? z.output<S> : string;
type KindValue<P> = P extends { kind: "assignments" }
  ? Readonly<Record<string, number>>
  : P extends { kind: "json" }
    ? unknown
    : P extends { kind: "payload" }
      ? PayloadArg
      : P extends { variadic: true }
        ? WordValue<P>[]
        : WordValue<P>;
type PositionalValue<P> = P extends { optional: true } ? KindValue<P> | undefined : KindValue<P>;

export type PositionalArgs<P extends readonly PositionalSpec[]> = { readonly [K in P[number] as K["name"]]: PositionalValue<K> };

type FlagValue<F> = F extends { type: "boolean" }
  ? boolean
  : (F extends { schema: infer S extends z.ZodType } ? z.output<S> : string) | (F extends { default: string } | { required: true } ? never : undefined);

export type FlagArgs<F extends FlagSpecs> = { readonly [K in keyof F & string as CamelCase<K>]: FlagValue<F[K]> };

type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ArgsOf<P extends readonly PositionalSpec[], F extends FlagSpecs> = Simplify<PositionalArgs<P> & FlagArgs<F>>;

type ActionPositionals<S> = S extends { positionals: infer P extends readonly PositionalSpec[] } ? P : [];
type ActionFlags<S> = S extends { flags: infer F extends FlagSpecs } ? F : {}; // eslint-disable-line @typescript-eslint/no-empty-object-type

export type ActionArgsOf<Acts extends Readonly<Record<string, ActionSpec>>, F extends FlagSpecs> = {
  [K in keyof Acts & string]: Simplify<{ readonly action: K } & PositionalArgs<ActionPositionals<Acts[K]>> & FlagArgs<F & ActionFlags<Acts[K]>>>;
}[keyof Acts & string];

// ── Reading words ─────────────────────────────────────────────────────────────────────────────────────────────────

/** Reads parsed words to the verb's arguments: the action, then positionals, flags and the verb's own check. */
export function readArgs(grammar: Grammar, input: ParsedArgs): ReadResult<Record<string, unknown>> {
  let words = input.positionals;
  let form: { name?: string; positionals: readonly PositionalSpec[]; flags: FlagSpecs; missing?: string; tooMany?: TooMany } = grammar;
  const args: Record<string, unknown> = {};
  if (grammar.actions) {
    const found = findAction(grammar, words[0]);
    if (!found.ok) return found;
    const action = grammar.actions[found.name]!;
    form = { name: found.name, positionals: action.positionals ?? [], flags: { ...grammar.flags, ...action.flags }, missing: action.missing, tooMany: action.tooMany };
    args.action = found.name;
    words = words.slice(1);
  }
  const fail = (problem: string): ReadResult<never> => ({ ok: false, problem, ...(form.name !== undefined ? { action: form.name } : {}) });

  const { taken, extra } = assign(form.positionals, words);
  if (extra.length > 0) return fail(tooManyMessage(grammar.verb, form, extra, words));
  for (const [i, spec] of form.positionals.entries()) {
    const given = taken[i];
    if (given === undefined) {
      if (!spec.optional) return fail(spec.missing ?? form.missing ?? `Give the ${spec.placeholder ?? spec.name}: ${lowerFirst(spec.description)}.`);
      args[spec.name] = undefined;
      continue;
    }
    const value = kindOf(spec).read(spec, given, args);
    if (!value.ok) return fail(value.problem);
    args[spec.name] = value.value;
  }

  for (const given of Object.keys(input.flags)) {
    if (!(given in form.flags)) return fail(`Option \`--${given}\` does not apply to \`aml ${grammar.verb}${form.name ? ` ${form.name}` : ""}\`.`);
  }
  for (const [name, spec] of Object.entries(form.flags)) {
    const value = readFlag(name, spec, input.flags[name]);
    if (!value.ok) return fail(value.problem);
    args[camelCase(name)] = value.value;
    if (spec.excludes !== undefined && input.flags[name] !== undefined && input.flags[spec.excludes] !== undefined) {
      return fail(`Use \`--${name}\` or \`--${spec.excludes}\`, not both.`);
    }
  }
  const problem = (grammar.check as ((a: unknown) => string | undefined) | undefined)?.(args);
  return problem === undefined ? { ok: true, args } : fail(problem);
}

function findAction(grammar: Grammar, word: string | undefined): { ok: true; name: string } | { ok: false; problem: string } {
  const actions = Object.entries(grammar.actions ?? {});
  const list = listOf(actions.map(([name]) => `\`${name}\``));
  if (word === undefined) return { ok: false, problem: `\`aml ${grammar.verb}\` needs an action: ${list}.` };
  const lower = word.toLowerCase();
  const found = actions.find(([name, spec]) => name === lower || (spec.aliases ?? []).includes(lower));
  if (found) return { ok: true, name: found[0] };
  return { ok: false, problem: `\`${word}\` is not ${/^[aeiou]/.test(grammar.verb) ? "an" : "a"} ${grammar.verb} action: say ${list}.` };
}

/**
 * Which words go to which positional. Required positionals get a word each; an optional one takes its word when
 * words are to spare, when no later positional claims it, and when its own shape (if any) fits. It also takes a word
 * that the next required positional's shape refuses, so `traffic fraud-scorer` reads as an endpoint without pairs.
 * A variadic positional takes the words to spare.
 */
function assign(positionals: readonly PositionalSpec[], words: readonly string[]): { taken: (string[] | undefined)[]; extra: string[] } {
  let spare = words.length - positionals.filter((p) => !p.optional).length;
  let at = 0;
  const taken: (string[] | undefined)[] = [];
  positionals.forEach((spec, i) => {
    const word = words[at];
    const rules = kindOf(spec);
    const later = positionals.slice(i + 1);
    if (word === undefined) return taken.push(undefined);
    if (spec.optional) {
      const nextRequired = later.find((p) => !p.optional);
      const claimedLater = later.some((p) => kindOf(p).claims?.(p, word) === true);
      const fits = rules.claims === undefined || rules.claims(spec, word);
      const refusedNext = nextRequired !== undefined && kindOf(nextRequired).claims?.(nextRequired, word) === false;
      if (claimedLater || !fits || (spare <= 0 && !refusedNext)) return taken.push(undefined);
      const count = rules.variadic(spec) ? Math.max(spare, 1) : 1;
      spare -= count;
      taken.push(words.slice(at, at + count));
      at += count;
      return;
    }
    const count = rules.variadic(spec) ? 1 + Math.max(spare, 0) : 1;
    spare -= count - 1;
    taken.push(words.slice(at, at + count));
    at += count;
  });
  return { taken, extra: words.slice(at) };
}

function tooManyMessage(verb: string, form: { name?: string; positionals: readonly PositionalSpec[]; tooMany?: TooMany }, extra: readonly string[], words: readonly string[]): string {
  if (typeof form.tooMany === "function") return form.tooMany(extra, words);
  if (form.tooMany !== undefined) return form.tooMany;
  const last = form.positionals.at(-1);
  if (last === undefined) return `\`aml ${verb}${form.name ? ` ${form.name}` : ""}\` takes no arguments (\`${extra[0]}\` is one too many).`;
  if (last.optional && !kindOf(last).variadic(last)) return `Name at most one ${last.placeholder ?? last.name}.`;
  return `\`${extra[0]}\` is one word too many.`;
}

type Read = { ok: true; value: unknown } | { ok: false; problem: string };

function readFlag(name: string, spec: FlagSpec, given: string | boolean | undefined): Read {
  if (spec.type === "boolean") return { ok: true, value: given === true };
  if (given === undefined && spec.required) return { ok: false, problem: spec.missing ?? `Give \`--${name}\`${spec.placeholder ? ` <${spec.placeholder}>` : ""}.` };
  const value = typeof given === "string" ? given : spec.default;
  if (value === undefined) return { ok: true, value: undefined };
  if (spec.schema === undefined) return { ok: true, value };
  const result = spec.schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problem: issueMessage(result.error, value, spec.label ?? `value of \`--${name}\``) };
}

export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `a`, `b` or `c`. */
export function listOf(items: readonly string[], last = "or"): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${last} ${items.at(-1)}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
