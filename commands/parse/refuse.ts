import * as z from "zod";

/** Ends a verb's argument transform with a message for the user (shown with the verb's usage). */
export function refuse(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}
