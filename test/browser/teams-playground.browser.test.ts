/**
 * The bot in Microsoft's local Teams client, driven as a person would: Chromium opens the Microsoft 365 Agents
 * Playground (tools/local/playground.ts) on the local stack, types commands into its composer and clicks the card
 * buttons, and the cards are read and measured in the page as the playground's Adaptive Cards renderer lays them out.
 * Tests run in order in one conversation; the last two measure every reply the earlier ones left, at a desktop
 * width and at a phone's, and save a screenshot of each under test-output/browser/.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../tools/azurite.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { startTeamsPlayground, type TeamsPlayground } from "../../tools/local/playground.js";
import { browserSuite, launchChromium, saveScreenshot, SCREENSHOT_DIR, VIEWPORTS } from "./launch-chromium.js";
import { layoutProblems, type LayoutProblem } from "./layout-checks.js";

const suite = browserSuite("Teams: the bot in the Microsoft 365 Agents Playground");
const CARD = ".ac-adaptiveCard";
/** Where the Adaptive Cards renderer puts text: text blocks and fact sets (table cells are text blocks in columns). */
const TEXT = ".ac-textBlock, .ac-fact-title, .ac-fact-value";
const quiet = { info() {}, warn() {}, error() {} };

describe.skipIf(suite.skip)(suite.title, () => {
  let stack: LocalStack;
  /** The operator's playground and page, where every reply is measured; the approver's, for four eyes. */
  let playground: TeamsPlayground;
  let approverPlayground: TeamsPlayground;
  let browser: Browser;
  let page: Page;
  let approverPage: Page;
  /** The card that answered each command, by a name for its screenshot. */
  const replies: { name: string; card: Locator }[] = [];
  /** The open approval request, measured at 360 px before it is decided. */
  let pendingProblems: LayoutProblem[] | undefined;

  beforeAll(async () => {
    // All start at once: a playground only needs the bot's address, which a free port fixes in advance.
    const hostPort = await findFreePort();
    const botEndpoint = `http://127.0.0.1:${hostPort}/api/teams/messages`;
    const workDir = (user: string) => join(tmpdir(), `aml-playground-${process.pid}-${user}`);
    [stack, playground, approverPlayground, browser] = await Promise.all([
      startLocalStack({ ports: { host: hostPort }, emulatorLroDelayInMs: 30, emulatorProvisionDelayInMs: 200, logger: quiet, digestIntervalInMs: 0 }),
      startTeamsPlayground({ botEndpoint, workDir: workDir("operator"), user: "operator" }),
      startTeamsPlayground({ botEndpoint, workDir: workDir("approver"), user: "approver" }),
      launchChromium(),
    ]);
    [page, approverPage] = await Promise.all([browser.newPage({ viewport: VIEWPORTS.desktop }), browser.newPage({ viewport: VIEWPORTS.desktop })]);
    await Promise.all([page.goto(playground.url), approverPage.goto(approverPlayground.url)]);
    await Promise.all([composer(page).waitFor({ timeout: 15_000 }), composer(approverPage).waitFor({ timeout: 15_000 })]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([playground?.close(), approverPlayground?.close(), stack?.close()]);
  });

  it("shows an endpoint as a card: state, deployments and live traffic", async () => {
    const card = await ask(page, "show fraud-scorer", /fraud-scorer · demo/);
    replies.push({ name: "show", card });
    const text = await card.innerText();
    expect(text).toMatch(/State\s+Succeeded/);
    expect(text).toMatch(/blue[\s\S]*100\s%/);
    expect(text).toMatch(/green[\s\S]*0\s%/);
  }, 30_000);

  it("shifts traffic: Apply, confirm, and the card ends done; the endpoint then serves 80/20", async () => {
    const card = await ask(page, "traffic fraud-scorer blue=80 green=20", /Traffic change on fraud-scorer/);
    // Apply opens the confirmation inside the card; its own Apply sends the Action.Execute.
    await card.getByRole("button", { name: "Apply" }).first().click();
    await card.getByRole("button", { name: "Apply" }).last().click();
    await expect.poll(() => card.innerText(), { timeout: 20_000 }).toMatch(/Traffic change on fraud-scorer: done[\s\S]*Applied by operator/);
    replies.push({ name: "traffic-done", card });

    const after = await ask(page, "show fraud-scorer", /fraud-scorer · demo/);
    expect(await after.innerText()).toMatch(/blue[\s\S]*80\s%[\s\S]*green[\s\S]*20\s%/);
  }, 60_000);

  it("compares two deployments on the same request", async () => {
    const card = await ask(page, 'invoke fraud-scorer {"data": [[1,2,3,4,5,6,7,8,9,10]]} --compare blue,green', /Compare on fraud-scorer: blue vs green/, 20_000);
    replies.push({ name: "invoke-compare", card });
    const text = await card.innerText();
    expect(text).toMatch(/blue\s+200/);
    expect(text).toMatch(/green\s+200/);
  }, 30_000);

  it("shows metrics with the chart picture loaded from the bot's host", async () => {
    const card = await ask(page, "metrics fraud-scorer", /Metrics: fraud-scorer/, 20_000);
    replies.push({ name: "metrics", card });
    const chart = card.locator("img").last();
    await chart.scrollIntoViewIfNeeded();
    expect(await chart.getAttribute("src")).toMatch(new RegExp(`^${escape(stack.hostUrl)}/api/charts/`));
    await expect.poll(() => chart.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
  }, 30_000);

  it("asks for four eyes on churn-model: the operator's own approval is refused, the approver's applies it and the request card says so", async () => {
    const request = await ask(page, "scale churn-model main 3", /Approval needed: Scale main on churn-model/);
    replies.push({ name: "approval-request", card: request });
    const id = /Request ([0-9a-f-]{36})/.exec(await request.innerText())?.[1];
    expect(id).toBeDefined();
    pendingProblems = await measureAtPhoneWidth(page, request, "approval-pending");
    await ask(page, `approve ${id}`, /You asked for this change, so someone else has to approve it \(four eyes\)/);

    await ask(approverPage, `approve ${id}`, /main on churn-model scaled: done[\s\S]*Applied by approver/, 20_000);
    await expect.poll(() => request.innerText(), { timeout: 20_000 }).toMatch(/Approved and applied/i);
  }, 60_000);

  // Its Approvers fact listed raw identities ("teams:00000000-…-0000000a9900"), unbreakable tokens wider than a
  // phone's card; it counts them now (the card mentions them by name).
  it("fits an open approval request in a phone's card", () => {
    expect(pendingProblems).toEqual([]);
  });

  it.each([
    ["desktop", VIEWPORTS.desktop],
    ["phone", VIEWPORTS.phone],
  ] as const)("every reply fits its card at %s width: nothing sticks out or is cut, no cell breaks a word", async (width, viewport) => {
    expect(replies.map((r) => r.name)).toEqual(["show", "traffic-done", "invoke-compare", "metrics", "approval-request"]);
    // Tall enough for the whole conversation, so no card is scrolled under the playground's header or composer in
    // its screenshot; only the width matters to the layout.
    await page.setViewportSize({ width: viewport.width, height: 4_000 });
    if (width === "phone") await narrowToWindow(page);
    const problems: Record<string, LayoutProblem[]> = {};
    for (const { name, card } of replies) {
      await card.evaluate((el, reply) => (el as unknown as { dataset: Record<string, string> }).dataset["reply"] = reply, name);
      const found = await layoutProblems(page, { card: `${CARD}[data-reply="${name}"]`, text: TEXT });
      if (found.length > 0) problems[name] = found;
      await card.screenshot({ path: join(SCREENSHOT_DIR, `teams-${name}.${width}.png`) });
    }
    await saveScreenshot(page, `teams-conversation.${width}`);
    // Every card on the page is one of the replies above or an answer in between (acks, private notes): those too.
    const all = await layoutProblems(page, { card: CARD, text: TEXT });
    expect({ ...problems, others: all.filter((p) => !Object.values(problems).flat().some((q) => q.text === p.text && q.detail === p.detail)) }).toEqual({ others: [] });
  }, 30_000);
});

function composer(page: Page): Locator {
  return page.locator("[contenteditable=true][role=textbox]");
}

/**
 * Types a command as a person does and waits for a new card whose text matches `answer` (a slow verb's card first
 * shows "⏳ …" and is updated in place; a request may come with a private note first); returns that card.
 */
async function ask(page: Page, command: string, answer: RegExp, timeoutInMs = 15_000): Promise<Locator> {
  const cards = page.locator(CARD);
  const before = await cards.count();
  await composer(page).click();
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
  const deadline = Date.now() + timeoutInMs;
  const seen: string[] = [];
  while (Date.now() < deadline) {
    seen.length = 0;
    for (let i = before, n = await cards.count(); i < n; i++) {
      const text = await cards.nth(i).innerText();
      if (answer.test(text)) return cards.nth(i);
      seen.push(text.slice(0, 120));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`No card matching ${answer} within ${timeoutInMs} ms after "${command}"; new cards: ${JSON.stringify(seen)}`);
}

/** One card's layout problems at 360 px, with its screenshot; the page is back at desktop width after. */
async function measureAtPhoneWidth(page: Page, card: Locator, name: string): Promise<LayoutProblem[]> {
  await page.setViewportSize({ width: VIEWPORTS.phone.width, height: 4_000 });
  await narrowToWindow(page);
  await card.evaluate((el, reply) => (el as unknown as { dataset: Record<string, string> }).dataset["reply"] = reply, name);
  const problems = await layoutProblems(page, { card: `${CARD}[data-reply="${name}"]`, text: TEXT });
  await card.screenshot({ path: join(SCREENSHOT_DIR, `teams-${name}.phone.png`) });
  await page.setViewportSize(VIEWPORTS.desktop);
  return problems;
}

/**
 * The playground is a desktop page: its chat column keeps at least 600 px, so at 360 px a card would keep its
 * desktop width. Teams on a phone lays a card across the screen; so does this, by letting every box around the
 * cards shrink to the window. What is measured is then the card at a phone's width, as a phone shows it.
 */
async function narrowToWindow(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    for (const card of document.querySelectorAll(${JSON.stringify(CARD)})) {
      for (let el = card.parentElement; el && el !== document.body; el = el.parentElement) {
        el.style.minWidth = "0";
        el.style.maxWidth = "100%";
      }
    }
  })()`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
