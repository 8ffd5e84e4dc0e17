/** `aml freezes`: the change freezes in force and to come, made in chat or weekly from the config file. */
import { describeAt, freezeWindows, scopeOf } from "../freeze/freeze-windows.js";
import { channelReply } from "../replies.js";
import type { Section } from "../reply.js";
import { defineVerb } from "../verb-spec.js";

export const freezesVerb = defineVerb({
  name: "freezes",
  group: "approvals",
  aliases: [],
  summary: "Change freezes in force and to come, with who set them and why",
  examples: ["freezes"],
  role: "viewer",
  slow: true,
  positionals: [],
  flags: {},
  tooMany: "`aml freezes` takes no arguments: it lists every workspace's freezes.",
  ackText: () => "⏳ Reading the change freezes…",
  async run(ctx) {
    const now = ctx.deps.clock.now();
    const windows = await freezeWindows(ctx.deps, now, { abortSignal: ctx.abortSignal });
    const active = windows.filter((w) => w.active).length;
    const sections: Section[] =
      windows.length === 0
        ? [{ kind: "text", text: "No change freeze is in force or planned." }]
        : [
            // An entry per window, not a 6-column table, which a Teams card on a phone broke inside words (issue 14 §3).
            ...windows.map((w): Section => {
              const status = w.active ? "in force" : w.recurring ? "next" : "planned";
              const by = w.recurring ? `${w.by}, ${w.recurring}` : w.by;
              return { kind: "text", text: `*${scopeOf(w)}* · ${status} · set by ${by}\n${describeAt(w.from, w.timeZone)} → ${describeAt(w.until, w.timeZone)}: ${w.reason}` };
            }),
            { kind: "text", text: 'While a freeze is in force, changes are refused; an admin may pass `--override "<reason>"` (audited). `aml unfreeze <workspace|endpoint>` ends one made in chat.' },
          ];
    const reply = channelReply({ title: "Change freezes", tone: active ? "warning" : "info", sections, visibility: "requester", summary: `${active} freeze(s) in force, ${windows.length - active} to come` });
    return { reply, audit: { outcome: "ok" } };
  },
});
