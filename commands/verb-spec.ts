import type * as z from "zod";
import { camelCase, readArgs, type ActionArgsOf, type ActionSpec, type ArgsOf, type Grammar, type PositionalSpec, type TooMany } from "./parse/grammar.js";
import { actionUsage, synopsis, usageLines } from "./parse/grammar-usage.js";
import type { FlagSpecs, ParsedArgs } from "./parse/parse-args.js";
import type { Role } from "./policy.js";
import type { ChangeKind } from "./changes/change-kind.js";
import type { HelpGroup } from "./help-groups.js";
import type { VerbContext, VerbResult } from "./verb-context.js";

export type { AuditDetails, VerbContext, VerbResult } from "./verb-context.js";

/** A button pressed by typing it: `aml apply <id>` is the Apply button of preview `<id>`. */
export interface ButtonPress {
  readonly verb: string;
  readonly payloadId: string;
  /** What was typed into the button's text box (a rejection's reason). */
  readonly input?: string;
}

/** What a verb does: run against the ports, or (the typed form of a button) press a preview's button. */
export type Behaviour<A> =
  | {
      run(ctx: VerbContext, args: A): Promise<VerbResult>;
      /** How the changes this verb previews are applied (their Apply button, `--yes`, a resumed job). */
      readonly change?: ChangeKind;
      readonly button?: undefined;
    }
  | {
      /** The core hands the press to its button path, which checks roles and audits, instead of running a verb. */
      readonly button: (args: A) => ButtonPress;
      readonly run?: undefined;
      readonly change?: undefined;
    };

/** What every verb declares besides its grammar: its words, help, required role. */
export interface VerbCommon {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  /** The heading `aml help` lists it under; every listed verb of the bot has one (a test checks it). */
  readonly group?: HelpGroup;
  /** Help lines shown after the usage: how arguments may be written, what is inferred, what is not accepted. */
  readonly notes?: readonly string[];
  readonly examples: readonly string[];
  readonly role: Role;
  /** Help's "Needs role" line, when the role that counts is checked further in (per action, per change). */
  readonly roleNote?: string;
  /** Talks to Azure: chat bridges acknowledge at once and run it from the job queue. */
  readonly slow: boolean;
  /** Not listed by `aml help`, yet looked up and explained (`aml help apply`): the typed forms of buttons. */
  readonly hidden?: boolean;
  /**
   * Acts on no workspace (help): the core runs it without reading the channel's defaults (a storage round trip) and
   * audits it without a workspace; its context holds `--workspace`, else the default.
   */
  readonly noWorkspace?: boolean;
}

/** A verb with positionals: `scale [endpoint] <deployment> <instances>`. */
export type VerbDeclaration<P extends readonly PositionalSpec[], F extends FlagSpecs> = VerbCommon & {
  readonly positionals: P;
  readonly flags: F;
  /** Said when a required positional is absent and it has no `missing` of its own. */
  readonly missing?: string;
  readonly tooMany?: TooMany;
  /** A problem between the typed arguments (one needs another); undefined when there is none. */
  readonly check?: (args: ArgsOf<P, F>) => string | undefined;
  /** The immediate "working on it" line shown while a slow verb runs. */
  readonly ackText?: (args: ArgsOf<P, F>) => string;
} & Behaviour<ArgsOf<P, F>>;

/** A verb with sub-verbs (`alerts bind <workspace>`, `alerts list`): one grammar per action. */
export type ActionVerbDeclaration<Acts extends Readonly<Record<string, ActionSpec>>, F extends FlagSpecs> = VerbCommon & {
  readonly actions: Acts;
  /** Flags every action takes. */
  readonly flags: F;
  readonly ackText?: (args: ActionArgsOf<Acts, F>) => string;
} & Behaviour<ActionArgsOf<Acts, F>>;

/**
 * A verb whose words a zod schema reads by hand, with a usage written by hand. Kept for stand-in verbs in tests of
 * other layers; the verbs of `commands/verbs/` declare their grammar (a test checks it).
 */
export type HandParsedVerbDeclaration<A> = VerbCommon & {
  readonly usage: string;
  readonly flags: FlagSpecs;
  readonly args: z.ZodType<A, ParsedArgs>;
  readonly ackText?: (args: A) => string;
} & Behaviour<A>;

