/**
 * The Slack page in Chromium on the local stack (issue 14 §2, §4): a person types commands in the composer and
 * clicks the buttons the bot drew, as the users the switcher offers. `show`; `traffic` → Apply → the final message;
 * `invoke --compare` (both answers side by side); `metrics` with its chart picture loaded; a four-eyes change
 * requested by the operator and approved by the approver; an Azure Monitor alert and its autoscale step as a thread.
 * At a desktop's width and a phone's, every message passes the shared layout checks (`layout-checks.ts`: nothing
 * sticks out, nothing cut, no word broken in a field) and no code block line is wider than 72 characters;
 * screenshots go to test-output/browser/ for a person to look at.
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ALERTS_SECRET, LOCAL_USERS } from "../../src/config/local-defaults.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { startSlackPage, type SlackPage } from "../../tools/local/slack-page/slack-page.server.js";
import { browserSuite, launchChromium, saveScreenshot, SCREENSHOT_DIR, VIEWPORTS } from "./launch-chromium.js";
import { alertVariant, autoscaleVariant } from "../helpers/azure-monitor-payloads.js";
import { layoutProblems } from "./layout-checks.js";

/**
 * What the callbacks given to `page.evaluate` and `waitForFunction` use: they run in the page (Playwright sends their
 * source), and the project's types have no DOM library, so the little they touch is declared here, for this file only.
 */
