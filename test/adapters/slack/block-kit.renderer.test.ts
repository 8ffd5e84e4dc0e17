import type { KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import type { Button, Reply } from "../../../commands/reply.js";
import { renderBlockKit, SLACK_LIMITS, type SlackMessage } from "../../../adapters/slack/block-kit.renderer.js";
import { tableLines, width } from "../../../adapters/slack/block-kit.text.js";
import { replies, replyEntries } from "../fixtures/replies.js";

/** Pastes into Block Kit Builder: `blocks` first, then the other fields. */
function golden(message: SlackMessage): string {
  const { blocks, ...rest } = message;
  return `${JSON.stringify({ blocks, ...rest }, null, 2)}\n`;
}

const KNOWN_BLOCKS = new Set(["header", "section", "divider", "image", "input", "actions", "context"]);

/** Every rule Slack enforces on what this renderer emits; returns the violations. */
function violations(message: SlackMessage): string[] {
  const out: string[] = [];
  const { blocks } = message;
  if (blocks.length > SLACK_LIMITS.blocksPerMessage) out.push(`${blocks.length} blocks`);
  let total = 0;
  const inputIds = new Set<string>();
  const count = (text: string, max: number, where: string): void => {
    total += text.length;
    if (text.length === 0) out.push(`${where}: empty text`);
    if (text.length > max) out.push(`${where}: ${text.length} > ${max} characters`);
  };
  blocks.forEach((block: KnownBlock, i) => {
    const at = `block ${i} (${block.type})`;
    if (!KNOWN_BLOCKS.has(block.type)) out.push(`${at}: unknown type`);
    switch (block.type) {
      case "header":
        count(block.text.text, SLACK_LIMITS.headerText, at);
        break;
      case "section":
        if (!block.text && !block.fields) out.push(`${at}: neither text nor fields`);
        if (block.text) count(block.text.text, SLACK_LIMITS.sectionText, at);
        if (block.fields) {
          if (block.fields.length > SLACK_LIMITS.fieldsPerSection) out.push(`${at}: ${block.fields.length} fields`);
          block.fields.forEach((f, j) => count(f.text, SLACK_LIMITS.fieldText, `${at} field ${j}`));
        }
        break;
      case "actions": {
        if (block.elements.length > SLACK_LIMITS.elementsPerActionsBlock) out.push(`${at}: ${block.elements.length} elements`);
        const ids = new Set<string>();
        for (const element of block.elements) {
          if (element.type !== "button") {
            out.push(`${at}: ${element.type}`);
            continue;
          }
          count(element.text.text, SLACK_LIMITS.buttonText, `${at} button`);
          if (!element.action_id || ids.has(element.action_id)) out.push(`${at}: action_id ${element.action_id} missing or repeated`);
          ids.add(element.action_id ?? "");
          if ((element.value ?? "").length > 2000) out.push(`${at}: value too long`);
          if (element.confirm) {
            if ((element.confirm.title?.text.length ?? 0) > SLACK_LIMITS.confirmTitle) out.push(`${at}: confirm title`);
            if (element.confirm.text.text.length > SLACK_LIMITS.confirmText) out.push(`${at}: confirm text`);
            if ((element.confirm.confirm?.text.length ?? 0) > SLACK_LIMITS.confirmButton) out.push(`${at}: confirm button`);
            if ((element.confirm.deny?.text.length ?? 0) > SLACK_LIMITS.confirmButton) out.push(`${at}: deny button`);
          }
        }
        break;
      }
      case "context":
        if (block.elements.length > SLACK_LIMITS.contextElements) out.push(`${at}: ${block.elements.length} elements`);
        for (const e of block.elements) if ("text" in e) count(e.text, SLACK_LIMITS.contextText, at);
        break;
      case "image":
        if (block.alt_text.length > SLACK_LIMITS.imageText) out.push(`${at}: alt_text`);
        total += block.alt_text.length;
        break;
      case "input": {
        count(block.label.text, SLACK_LIMITS.inputLabel, `${at} label`);
        if (!block.block_id || block.block_id.length > 255 || inputIds.has(block.block_id)) out.push(`${at}: block_id ${block.block_id} missing, too long or repeated`);
        inputIds.add(block.block_id ?? "");
        if (block.element.type !== "plain_text_input") out.push(`${at}: ${block.element.type}`);
        else if (block.element.placeholder) count(block.element.placeholder.text, SLACK_LIMITS.inputPlaceholder, `${at} placeholder`);
        if (!["input", "actions"].includes(blocks[i + 1]?.type ?? "")) out.push(`${at}: not followed by the buttons`);
        break;
      }
    }
  });
  if (total > SLACK_LIMITS.totalText) out.push(`${total} characters of text in blocks`);
  if (message.text.length > SLACK_LIMITS.fallbackText) out.push("fallback text too long");
  return out;
}

/** Every mrkdwn string in the message (where Slack parses `<…>` and `&…;`). */
function mrkdwnTexts(message: SlackMessage): string[] {
  const out: string[] = [message.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (record.type === "mrkdwn" && typeof record.text === "string") out.push(record.text);
      Object.values(record).forEach(walk);
    }
  };
  walk(message.blocks);
  return out;
}

