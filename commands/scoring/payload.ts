/**
 * The request body of `aml invoke` / `aml curl`: JSON typed in the command, or `@name`, a sample saved for
 * the endpoint with `aml sample save`. Inline JSON is checked while the command is parsed (no I/O), so a
 * typo is answered at once; a sample is read when the verb runs.
 */
import * as z from "zod";
import { problemReply } from "../replies.js";
import type { Resolved, TargetContext } from "../target-resolver.js";
import { readJsonBody } from "./json-input.js";

export const SAMPLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const sampleName = z.string().regex(SAMPLE_NAME, "Sample names are 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.");

export type PayloadArg =
  | { readonly kind: "inline"; readonly value: unknown; readonly bytes: number }
  | { readonly kind: "sample"; readonly name: string };

export interface Payload {
  readonly body: unknown;
  readonly bytes: number;
  /** Set when the body came from a saved sample. */
  readonly sample?: string;
}

export function parsePayloadWord(word: string): { ok: true; payload: PayloadArg } | { ok: false; problem: string } {
  if (word.startsWith("@")) {
    const name = word.slice(1);
    const check = sampleName.safeParse(name);
    return check.success ? { ok: true, payload: { kind: "sample", name } } : { ok: false, problem: `\`${word}\`: ${check.error.issues[0]?.message}` };
  }
  const body = readJsonBody(word);
  return body.ok ? { ok: true, payload: { kind: "inline", value: body.value, bytes: body.bytes } } : { ok: false, problem: body.problem };
}

export async function resolvePayload(ctx: TargetContext, endpoint: string, arg: PayloadArg): Promise<Resolved<Payload>> {
  if (arg.kind === "inline") return { ok: true, value: { body: arg.value, bytes: arg.bytes } };
  const options = { abortSignal: ctx.abortSignal };
  const sample = await ctx.deps.samples.get(ctx.workspace.alias, endpoint, arg.name, options);
  if (sample === undefined) {
    const saved = await ctx.deps.samples.list(ctx.workspace.alias, endpoint, options);
    const known = saved.length ? `Saved for \`${endpoint}\`: ${saved.map((s) => `\`@${s.name}\``).join(", ")}.` : `No samples are saved for \`${endpoint}\` yet.`;
    return {
      ok: false,
      reply: problemReply("Sample not found", [`There is no sample \`@${arg.name}\` for \`${endpoint}\`. ${known}`], `Save one with \`aml sample save ${endpoint} ${arg.name} <json>\`.`),
    };
  }
  const body = readJsonBody(sample.body, `Sample \`@${sample.name}\``);
  if (!body.ok) return { ok: false, reply: problemReply("Sample cannot be sent", [body.problem], `Save it again with \`aml sample save ${endpoint} ${sample.name} <json>\`.`) };
  return { ok: true, value: { body: body.value, bytes: body.bytes, sample: sample.name } };
}