interface PageElement {
  readonly tagName: string;
  readonly className: string;
  readonly textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly value: string;
  readonly complete: boolean;
  readonly naturalWidth: number;
  getBoundingClientRect(): { readonly left: number; readonly right: number; readonly width: number; readonly height: number };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
declare const document: { getElementById(id: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement>; readonly documentElement: PageElement };

const suite = browserSuite("the Slack page in a browser");
const WAIT_IN_MS = 20_000;
/** A test drives several commands through the worker, the emulator and a browser on a shared 2-core machine. */
const TEST_IN_MS = 90_000;

let stack: LocalStack;
let slackPage: SlackPage;
let browser: Browser;

beforeAll(async () => {
  if (suite.skip) return;
  [stack, browser] = await Promise.all([
    startLocalStack({ ports: { host: 0 }, emulatorLroDelayInMs: 30, logger: { info() {}, warn() {}, error() {} }, env: { AML_LRO_POLL_MS: "20" }, maxPollIntervalInMs: 100, digestIntervalInMs: 0 }),
    launchChromium(),
  ]);
  slackPage = await startSlackPage({ slack: stack.slack, hostUrl: stack.hostUrl, signingSecret: stack.runtime.config.slack.signingSecret, emulator: { url: stack.emulator.url, ca: stack.emulator.ca } });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await slackPage?.close();
  await stack?.close();
});

async function open(viewport: { width: number; height: number }, user = "operator"): Promise<Page> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${slackPage.url}?user=${user}`);
  await page.waitForSelector('body[data-ready="true"]');
  expect(errors).toEqual([]);
  return page;
}

async function as(page: Page, user: keyof typeof LOCAL_USERS): Promise<void> {
  await page.selectOption("#user", LOCAL_USERS[user].slack);
  await page.waitForSelector(`body[data-user="${user}"][data-ready="true"]`);
}

/** Types a command in the composer and sends it with Enter, as a person does. */
async function say(page: Page, text: string): Promise<void> {
  await page.fill("#composer-text", text);
  await page.press("#composer-text", "Enter");
  await page.waitForFunction(() => document.getElementById("composer-text")?.value === "");
}

/** The channel's message (not a thread's) that shows `text`, once it does. */
async function message(page: Page, text: string | RegExp): Promise<ReturnType<Page["locator"]>> {
  const row = page.locator("#messages > article.sp-message", { hasText: text }).last();
  await row.waitFor({ timeout: WAIT_IN_MS });
  return row;
}

async function click(row: ReturnType<Page["locator"]>, label: string): Promise<void> {
  await row.locator("button.bk-button", { hasText: label }).first().click();
  const page = row.page();
  if (await page.locator("dialog#confirm[open]").isVisible()) await page.click("#confirm-ok");
}

/** A message is a card; its text is in headers, sections, fields and context lines (fields sit side by side). */
const CARD = { card: "article.sp-message", text: ".bk-header, .bk-text, .bk-field, .bk-context-text, .sp-file-title" } as const;

/**
 * Everything that does not fit: the shared layout checks (nothing sticks out of its message or past the window, no
 * text cut or scrolling sideways, no word broken inside a field), and any code block line over 72 characters.
 */
async function misfits(page: Page): Promise<string[]> {
  const problems = (await layoutProblems(page, CARD)).map((p) => `${p.kind}: ${p.text} (${p.detail})`);
  const longLines = await page.evaluate(() => {
    const found: string[] = [];
    for (const pre of document.querySelectorAll("article.sp-message pre.bk-pre")) {
      for (const line of (pre.textContent ?? "").split("\n")) if ([...line].length > 72) found.push(`code line of ${[...line].length} characters: ${line.slice(0, 40)}…`);
    }
    return found;
  });
  return [...problems, ...longLines];
}

/**
 * The whole conversation in one picture (the panes stop scrolling, so a full-page screenshot holds every message),
 * and with `each`, every message in a picture of its own, for a conversation taller than a reader can look at once.
 */
async function screenshot(page: Page, name: string, options: { each?: boolean } = {}): Promise<void> {
  await page.addStyleTag({ content: "body { overflow: visible; height: auto; } .sp-app, .sp-main, .sp-messages, .sp-pane, .sp-pane-body { overflow: visible; height: auto; }" });
  await saveScreenshot(page, name);
  if (!options.each) return;
  const rows = page.locator("#messages > article.sp-message");
  for (let i = 0; i < (await rows.count()); i++) {
    await rows.nth(i).screenshot({ path: join(SCREENSHOT_DIR, `${name}-${String(i + 1).padStart(2, "0")}.png`), animations: "disabled" });
  }
}

describe.skipIf(suite.skip)(suite.title, () => {
  it("shows an endpoint, applies a traffic change, compares two deployments and draws the metrics chart (1280 px)", async () => {
    const page = await open(VIEWPORTS.desktop);
    // The command menu offers the verbs as the start of one is typed; Tab completes the first.
    await page.fill("#composer-text", "/aml sh");
    await page.locator("#command-menu .sp-command", { hasText: "/aml show" }).first().waitFor();
    await page.press("#composer-text", "Tab");
    expect(await page.inputValue("#composer-text")).toBe("/aml show ");
    await say(page, "/aml show fraud-scorer");
    await (await message(page, "operator used /aml show fraud-scorer")).locator(".bk-header", { hasText: "fraud-scorer" }).waitFor();

    await say(page, "/aml traffic fraud-scorer blue=80 green=20");
    const preview = await message(page, "operator used /aml traffic fraud-scorer");
    await preview.locator("button.bk-button", { hasText: "Apply" }).waitFor({ timeout: WAIT_IN_MS });
    await click(preview, "Apply");
    const done = await message(page, "Traffic change on fraud-scorer: done");
    expect(await done.textContent()).toContain("(edited)");
    // The side panel shows the emulator's new split.
    await page.locator('.sp-endpoint[data-endpoint="fraud-scorer"] .sp-legends', { hasText: "green 20%" }).first().waitFor({ timeout: WAIT_IN_MS });

    await say(page, '/aml invoke fraud-scorer {"data": [[1,2,3,4,5,6,7,8,9,10]]} --compare blue,green');
    await message(page, "Compare on fraud-scorer: blue vs green");

    await say(page, "/aml metrics fraud-scorer");
    await message(page, "operator used /aml metrics fraud-scorer");
    await page.waitForFunction(() => [...document.querySelectorAll("#messages img.sp-file-img")].some((img) => img.complete && img.naturalWidth > 0), undefined, { timeout: WAIT_IN_MS });

    expect(await misfits(page)).toEqual([]);
    await screenshot(page, "slack-page-desktop");
    await page.close();
  }, TEST_IN_MS);

  it("asks for an approval as the operator and approves it as the approver: four eyes (1280 px)", async () => {
    const page = await open(VIEWPORTS.desktop, "operator");
    await say(page, "/aml scale churn-model main 3");
    const card = await message(page, /Approve[\s\S]*Reject/);
    // The requester's own Approve is refused, and only they see why.
    await click(card, "Approve");
    await page.locator("#messages > article.sp-ephemeral", { hasText: "four eyes" }).last().waitFor({ timeout: WAIT_IN_MS });

    await as(page, "approver");
    await click(await message(page, /Approve[\s\S]*Reject/), "Approve");
    await message(page, "Approved and applied");
    expect(await page.locator("#messages > article.sp-ephemeral", { hasText: "four eyes" }).count()).toBe(0);
    expect(await misfits(page)).toEqual([]);
    await screenshot(page, "slack-page-four-eyes");
    await page.close();
  }, TEST_IN_MS);

  it("shows an alert and the autoscale step that follows it as a thread in the alerts channel (1280 px)", async () => {
    const page = await open(VIEWPORTS.desktop, "admin");
    await page.click('[data-channel="C0ALERTS"]');
    await page.waitForSelector("#channel-name:text('# ml-alerts')");
    await say(page, "/aml alerts bind demo");
    await message(page, "Alerts of demo go to this channel");
    for (const payload of [alertVariant(), autoscaleVariant()]) {
      const res = await fetch(`${stack.hostUrl}/api/alerts?code=${encodeURIComponent(LOCAL_ALERTS_SECRET)}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
      expect(res.status).toBe(200);
    }
    const alert = await message(page, "Alert: fraud-scorer");
    await alert.locator(".sp-thread-summary a", { hasText: "1 reply" }).click({ timeout: WAIT_IN_MS });
    await page.locator("#thread-pane article.sp-message", { hasText: "Autoscale: fraud-scorer" }).waitFor({ timeout: WAIT_IN_MS });
    // The reply is in the thread, not in the channel.
    expect(await page.locator("#messages > article.sp-message", { hasText: "Autoscale: fraud-scorer" }).count()).toBe(0);
    expect(await misfits(page)).toEqual([]);
    await saveScreenshot(page, "slack-page-alert-thread");
    await page.close();
  }, TEST_IN_MS);

  it("fits every message at a phone's width, and the composer still sends (360 px)", async () => {
    const page = await open(VIEWPORTS.phone);
    await say(page, "/aml help");
    await message(page, "operator used /aml help");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    expect(await misfits(page)).toEqual([]);
    await screenshot(page, "slack-page-phone", { each: true });
    await page.close();
  }, TEST_IN_MS);
});