function slackButtons(message: SlackMessage): { verb: string; payloadId: string; label: string }[] {
  return message.blocks.flatMap((b) =>
    b.type === "actions" ? b.elements.flatMap((e) => (e.type === "button" ? [{ verb: e.action_id ?? "", payloadId: e.value ?? "", label: e.text.text }] : [])) : [],
  );
}

describe("renderBlockKit goldens", () => {
  it.each(replyEntries)("%s", async (name, reply) => {
    await expect(golden(renderBlockKit(reply))).toMatchFileSnapshot(`./__golden__/${name}.json`);
  });
});

describe("renderBlockKit limits", () => {
  it.each(replyEntries)("%s stays within Slack's limits", (_name, reply) => {
    expect(violations(renderBlockKit(reply))).toEqual([]);
  });

  it("the limit checker is not vacuous", () => {
    const bad: SlackMessage = {
      text: "x",
      response_type: "in_channel",
      replace_original: false,
      blocks: Array.from({ length: 51 }, () => ({ type: "section", text: { type: "mrkdwn", text: "y".repeat(3001) } })),
    };
    const found = violations(bad);
    expect(found).toContain("51 blocks");
    expect(found.some((v) => v.includes("3001 > 3000"))).toBe(true);
    expect(found.some((v) => v.includes("characters of text in blocks"))).toBe(true);
  });

  it("cuts more than 50 blocks, keeps buttons and context, and reports overflow", () => {
    const out = renderBlockKit(replies["many-sections"]);
    expect(out.blocks.length).toBeLessThanOrEqual(50);
    expect(out.blocks.at(-1)?.type).toBe("context");
    expect(out.blocks.at(-2)?.type).toBe("actions");
    const notice = out.blocks.at(-3);
    expect(notice?.type === "section" && notice.text?.text).toMatch(/^_…truncated \(\d+ more sections\)_$/);
    const shown = out.blocks.filter((b) => b.type === "section").length - 1;
    expect(notice?.type === "section" && notice.text?.text).toContain(`(${60 - shown} more sections)`);
    expect(out.overflow?.filename).toBe("audit-trail-of-churn-prod.txt");
    for (let i = 1; i <= 60; i++) expect(out.overflow?.text).toContain(`${String(i).padStart(2, "0")}. traffic change`);
  });

  it("cuts a section over 3000 characters by whole lines and keeps the full text for upload", () => {
    const reply = replies["long-text"];
    const out = renderBlockKit(reply);
    const sections = out.blocks.filter((b) => b.type === "section");
    expect(sections).toHaveLength(2);
    for (const s of sections) {
      expect(s.type === "section" && s.text?.text.length).toBeLessThanOrEqual(3000);
      expect(s.type === "section" && s.text?.text).toMatch(/\n_…truncated \(\d+ more lines\)_$/);
    }
    const code = sections[1];
    expect(code?.type === "section" && code.text?.text).toMatch(/^```\n[^]*\n```\n_…truncated/);
    expect(out.overflow?.cuts).toHaveLength(2);
    const section = reply.sections[1];
    expect(section?.kind).toBe("code");
    if (section?.kind === "code") expect(out.overflow?.text).toContain(section.text);
  });

  it("keeps the whole message under the cumulative text budget", () => {
    const out = renderBlockKit(replies.heavy);
    expect(violations(out)).toEqual([]);
    expect(out.overflow?.cuts.some((c) => c.includes("message budget"))).toBe(true);
    expect(JSON.stringify(out.blocks)).toContain("…truncated (");
  });

  it("splits fields 10 per section without overflow", () => {
    const out = renderBlockKit(replies["many-fields"]);
    const counts = out.blocks.flatMap((b) => (b.type === "section" && b.fields ? [b.fields.length] : []));
    expect(counts).toEqual([10, 10, 3]);
    expect(out.overflow).toBeUndefined();
  });

  it("drops buttons beyond 5 actions blocks and says so", () => {
    const buttons: Button[] = Array.from({ length: 130 }, (_, i) => ({ label: `B${i}`, verb: `v${i}`, payloadId: `p${i}` }));
    const out = renderBlockKit({ sections: [{ kind: "text", text: "x" }], buttons, visibility: "channel", mode: "new", summary: "s" });
    expect(violations(out)).toEqual([]);
    expect(out.blocks.filter((b) => b.type === "actions")).toHaveLength(5);
    expect(slackButtons(out)).toHaveLength(125);
    expect(JSON.stringify(out.blocks)).toContain("…truncated (5 more buttons)");
    expect(out.overflow?.cuts).toEqual(["5 buttons over 5 actions blocks"]);
  });

  it("leaves the overflow file out when asked (an ack cannot carry one) and renders the same blocks", () => {
    for (const name of ["many-sections", "long-text", "heavy"] as const) {
      const full = renderBlockKit(replies[name]);
      const ack = renderBlockKit(replies[name], { overflowFile: false });
      expect(full.overflow, name).toBeDefined();
      expect(ack.overflow, name).toBeUndefined();
      expect(ack, name).toEqual({ ...full, overflow: undefined });
    }
  });

  it("does not report overflow when nothing was cut", () => {
    for (const name of ["shift-traffic", "traffic-applied", "endpoint-status", "failure", "approvals", "untrusted-text"] as const) {
      expect(renderBlockKit(replies[name]).overflow, name).toBeUndefined();
    }
  });
});

