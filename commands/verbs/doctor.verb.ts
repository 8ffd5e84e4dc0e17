import { runDoctor } from "../doctor/doctor-checks.js";
import { doctorReply } from "../doctor/doctor-reply.js";
import { defineVerb } from "../verb-spec.js";

/**
 * `aml doctor`: what is misconfigured in the bot's own set-up, and how to fix it, as a checklist (after
 * `flutter doctor`). Admin only: the findings name settings, ids and permissions.
 */
export const doctorVerb = defineVerb({
  name: "doctor",
  aliases: [],
  group: "settings",
  summary: "Check the bot's set-up (config, identity, permissions, storage, Slack, Teams) and say how to fix it",
  notes: [
    "Checks every workspace the config names: that it resolves, that the bot's identity holds every action it needs there (ARM's permissions API), that its metrics can be read.",
    "Also on the terminal: `npm run aml -- doctor`.",
  ],
  examples: ["doctor"],
  role: "admin",
  slow: true,
  noWorkspace: true,
  positionals: [],
  flags: {},
  ackText: () => "⏳ Checking the bot's set-up…",
  async run(ctx) {
    const checks = await runDoctor(ctx.deps, ctx.abortSignal ? { abortSignal: ctx.abortSignal } : {});
    const failing = checks.filter((c) => c.status === "fail");
    return { reply: doctorReply(checks), audit: { outcome: "ok", detail: failing.length === 0 ? "all green" : `failing: ${failing.map((c) => `${c.group} ${c.name}`).join(", ")}` } };
  },
});
