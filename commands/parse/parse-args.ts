import type * as z from "zod";

/**
 * A flag a verb accepts, declared once: the parser, the usage line and the help read it. Every flag takes a value
 * unless it is boolean.
 */
export interface FlagSpec {
  readonly type: "boolean" | "string";
  readonly short?: string;
  readonly description: string;
  /** Shown in usage for string flags: `--since <duration>`. */
  readonly placeholder?: string;
  /** From the value to the typed argument. A custom issue's message is shown as it is; others name the value. */
  readonly schema?: z.ZodType<unknown, string>;
  /** Read as if this value were given when the flag is absent. */
  readonly default?: string;
  /** The flag must be given; `missing` says so. */
  readonly required?: boolean;
  readonly missing?: string;
  /** What a wrong value is, in messages: "`gr@en` is not a valid deployment name". */
  readonly label?: string;
  /** A next word of this shape completes the value, unless it has one already: `--every weekday 09:00` unquoted. */
  readonly continues?: RegExp;
  /** Usage shows the value quoted (`--every "<schedule>"`): it has spaces. */
  readonly quoted?: boolean;
  /** Another flag this one cannot be given with; usage shows them as alternatives. */
  readonly excludes?: string;
  /** Whether the usage line shows it (default true); help always lists it. */
  readonly inUsage?: boolean;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, string | boolean>>;
}

export type ParseArgsResult = { ok: true; args: ParsedArgs } | { ok: false; message: string };

/** `--name value`, `--name=value`, `-x value`, boolean `--yes`; `--` ends the options. */
export function parseArgs(words: readonly string[], specs: FlagSpecs): ParseArgsResult {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  const byShort = new Map(Object.entries(specs).flatMap(([name, spec]) => (spec.short ? [[spec.short, name]] : [])));
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--") {
      positionals.push(...words.slice(i + 1));
      break;
    }
    // A lone "-", or a negative number, is a value rather than an option.
    if (!word.startsWith("-") || word === "-" || /^-\d/.test(word)) {
      positionals.push(word);
      continue;
    }
    const [rawName, inlineValue] = splitOnce(word.replace(/^--?/, ""), "=");
    // Chat clients turn "--" into an en or em dash as people type.
    const name = word.startsWith("--") ? rawName : (byShort.get(rawName) ?? rawName);
    const spec = specs[name];
    if (!spec) return { ok: false, message: `Unknown option \`${word.split("=")[0]}\`.` };
    if (spec.type === "boolean") {
      if (inlineValue !== undefined && !["true", "false"].includes(inlineValue)) {
        return { ok: false, message: `Option \`--${name}\` takes no value.` };
      }
      flags[name] = inlineValue !== "false";
      continue;
    }
    const value = inlineValue ?? words[i + 1];
    if (value === undefined || (inlineValue === undefined && value.startsWith("--"))) {
      return { ok: false, message: `Option \`--${name}\` needs a value${spec.placeholder ? ` (${spec.placeholder})` : ""}.` };
    }
    if (inlineValue === undefined) i++;
    const next = words[i + 1];
    if (spec.continues && next !== undefined && spec.continues.test(next) && !value.split(/\s+/).some((w) => spec.continues!.test(w))) {
      flags[name] = `${value} ${next}`;
      i++;
      continue;
    }
    flags[name] = value;
  }
  return { ok: true, args: { positionals, flags } };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Normalises the dashes chat clients substitute for `--` and `-` in options. */
export function normaliseDashes(line: string): string {
  return line.replace(/(^|\s)[\u2013\u2014](?=\S)/g, "$1--").replace(/(^|\s)\u2212(?=\S)/g, "$1-");
}
