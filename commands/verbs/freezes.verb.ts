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
            {
              kind: "table",
              columns: ["Scope", "Status", "From", "Until", "Set by", "Reason"],
              rows: windows.map((w) => [
                scopeOf(w),
                w.active ? "in force" : w.recurring ? "next" : "planned",
                describeAt(w.from, w.timeZone),
                describeAt(w.until, w.timeZone),
                w.recurring ? `${w.by}, ${w.recurring}` : w.by,
                w.reason,
              ]),
            },
            { kind: "text", text: 'While a freeze is in force, changes are refused; an admin may pass `--override "<reason>"` (audited). `aml unfreeze <workspace|endpoint>` ends one made in chat.' },
          ];
    const reply = channelReply({ title: "Change freezes", tone: active ? "warning" : "info", sections, visibility: "requester", summary: `${active} freeze(s) in force, ${windows.length - active} to come` });
    return { reply, audit: { outcome: "ok" } };
  },
});
