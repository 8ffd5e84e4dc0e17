/**
 * What each kind of positional does with its words: which words it claims, whether it takes several, and how it
 * reads them. The special grammars live here, once: `deployment=percent` pairs, JSON bodies, `@sample`.
 */
import * as z from "zod";
import { readJsonBody } from "../scoring/json-input.js";
import { parsePayloadWord } from "../scoring/payload.js";
import { isAssignment, parseAssignments } from "./assignments.js";
import type { PositionalKind, PositionalSpec } from "./positional-spec.js";

type Read = { ok: true; value: unknown } | { ok: false; problem: string };

export interface KindRules {
  /** Words of this kind's shape; undefined when any word may be meant for it. */
  readonly claims?: (spec: PositionalSpec, word: string) => boolean;
  variadic(spec: PositionalSpec): boolean;
  /** `before`: the arguments read from the positionals before this one. */
  read(spec: PositionalSpec, words: readonly string[], before: Readonly<Record<string, unknown>>): Read;
}

const bodyShape = (word: string): boolean => word.startsWith("{") || word.startsWith("[");

const KINDS: Record<PositionalKind, KindRules> = {
  word: {
    variadic: (spec) => spec.variadic === true,
    read(spec, words) {
      const schema = spec.schema ?? z.string();
      const values: unknown[] = [];
      for (const word of words) {
        const result = schema.safeParse(word);
        if (!result.success) return { ok: false, problem: issueMessage(result.error, word, spec.label ?? spec.name, spec.invalid) };
        values.push(result.data);
      }
      return { ok: true, value: spec.variadic ? values : values[0] };
    },
  },
  assignments: {
    claims: (spec, word) => isAssignment(word) || (spec.off ?? []).includes(word.toLowerCase()),
    variadic: () => true,
    read(spec, words) {
      const off = words.filter((w) => (spec.off ?? []).includes(w.toLowerCase()));
      if (off.length > 0) return off.length === 1 && words.length === 1 ? { ok: true, value: {} } : { ok: false, problem: spec.missing ?? `\`${off[0]}\` stands alone.` };
      const parsed = parseAssignments(words);
      return parsed.ok ? { ok: true, value: parsed.split } : { ok: false, problem: parsed.message };
    },
  },
  json: {
    claims: (_spec, word) => bodyShape(word),
    variadic: () => false,
    read(spec, [word], before) {
      const body = readJsonBody(word!, spec.what?.(before));
      return body.ok ? { ok: true, value: body.value } : { ok: false, problem: body.problem };
    },
  },
  payload: {
    claims: (_spec, word) => bodyShape(word) || word.startsWith("@"),
    variadic: () => false,
    read(_spec, [word]) {
      const payload = parsePayloadWord(word!);
      return payload.ok ? { ok: true, value: payload.payload } : { ok: false, problem: payload.problem };
    },
  },
};

/** A custom issue is a sentence written for the user; any other is framed with the value and what it should be. */
export function issueMessage(error: z.ZodError, word: string, label: string, invalid?: (word: string) => string): string {
  const issue = error.issues[0];
  if (issue?.code === "custom") return issue.message;
  if (invalid) return invalid(word);
  return `\`${word}\` is not a valid ${label}.${issue?.message ? ` ${issue.message}` : ""}`;
}

export function kindOf(spec: PositionalSpec): KindRules {
  const rules = KINDS[spec.kind ?? "word"];
  if (spec.kind === undefined || spec.kind === "word") {
    return spec.claims ? { ...rules, claims: (_s, word) => spec.claims!(word) } : rules;
  }
  return rules;
}
