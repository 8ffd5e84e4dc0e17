import type * as z from "zod";

/**
 * How a positional reads its words. `word`: one word (every word left when variadic) through `schema`.
 * `assignments`: `deployment=percent` pairs, one or more (or one of `off`). `json`: a JSON body, which the tokenizer
 * keeps whole to its closing bracket. `payload`: a JSON body or `@sample`. The last three claim words of their shape:
 * an optional positional before them leaves such words to them.
 */
export type PositionalKind = "word" | "assignments" | "json" | "payload";

export interface PositionalSpec {
  /** The argument's key in the verb's typed arguments. */
  readonly name: string;
  readonly kind?: PositionalKind;
  /** For help. */
  readonly description: string;
  readonly optional?: boolean;
  /** `word`: takes the words left (one at least, unless optional). */
  readonly variadic?: boolean;
  /** `word`: from the word to the value (the word as typed without it). A custom issue's message is shown as it is. */
  readonly schema?: z.ZodType<unknown, string>;
  /** `word`: words of this shape are meant for this positional. */
  readonly claims?: (word: string) => boolean;
  /** `json`: how messages name the body, from the arguments read before it ("Sample `@small`"). */
  readonly what?: (args: Readonly<Record<string, unknown>>) => string;
  /** `assignments`: words that mean no pair at all (`off`), given alone. */
  readonly off?: readonly string[];
  /** Usage writes `<placeholder>` (`[placeholder]` when optional); the name by default. */
  readonly placeholder?: string;
  /** Usage writes this instead, e.g. `<deployment>=<percent> | off`. */
  readonly usage?: string;
  /** What a wrong value is, in messages: "`x_y` is not a valid endpoint name." */
  readonly label?: string;
  /** Said when it is required and absent. */
  readonly missing?: string;
  /** Said instead of the generic message when the schema refuses the word (not for custom issues). */
  readonly invalid?: (word: string) => string;
}
