/** `aml unfreeze <workspace|endpoint>`: ends the freezes made in chat on exactly that workspace or endpoint (admin). */
import { workspaceFlag } from "../common-flags.js";
import { freezeTargetArg, resolveFreezeTarget } from "../freeze/freeze-target.js";
import { covers, describeFreeze, freezeWindows } from "../freeze/freeze-windows.js";
import { channelReply, problemReply } from "../replies.js";
import { defineVerb } from "../verb-spec.js";

export const unfreezeVerb = defineVerb({
  name: "unfreeze",
  group: "approvals",
  aliases: ["thaw"],
  summary: "End the freezes made in chat on a workspace or an endpoint",
  notes: ["A workspace's freeze is ended by naming the workspace; the config file's weekly freezes stay (an admin may `--override` them)."],
  examples: ["unfreeze demo", "unfreeze fraud-scorer"],
  role: "admin",
  slow: true,
  positionals: [freezeTargetArg],
  flags: { workspace: workspaceFlag },
  tooMany: "Name one workspace or endpoint.",
  ackText: (a) => `⏳ Unfreezing ${a.target}…`,
  async run(ctx, a) {
    const now = ctx.deps.clock.now();
    const target = await resolveFreezeTarget(ctx, a.target);
    if (!target.ok) return target.result;
    const { workspace, endpoint, scope, audited } = target.value;
    const options = { abortSignal: ctx.abortSignal };
    // Ended ones go too: they no longer matter, and nothing else removes them.
    const mine = (await ctx.deps.freezes.list({ workspace: workspace.alias, ...options })).filter((f) => f.endpoint?.toLowerCase() === endpoint?.toLowerCase());
    for (const freeze of mine) await ctx.deps.freezes.remove(workspace.alias, freeze.id, options);
    const ended = mine.filter((f) => f.until > now);

    const still = (await freezeWindows(ctx.deps, now, { workspace: workspace.alias, ...options })).filter((w) => w.active && (endpoint === undefined ? w.endpoints === undefined : covers(w, workspace.alias, endpoint)));
    const remaining = still.length ? [`Still in force: ${still.map(describeFreeze).join(" ")}`] : [];
    if (ended.length === 0) {
      const reply = problemReply("Nothing to unfreeze", [`No freeze made in chat is set on ${scope}.`, ...remaining], "`aml freezes` lists the freezes and what they cover.");
      return { reply: { ...reply, tone: "info" }, audit: { ...audited, outcome: "ok", detail: "nothing to unfreeze" } };
    }
    const reply = channelReply({
      title: `Unfrozen: ${scope}`,
      tone: still.length ? "warning" : "success",
      sections: [{ kind: "text", text: `Ended ${ended.length === 1 ? "the freeze" : `${ended.length} freezes`} set by ${[...new Set(ended.map((f) => f.by))].join(", ")} (${ended.map((f) => f.reason).join("; ")}).` }, ...remaining.map((text) => ({ kind: "text" as const, text }))],
      summary: `Unfrozen: ${scope}`,
    });
    return { reply, audit: { ...audited, outcome: "ok", detail: `ended ${ended.length} freeze(s)${still.length ? `; ${still.length} still in force` : ""}` } };
  },
});
