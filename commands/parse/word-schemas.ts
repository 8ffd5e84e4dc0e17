/** Schemas for words that several grammars read, with messages that name the word typed. */
import * as z from "zod";
import { refuse } from "./refuse.js";

/** A whole number in `[min, max]`; `message` says what is wrong with any other word. */
export function wholeNumber(min: number, max: number, message: (word: string) => string) {
  return z.string().transform((word, ctx) => {
    const n = Number(word);
    if (!/^\d+$/.test(word) || n < min || n > max) return refuse(ctx, message(word));
    return n;
  });
}
