/**
 * The Slack page's Block Kit and mrkdwn renderer: Slack's formatting as Slack's client shows it, and nothing a
 * message carries (text, a link, an image URL, a button's value) can add markup or script to the page.
 */
import { describe, expect, it } from "vitest";
import { blockKitHtml } from "../../../tools/local/slack-page/block-kit.html.js";
import { mrkdwnHtml } from "../../../tools/local/slack-page/mrkdwn.html.js";

describe("mrkdwn as Slack shows it", () => {
  it("formats bold, italic, strike, code, fenced blocks, quotes and emoji", () => {
    expect(mrkdwnHtml("*Apply* _now_ ~never~ `aml show` :white_check_mark:")).toBe("<b>Apply</b> <em>now</em> <s>never</s> <code class=\"bk-code\">aml show</code> ✅");
    expect(mrkdwnHtml("before\n```\nblue  ████  80 %\n```\nafter")).toBe('before<pre class="bk-pre">blue  ████  80 %</pre>after');
    expect(mrkdwnHtml("&gt; quoted\nplain")).toBe('<blockquote class="bk-quote">quoted</blockquote>plain');
  });

  it("leaves marks inside words and code alone, as Slack does", () => {
    expect(mrkdwnHtml("fraud_scorer_v2 and 2*3*4")).toBe("fraud_scorer_v2 and 2*3*4");
    expect(mrkdwnHtml("`*not bold*`")).toBe('<code class="bk-code">*not bold*</code>');
    expect(mrkdwnHtml("```*not bold* <@U1>```")).toBe('<pre class="bk-pre">*not bold* &lt;@U1&gt;</pre>');
  });

  it("shows links, user and group mentions and channel links by name", () => {
    const names = { user: (id: string) => (id === "U0LOCALADMIN" ? "admin" : undefined), channel: (id: string) => (id === "C0LOCAL" ? "ml-ops" : undefined) };
    expect(mrkdwnHtml("cc <@U0LOCALADMIN> <!subteam^S0OPS> in <#C0LOCAL>", names)).toBe(
      'cc <span class="bk-mention">@admin</span> <span class="bk-mention">@S0OPS</span> in <span class="bk-mention">#ml-ops</span>',
    );
    expect(mrkdwnHtml("<https://portal.azure.com/#x|the *portal*>")).toBe('<a class="bk-link" href="https://portal.azure.com/#x" target="_blank" rel="noopener noreferrer">the <b>portal</b></a>');
  });

  it("cannot be made to add markup: escaped text stays text, a raw tag is read as Slack's token, a script link loses its target", () => {
    expect(mrkdwnHtml("&lt;img src=x onerror=alert(1)&gt; &amp; \"quotes\"")).toBe("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;");
    expect(mrkdwnHtml("<script>alert(1)</script>")).not.toMatch(/<script|<\/script/);
    expect(mrkdwnHtml("<javascript:alert(1)|click me>")).toBe("click me");
    expect(mrkdwnHtml('<https://x.example/" onmouseover="alert(1)|x>')).toBe('<a class="bk-link" href="https://x.example/&quot; onmouseover=&quot;alert(1)" target="_blank" rel="noopener noreferrer">x</a>');
  });
});

describe("Block Kit as Slack lays it out", () => {
  it("draws a header, a section with fields, a context, a divider and buttons with their ids, value and confirm", () => {
    const html = blockKitHtml(
      [
        { type: "header", text: { type: "plain_text", text: ":warning: Traffic change" } },
        { type: "section", text: { type: "mrkdwn", text: "*fraud-scorer*" }, fields: [{ type: "mrkdwn", text: "*Blue*\n80 %" }, { type: "mrkdwn", text: "*Green*\n20 %" }] },
        { type: "divider" },
        {
          type: "actions",
          elements: [
            { type: "button", action_id: "apply", value: "chg-1", style: "primary", text: { type: "plain_text", text: "Apply" } },
            { type: "button", action_id: "cancel", value: "chg-1", style: "danger", text: { type: "plain_text", text: "Cancel" }, confirm: { title: { type: "plain_text", text: "Sure?" }, text: { type: "mrkdwn", text: "Nothing *changes*" }, confirm: { type: "plain_text", text: "Yes" }, deny: { type: "plain_text", text: "No" }, style: "danger" } },
          ],
        },
        { type: "context", elements: [{ type: "mrkdwn", text: "Requested by operator" }] },
      ],
      "fallback",
    );
    expect(html).toContain('<div class="bk-header">⚠️ Traffic change</div>');
    expect(html).toContain('<div class="bk-fields"><div class="bk-field"><b>Blue</b><br>80 %</div><div class="bk-field"><b>Green</b><br>20 %</div></div>');
    expect(html).toContain('<hr class="bk-divider">');
    expect(html).toContain('<button type="button" class="bk-button bk-button-primary" data-action-id="apply" data-value="chg-1">Apply</button>');
    expect(html).toContain('data-confirm="{&quot;title&quot;:&quot;Sure?&quot;,&quot;html&quot;:&quot;Nothing &lt;b&gt;changes&lt;/b&gt;&quot;,&quot;confirm&quot;:&quot;Yes&quot;,&quot;deny&quot;:&quot;No&quot;,&quot;danger&quot;:true}"');
    expect(html).toContain('<div class="bk-context"><span class="bk-context-text">Requested by operator</span></div>');
    expect(html).not.toContain("fallback");
  });

  it("shows the message's text when it has no blocks, and says so for a block it cannot draw", () => {
    expect(blockKitHtml([], "*done*")).toBe('<div class="bk-section"><div class="bk-text"><b>done</b></div></div>');
    expect(blockKitHtml([{ type: "video" }], "")).toContain("This block (video) is not shown on this page.");
  });

  it("keeps an image URL, a box's ids and a button's value inside their attributes", () => {
    const html = blockKitHtml(
      [
        { type: "image", image_url: 'https://x.example/a.png" onerror="alert(1)', alt_text: "chart" },
        { type: "image", image_url: "javascript:alert(1)", alt_text: "bad" },
        { type: "input", block_id: 'box"x', label: { type: "plain_text", text: "Reason" }, element: { type: "plain_text_input", action_id: "reason" } },
        { type: "actions", elements: [{ type: "button", action_id: "reject", value: '"><script>alert(1)</script>', text: { type: "plain_text", text: "Reject" } }] },
      ],
      "",
    );
    expect(html).toContain('src="https://x.example/a.png&quot; onerror=&quot;alert(1)"');
    expect(html).toContain('<img class="bk-image-img" src="" alt="bad"');
    expect(html).toContain('data-block-id="box&quot;x"');
    expect(html).toContain('data-value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toMatch(/<script/);
  });
});
