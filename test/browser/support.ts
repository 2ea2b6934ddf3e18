/**
 * Shared set-up of the browser tests: Debian's Chromium driven by
 * playwright-core (never a downloaded browser), the real server started
 * in-process, and helpers that act through the pages like a person.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import axe from "axe-core";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { packageRoot } from "../../lib/version";
import { settle } from "../support/settle";

export const CHROMIUM = "/usr/bin/chromium";
export const PASSWORD = "white*rabbit9";

/**
 * Why the browser tests cannot run here, or null. Passed as `skip` to
 * each test so the runner prints the reason (a missing browser is never a pass).
 */
export const NO_BROWSER: string | null = existsSync(CHROMIUM)
  ? null
  : `browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does it)`;
if (NO_BROWSER) console.warn(`# ${NO_BROWSER}`);

/** Headless Chromium with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh context (its own cookies) that records page errors, so a test can assert there were none. */
export async function newContext(browser: Browser, base: string, opts: BrowserContextOptions = {}): Promise<BrowserContext & { errors: string[] }> {
  const ctx = (await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 }, ...opts })) as BrowserContext & { errors: string[] };
  ctx.errors = [];
  // Waits end in seconds, not the default 30 s, so a broken step fails fast.
  ctx.setDefaultTimeout(10_000);
  ctx.on("page", (p) => watch(p, ctx.errors));
  // A post's fan-out runs after its answer (the server's job queue): a page
  // loaded or reloaded by the test first waits for the in-process server's
  // background jobs, so it shows what an earlier post delivered. (Routing
  // every request through Playwright instead broke image decoding.)
  ctx.on("page", (p) => settleBeforeLoads(p, base));
  return ctx;
}

function settleBeforeLoads(page: Page, base: string): void {
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  page.goto = async (...args) => {
    await settle(base);
    return goto(...args);
  };
  page.reload = async (...args) => {
    await settle(base);
    return reload(...args);
  };
}

function watch(page: Page, errors: string[]): void {
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 4\d\d|Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
}

/** Registers through the form; the context is then logged in, on the home page. */
export async function register(page: Page, nickname: string, password = PASSWORD): Promise<void> {
  await page.goto("/main/register");
  await page.getByLabel("Nickname").fill(nickname);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat password").fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.getByRole("button", { name: "Register" }).click()]);
}

export async function login(page: Page, nickname: string, password = PASSWORD): Promise<void> {
  await page.goto("/main/login");
  await page.getByLabel("Nickname").fill(nickname);
  await page.getByLabel("Password").fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.locator("#login-submit").click()]);
}

export async function logout(page: Page): Promise<void> {
  await Promise.all([page.waitForLoadState("load"), page.locator("#logout-form button").click()]);
  await page.waitForFunction(() => !document.querySelector("#logout-form"));
}

/** Posts a note through the home page's form (enhanced: no reload). */
export async function postNote(page: Page, text: string, to?: string): Promise<void> {
  await page.getByLabel("What's new?").fill(text);
  if (to) await page.locator("#note-to").selectOption(to);
  await page.locator("#post-note button[type=submit]").click();
}

/** Marks the current document, so a later check can prove no navigation happened. */
export async function mark(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = "still-here"));
}

export async function assertNotNavigated(page: Page): Promise<void> {
  assert.equal(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker), "still-here", "the page reloaded or navigated");
}

/** Saves a full-page screenshot under test-output/screenshots/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(packageRoot(), "test-output", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Runs axe-core in the page; fails listing every serious or critical violation. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  // CSP forbids inline <script>; evaluating the source through the devtools protocol is not a page script.
  await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe.run(document, {
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary ?? ""}`) }));
  });
  const bad = result;
  const text = bad.map((v) => `- [${v.impact}] ${v.id}: ${v.help}\n    ${v.nodes.join("\n    ")}`).join("\n");
  assert.equal(bad.length, 0, `axe found violations on ${what}:\n${text}`);
}

/**
 * The checks every new page gets: axe at 1280 px, then screenshots at
 * 1280 and 390 px (`<name>-1280.png`, `<name>-390.png`), axe again at 390
 * px, and no sideways scrolling on the phone.
 */
export async function checkWidths(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.setViewportSize({ width: 1280, height: 900 });
  await assertAccessible(page, `${name} at 1280 px`);
  await screenshot(page, `${name}-1280`);
  await page.setViewportSize({ width: 390, height: 844 });
  await assertAccessible(page, `${name} at 390 px`);
  await screenshot(page, `${name}-390`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize(size);
  assert.ok(overflow <= 1, `${name} scrolls sideways at 390 px by ${overflow}px`);
}