describe("renderBlockKit escaping", () => {
  it("escapes &, < and > in every mrkdwn text", () => {
    const out = renderBlockKit(replies["untrusted-text"]);
    for (const text of mrkdwnTexts(out)) {
      expect(text).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    const json = JSON.stringify(out);
    expect(json).toContain("&lt;!channel&gt; &lt;@U012AB3CD&gt; &lt;https://evil.example|click me&gt; &amp; &lt;script&gt;");
    expect(json).toContain("&lt;!here&gt; &amp; co");
    expect(json).toContain("Open &lt;!everyone&gt;?");
    expect(json).toContain("by &lt;@U999&gt; &amp; friends");
  });

  it("keeps code fences closed whatever the code contains", () => {
    const out = renderBlockKit(replies["untrusted-text"]);
    for (const text of mrkdwnTexts(out)) expect((text.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it("leaves the light markdown as Slack mrkdwn", () => {
    const out = renderBlockKit(replies["shift-traffic"]);
    expect(out.blocks[1]).toEqual({ type: "section", text: { type: "mrkdwn", text: "Move *20 %* of traffic from `blue` to `green` on endpoint _churn-prod_." } });
  });
});

describe("renderBlockKit delivery fields", () => {
  it("maps visibility, mode and thread", () => {
    const ask = renderBlockKit(replies["shift-traffic"]);
    expect([ask.response_type, ask.replace_original, ask.thread_key]).toEqual(["ephemeral", false, undefined]);
    expect("thread_key" in ask).toBe(false);
    const done = renderBlockKit(replies["traffic-applied"]);
    expect([done.response_type, done.replace_original, done.thread_key]).toEqual(["in_channel", true, "churn-prod/2025-03-04"]);
  });

  it("uses the summary as the fallback text", () => {
    for (const [, reply] of replyEntries) {
      expect(renderBlockKit(reply).text).toBe(reply.summary.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
    }
  });

  it("shows the summary when the reply has nothing else", () => {
    const out = renderBlockKit(replies["summary-only"]);
    expect(out.blocks).toEqual([{ type: "section", text: { type: "mrkdwn", text: "Deployment green deleted." } }]);
  });
});

describe("renderBlockKit buttons", () => {
  it.each(replyEntries)("%s: every button, in order, with its verb as action_id and payload id as value", (_name, reply: Reply) => {
    const out = renderBlockKit(reply);
    expect(slackButtons(out).map(({ verb, payloadId }) => ({ verb, payloadId }))).toEqual((reply.buttons ?? []).map(({ verb, payloadId }) => ({ verb, payloadId })));
  });

  it("starts a new actions block when a verb repeats", () => {
    const out = renderBlockKit(replies.approvals);
    const actions = out.blocks.flatMap((b) => (b.type === "actions" ? [b.elements.map((e) => (e.type === "button" ? e.action_id : ""))] : []));
    expect(actions).toEqual([["approve"], ["approve"], ["approve", "reject-all", "details", "refresh"]]);
  });

  it("shortens a button label to 75 characters", () => {
    const label = slackButtons(renderBlockKit(replies.approvals)).find((b) => b.verb === "details")?.label ?? "";
    expect(label).toHaveLength(75);
    expect(label.endsWith("…")).toBe(true);
  });

  it("puts a button's text box before the buttons, with ids derived from the button, and no dispatch of its own", () => {
    const out = renderBlockKit(replies["approval-request"]);
    const types = out.blocks.map((b) => b.type);
    expect(types.slice(-3)).toEqual(["input", "actions", "context"]);
    expect(out.blocks.at(-3)).toEqual({
      type: "input",
      block_id: "input:reject:pc-204",
      label: { type: "plain_text", text: "Reason for rejecting", emoji: true },
      element: { type: "plain_text_input", action_id: "input:reject:pc-204", max_length: 500, placeholder: { type: "plain_text", text: "What should change? Required to reject", emoji: true } },
    });
    // Rendered again (an update of the card), the box keeps its ids: Slack keeps what was typed in it.
    expect(renderBlockKit(replies["approval-request"]).blocks.at(-3)).toEqual(out.blocks.at(-3));
  });

  it("shows one box when two buttons would have the same one", () => {
    const reject = replies["approval-request"].buttons![1]!;
    const out = renderBlockKit({ ...replies["approval-request"], buttons: [reject, reject] });
    expect(out.blocks.filter((b) => b.type === "input")).toHaveLength(1);
    expect(violations(out)).toEqual([]);
  });

  it("carries the confirm dialog, red when the button is", () => {
    const out = renderBlockKit(replies.approvals);
    const danger = out.blocks.flatMap((b) => (b.type === "actions" ? b.elements : [])).find((e) => e.type === "button" && e.value === "pc-103");
    expect(danger).toMatchObject({
      style: "danger",
      confirm: {
        title: { type: "plain_text", text: "Delete deployment red?" },
        text: { type: "mrkdwn", text: "This deletes *red* on churn-prod. It cannot be undone." },
        confirm: { type: "plain_text", text: "Delete" },
        deny: { type: "plain_text", text: "Cancel" },
        style: "danger",
      },
    });
  });
});

describe("renderBlockKit mentions", () => {
  it("mentions the Slack users and user groups a reply notifies, in a cc line before its buttons, and leaves other platforms' ids out", () => {
    const reply: Reply = {
      ...replies["shift-traffic"],
      notify: { users: ["slack:U0APPROVER", "teams:00000000-0000-0000-0000-0000000a9900", "terminal:local", "slack:u0admin"], groups: ["slack:S0OPS", "teams:aad-group"] },
    };
    const out = renderBlockKit(reply);
    const cc = out.blocks.findIndex((b) => b.type === "section" && b.text?.text.startsWith("cc "));
    expect(out.blocks[cc]).toEqual({ type: "section", text: { type: "mrkdwn", text: "cc <@U0APPROVER> <@U0ADMIN> <!subteam^S0OPS>" } });
    expect(cc).toBeLessThan(out.blocks.findIndex((b) => b.type === "actions"));
    expect(renderBlockKit({ ...reply, notify: { users: ["teams:x"], groups: [] } }).blocks.some((b) => b.type === "section" && b.text?.text.startsWith("cc "))).toBe(false);
  });
});

describe("monospace tables", () => {
  it("measures text in code points, as Array.from counts them (a pair is one, a lone surrogate one)", () => {
    for (const text of ["", "abc", "é", "e\u0301", "😀", "a😀b", "\ud83d", "\ude00\ud83d", "x\ud83d", "\ud83d\ud83d\ude00", "日本語", "👩‍👩‍👧"]) {
      expect(width(text), JSON.stringify(text)).toBe(Array.from(text).length);
    }
  });

  it("pads each column to its widest cell, a multi-line cell on one line, short rows filled", () => {
    expect(tableLines(["Name", "Role"], [["😀 a", "x\n  y"], ["bb"]])).toEqual(["Name  Role", "────  ────", "😀 a   x y", "bb"]);
  });
});
