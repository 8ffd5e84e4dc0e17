/**
 * Debian's Chromium under playwright-core, for the browser suites (Teams playground, Slack page). Playwright's own
 * browser downloads are not used: CI has no internet but the npm registry and Debian apt, and `.ci/run` installs
 * the `chromium` package. playwright-core speaks CDP to it, which stays compatible across a few Chromium majors.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/**
 * Headless without a sandbox (CI runs as root, where Chromium's sandbox refuses to start), no GPU, and nothing
 * that reaches out on its own (component updates, field trials, safe-browsing lists): loopback only.
 */
export const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] as const;

/** Where suites save screenshots (gitignored): a person looks at them, tests assert from the DOM. */
export const SCREENSHOT_DIR = join("test-output", "browser");

/** The path `which chromium` prints, or undefined when Chromium is not installed. */
export function findChromium(): string | undefined {
  try {
    const path = execFileSync("which", ["chromium"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return path || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a browser suite runs here. Locally a missing Chromium skips the suite and the reason is its title;
 * under CI=true the suite runs regardless and fails at launch, because CI must not pass by skipping it.
 */
export function browserSuite(name: string, env: NodeJS.ProcessEnv = process.env): { readonly title: string; readonly skip: boolean } {
  const path = findChromium();
  if (path || env.CI === "true") return { title: name, skip: false };
  const title = `${name} (skipped: Chromium is not installed; \`apt-get install -y chromium\` runs it, CI requires it)`;
  // The default reporter shows only a count of skipped tests; this says which suite and why.
  console.warn(title);
  return { title, skip: true };
}

export interface LaunchChromiumOptions {
  /** Default: `which chromium`. */
  readonly executablePath?: string;
  /** Default 15 s. */
  readonly timeoutInMs?: number;
}

export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? findChromium();
  if (!executablePath) throw new Error("Chromium is not installed: `apt-get install -y chromium` (Debian), then run the browser suites again.");
  return chromium.launch({
    executablePath,
    // The flags are given as they are meant; Playwright's own `--headless` for headless: true repeats one of them.
    headless: true,
    args: [...CHROMIUM_FLAGS],
    timeout: options.timeoutInMs ?? 15_000,
  });
}

/** Saves a full-page screenshot as `test-output/browser/<name>.png` and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The two widths every reply must fit: a desktop client's and a phone's. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 360, height: 780 },
} as const;
