/**
 * `aml approvals [endpoint]`: the requests waiting for approval, and `aml policy`: the rules that apply to the person
 * asking (their role, which changes need approval where, and which requests they may approve).
 */
import { approvalsOf } from "../approvals/approval-request.js";
import { describeRule, refusalToDecide } from "../approvals/approval-policy.js";
import { endpointArg, workspaceFlag } from "../common-flags.js";
import { isOneOf, roleOf } from "../policy.js";
import { channelReply, utcTimeOfDay } from "../replies.js";
import type { Section } from "../reply.js";
import { defineVerb } from "../verb-spec.js";

export const approvalsVerb = defineVerb({
  name: "approvals",
  group: "approvals",
  aliases: ["requests"],
  summary: "Changes waiting for approval, and whether you may approve them",
  examples: ["approvals", "approvals fraud-scorer"],
  role: "viewer",
  slow: true,
  positionals: [endpointArg],
  flags: { workspace: workspaceFlag },
  ackText: () => "⏳ Reading the requests waiting for approval…",
  async run(ctx, a) {
    const now = ctx.deps.clock.now();
    const waiting = (await ctx.deps.pending.listAwaitingApproval({ abortSignal: ctx.abortSignal })).filter(
      (c) => c.workspace === ctx.workspace.alias && c.expiresAt > now && (a.endpoint === undefined || c.endpoint === a.endpoint),
    );
    const scope = a.endpoint ? `${a.endpoint} · ${ctx.workspace.alias}` : ctx.workspace.alias;
    const sections: Section[] =
      waiting.length === 0
        ? [{ kind: "text", text: "Nothing is waiting for approval." }]
        : [
            // An entry per request, not a 6-column table, which a Teams card on a phone broke inside words (issue 14 §3).
            ...waiting.map((c): Section => {
              const request = c.approval!;
              const mine = approvalsOf(request).some((d) => d.by.toLowerCase() === `${ctx.invocation.actor.platform}:${ctx.invocation.actor.userId}`.toLowerCase());
              const you = mine ? "you approved" : refusalToDecide(ctx.invocation.actor, request) ? "you cannot approve" : "you may approve";
              const state = `${approvalsOf(request).length} of ${request.required} approvals · expires ${utcTimeOfDay(c.expiresAt)} · ${you}`;
              return { kind: "text", text: `\`${c.id}\` · *${request.preview.title}* · by ${request.requester.name}\n${state}` };
            }),
            { kind: "text", text: "Approve with the card's button or `aml approve <request>`; reject with `aml reject <request> <reason>`." },
          ];
    const reply = channelReply({ title: `Waiting for approval: ${scope}`, tone: "info", sections, visibility: "requester", summary: `${waiting.length} request(s) waiting for approval in ${scope}` });
    return { reply, audit: { outcome: "ok", ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}) } };
  },
});

export const policyVerb = defineVerb({
  name: "policy",
  group: "approvals",
  aliases: ["rules"],
  summary: "Your role, and which changes need approval where",
  examples: ["policy"],
  role: "viewer",
  slow: false,
  positionals: [],
  flags: {},
  async run(ctx) {
    const { actor } = ctx.invocation;
    const role = roleOf(actor, ctx.deps.policy) ?? "none";
    const rules = ctx.deps.policy.approvals ?? [];
    const sections: Section[] = [{ kind: "fields", fields: [{ label: "You", value: `${actor.platform}:${actor.userId}` }, { label: "Your role", value: role }] }];
    if (rules.length === 0) sections.push({ kind: "text", text: "No change needs approval: an operator's Apply applies it." });
    else {
      sections.push({
        kind: "table",
        columns: ["Rule", "Expires after", "You approve?"],
        rows: rules.map((rule) => {
          const approver = isOneOf(actor, rule.approvers);
          return [describeRule(rule), `${rule.expiresInMinutes ?? 60} min`, approver ? (rule.requesterCanApprove ? "yes" : "yes, not your own") : "no"];
        }),
      });
    }
    const reply = channelReply({ title: "Policy", tone: "info", sections, visibility: "requester", summary: `Your role: ${role}; ${rules.length} approval rule(s)` });
    return { reply, audit: { outcome: "ok" } };
  },
});
