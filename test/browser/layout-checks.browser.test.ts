/**
 * The layout checks themselves, on pages made to fail them: a check that finds nothing on a broken page would let
 * every browser suite pass whatever the replies look like.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserSuite, launchChromium } from "./launch-chromium.js";
import { layoutProblems } from "./layout-checks.js";

const suite = browserSuite("layout checks");

const STYLE = `
  body { font: 14px sans-serif; margin: 0; }
  .card { width: 240px; padding: 8px; border: 1px solid #ccc; margin: 8px; }
  .row { display: flex; gap: 8px; }
  .row > div { flex: 1 1 0; min-width: 0; overflow-wrap: break-word; }
  .clip { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
`;

describe.skipIf(suite.skip)(suite.title, () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 360, height: 600 } });
  }, 30_000);
  afterAll(() => browser?.close());

  const check = async (body: string) => {
    await page.setContent(`<style>${STYLE}</style>${body}`);
    return layoutProblems(page, { card: ".card", text: ".t" });
  };

  it("finds nothing in a card whose text wraps between words, and lets a name wrap after its hyphen", async () => {
    const problems = await check(`<div class="card">
      <p class="t">A paragraph long enough to wrap over several lines between its words.</p>
      <div class="row"><div class="t">fraud-scorer-candidate-two</div><div class="t">1 × Standard DS3 v2</div><div class="t">80 %</div></div>
    </div>`);
    expect(problems).toEqual([]);
  });

  it("finds a cell that breaks inside a word, and says where", async () => {
    const problems = await check(`<div class="card"><div class="row">
      <div class="t">Deployment</div><div class="t">Instances</div><div class="t">State</div><div class="t">Model</div><div class="t">Requests</div><div class="t">Latency</div>
    </div></div>`);
    expect(problems.find((p) => p.text === "Deployment")).toMatchObject({ kind: "word-broken", detail: expect.stringMatching(/^Dep\w*\|\w+$/) });
  });

  it("does not count text outside side-by-side cells (a paragraph may break a long token)", async () => {
    const problems = await check(`<div class="card"><p class="t" style="overflow-wrap: anywhere">https://127.0.0.1:40239/inference/demo/fraud-scorer/score?averyveryverylongquerystringvalue</p></div>`);
    expect(problems).toEqual([]);
  });

  it("finds text cut short with an ellipsis", async () => {
    const problems = await check(`<div class="card"><div class="row"><div class="t">blue</div><div class="t clip">████████████████████████████████████</div></div></div>`);
    expect(problems).toEqual([expect.objectContaining({ kind: "text-cut", text: "████████████████████████████████████" })]);
  });

  it("finds an element sticking out of its card, and a card wider than the window", async () => {
    const problems = await check(`<div class="card"><pre class="t">${"x".repeat(60)}</pre></div><div class="card" style="width: 500px">wide</div>`);
    expect(problems.map((p) => p.kind)).toEqual(expect.arrayContaining(["overflows-card", "card-wider-than-window"]));
    expect(problems.find((p) => p.kind === "overflows-card")?.text).toBe("x".repeat(60));
  });

  it("looks only at the last cards when asked", async () => {
    await page.setContent(`<style>${STYLE}</style><div class="card" style="width: 500px">old</div><div class="card">new</div>`);
    expect(await layoutProblems(page, { card: ".card", text: ".t", last: 1 })).toEqual([]);
    expect(await layoutProblems(page, { card: ".card", text: ".t" })).toHaveLength(1);
  });
});