/** A verb as the table holds it: the declaration with its usage and reader generated from the grammar. */
export type VerbSpec<A = unknown> = VerbCommon & {
  readonly hidden: boolean;
  /** e.g. `traffic [endpoint] <deployment>=<percent>... [--yes] [--dry-run]`; a verb's actions joined by ` | `. */
  readonly usage: string;
  /** One usage line per action, or the verb's one line. */
  readonly usageLines: readonly string[];
  /** The short form `aml help` lists, without optional flags: `traffic [endpoint] <deployment>=<percent>...`. */
  readonly synopsis: string;
  readonly grammar: Grammar;
  /** Every flag the verb's words may carry, whichever the action. */
  readonly flags: FlagSpecs;
  /** From parsed words to the typed arguments, or a problem (with the usage of the action it concerns). */
  read(input: ParsedArgs): { readonly ok: true; readonly args: A } | { readonly ok: false; readonly problem: string; readonly usage?: string };
  readonly ackText?: (args: A) => string;
  /** False for stand-ins whose words are read by hand. */
  readonly declared: boolean;
} & Behaviour<A>;

/** Erases a verb's argument type so verbs of different shapes share one table. */
export type AnyVerb = VerbSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineVerb<const Acts extends Readonly<Record<string, ActionSpec>>, const F extends FlagSpecs>(spec: ActionVerbDeclaration<Acts, F>): AnyVerb;
export function defineVerb<const P extends readonly PositionalSpec[], const F extends FlagSpecs>(spec: VerbDeclaration<P, F>): AnyVerb;
export function defineVerb<A>(spec: HandParsedVerbDeclaration<A>): AnyVerb;
export function defineVerb(spec: DeclarationShape): AnyVerb {
  if ("args" in spec && spec.args !== undefined) {
    const { args, ...rest } = spec;
    const grammar: Grammar = { verb: spec.name, positionals: [], flags: spec.flags };
    return {
      ...rest,
      hidden: spec.hidden === true,
      usageLines: [spec.usage],
      synopsis: spec.usage,
      grammar,
      declared: false,
      read(input) {
        const result = args.safeParse(input);
        return result.success ? { ok: true, args: result.data } : { ok: false, problem: result.error.issues.map((i) => i.message).join(" ") };
      },
    } as AnyVerb;
  }
  const grammar: Grammar = {
    verb: spec.name,
    positionals: spec.positionals ?? [],
    flags: spec.flags,
    ...(spec.actions ? { actions: spec.actions } : {}),
    ...(spec.missing !== undefined ? { missing: spec.missing } : {}),
    ...(spec.tooMany !== undefined ? { tooMany: spec.tooMany } : {}),
    ...(spec.check ? { check: spec.check } : {}),
  };
  checkGrammar(grammar);
  const lines = usageLines(grammar);
  const flags = Object.assign({}, spec.flags, ...Object.values(spec.actions ?? {}).map((a) => a.flags ?? {})) as FlagSpecs;
  const read = (input: ParsedArgs) => {
    const result = readArgs(grammar, input);
    return result.ok || result.action === undefined ? result : { ok: false, problem: result.problem, usage: actionUsage(grammar, result.action) };
  };
  return { ...spec, hidden: spec.hidden === true, usage: lines.join(" | "), usageLines: lines, synopsis: synopsis(grammar), grammar, flags, declared: true, read } as AnyVerb;
}

/** The loose shape the overloads share, for the implementation. */
type DeclarationShape = VerbCommon & {
  readonly flags: FlagSpecs;
  readonly positionals?: readonly PositionalSpec[];
  readonly actions?: Readonly<Record<string, ActionSpec>>;
  readonly missing?: string;
  readonly tooMany?: TooMany;
  readonly check?: (args: never) => string | undefined;
  readonly usage?: string;
  readonly args?: z.ZodType<unknown, ParsedArgs>;
} & Behaviour<never>;

/** Mistakes in a declaration are programming errors, refused when the verb is defined. */
function checkGrammar(grammar: Grammar): void {
  const forms = grammar.actions ? Object.entries(grammar.actions).map(([name, a]) => ({ where: `${grammar.verb} ${name}`, positionals: a.positionals ?? [], flags: { ...grammar.flags, ...a.flags } })) : [{ where: grammar.verb, positionals: grammar.positionals, flags: grammar.flags }];
  for (const { where, positionals, flags } of forms) {
    const names = new Set<string>();
    for (const [i, p] of positionals.entries()) {
      if (names.has(p.name)) throw new Error(`Positional "${p.name}" of "${where}" is declared twice.`);
      names.add(p.name);
      if ((p.variadic || p.kind === "assignments") && i !== positionals.length - 1) throw new Error(`Positional "${p.name}" of "${where}" takes several words and must come last.`);
    }
    for (const [name, flag] of Object.entries(flags)) {
      if (names.has(camelCase(name)) || camelCase(name) === "action") throw new Error(`Flag "--${name}" of "${where}" has the key of another argument.`);
      if (flag.excludes !== undefined && !(flag.excludes in flags)) throw new Error(`Flag "--${name}" of "${where}" excludes an undeclared "--${flag.excludes}".`);
      if (flag.type === "boolean" && (flag.schema || flag.default !== undefined || flag.required)) throw new Error(`Boolean flag "--${name}" of "${where}" takes no value.`);
    }
  }
}
