import axe from "axe-core";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { expect, inject } from "vitest";

export const baseURL = () => inject("baseURL");
/** The server with GATEWAY=portone-v2 (global-setup.ts): PortOne V2's pages against the sandbox's V2. */
export const baseURLV2 = () => inject("baseURLV2");

/** The server each context talks to, for the Origin its API calls send. */
const contextBase = new WeakMap<BrowserContext, string>();
const originOf = (context: BrowserContext) => contextBase.get(context) ?? baseURL();

const ARTIFACTS = resolve("test-artifacts");

/** Debian's Chromium, never a browser downloaded by a test tool. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

// Korean is the pages' first language, so the scenarios run in it; auditState() shows every state in English too.
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 860 }, locale: "ko-KR" };
export const PHONE_SIZE = { width: 390, height: 844 };
export const PHONE: BrowserContextOptions = {
  viewport: PHONE_SIZE,
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: "ko-KR",
};
export const ENGLISH: BrowserContextOptions = { ...DESKTOP, locale: "en-US" };

/**
 * Script errors and console errors (a CSP violation is one) seen in any page of any context; a scenario checks
 * that there are none. A 404 document logs "Failed to load resource", which is expected where a test asks for it.
 */
export const pageProblems: string[] = [];

/** A browser context on the V1 server, or on `base` (e.g. baseURLV2()). */
export async function newContext(browser: Browser, options: BrowserContextOptions = DESKTOP, base: string = baseURL()) {
  const context = await browser.newContext({ ...options, baseURL: base });
  contextBase.set(context, base);
  context.setDefaultTimeout(15_000);
  context.on("page", (page) => {
    page.on("pageerror", (e) => pageProblems.push(`${page.url()}: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) pageProblems.push(`${page.url()}: ${m.text()}`);
    });
  });
  return context;
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

type Lang = "ko" | "en";
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * axe-core's WCAG 2.1 A and AA rules on the page as it is now, one line per violated rule. axe is loaded into a
 * page once (through DevTools evaluation, which the page's CSP does not govern) and kept for its later checks.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: typeof axe }).axe
        .run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
        .then((r) =>
          r.violations.map(
            (v) =>
              `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")} ${n.failureSummary ?? ""}`).join(" | ")}`,
          ),
        ),
    WCAG_21_AA,
  );
  return violations;
}

const langOf = async (page: Page) => (await page.evaluate(() => document.documentElement.lang)) as Lang;

/** Remembers a language for the whole context, as the pages' switch does (a cookie read before Accept-Language). */
export const rememberLanguage = (context: BrowserContext, lang: Lang) =>
  context.addCookies([{ name: "pp_lang", value: lang, url: baseURL() }]);

/** One language of a state: no missing text, zero axe violations at its size and at 390×844, one screenshot. */
async function checkState(page: Page, state: string) {
  const lang = await langOf(page);
  expect(await page.locator("body").innerText(), `${state} (${lang})`).not.toContain("⟦");
  expect(await axeViolations(page), `${state} (${lang})`).toEqual([]);
  await screenshot(page, `${state}.${lang}`);
  const size = page.viewportSize();
  if (size && size.width !== PHONE_SIZE.width) {
    await page.setViewportSize(PHONE_SIZE);
    try {
      expect(await axeViolations(page), `${state} (${lang}, 390×844)`).toEqual([]);
    } finally {
      await page.setViewportSize(size);
    }
  }
}

/**
 * Audits a page state the suite reached: WCAG 2.1 A/AA (axe) and a screenshot, in this page's language and then
 * in the other one, opened beside it in the same session (same URL; `replay` re-creates what the script showed,
 * such as a form's errors, without changing anything). `bothLanguages: false` for a page with one language
 * (the Iamport sandbox's window is Korean, like Iamport's own).
 */
export async function auditState(page: Page, state: string, opts: { replay?: (twin: Page) => Promise<void>; bothLanguages?: boolean } = {}) {
  await checkState(page, state);
  if (opts.bothLanguages === false) return;
  const context = page.context();
  const lang = await langOf(page);
  const other: Lang = lang === "ko" ? "en" : "ko";
  await rememberLanguage(context, other);
  const twin = await context.newPage();
  try {
    await twin.goto(page.url());
    await opts.replay?.(twin);
    expect(await langOf(twin), state).toBe(other);
    await checkState(twin, state);
  } finally {
    await twin.close();
    await rememberLanguage(context, lang);
  }
}

let n = 0;
export const uniqueEmail = (prefix = "buyer") => `${prefix}-${Date.now().toString(36)}-${n++}@example.com`;
export const PASSWORD = "correct horse battery";

/** Signs up through the JSON API from inside the context, so its cookie jar holds the session (for setup only). */
export async function signUpByApi(context: BrowserContext, email = uniqueEmail(), name = "김민지") {
  const res = await context.request.post("/api/auth/signup", {
    data: { email, password: PASSWORD, name },
    headers: { origin: originOf(context) },
  });
  if (res.status() !== 201) throw new Error(`signup failed: ${res.status()} ${await res.text()}`);
  return email;
}

/** Logs in through the JSON API from inside the context (for setup only). */
export async function logInByApi(context: BrowserContext, email: string, password: string) {
  const res = await context.request.post("/api/auth/login", { data: { email, password }, headers: { origin: originOf(context) } });
  if (res.status() !== 200) throw new Error(`login failed: ${res.status()} ${await res.text()}`);
}

/** The administrator seeded like `npm run dev` seeds it (test/e2e/global-setup.ts). */
export const localAdmin = () => inject("admin");

/** Runs `npm run admin -- <args>` (scripts/admin.mjs) against the running server's local database. */
export function adminCommand(...args: string[]) {
  const r = spawnSync(process.execPath, ["scripts/admin.mjs", ...args, "--persist-to", inject("statePath")], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    encoding: "utf8",
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Clicks what opens the sandbox's payment popup and returns the popup. */
export async function openPaymentWindow(context: BrowserContext, click: () => Promise<void>): Promise<Page> {
  const [popup] = await Promise.all([context.waitForEvent("page"), click()]);
  await popup.waitForLoadState("domcontentloaded");
  return popup;
}

export const PAYMENT_PAGE = /\/payments\/pay_[0-9a-f]{32}(\?.*)?$/;

/** Waits until the payment page shows a settled status (the page reloads itself when verification ends). */
export async function waitForStatus(page: Page, status: string) {
  await page.locator(`#payment[data-status="${status}"]`).waitFor({ timeout: 20_000 });
}

export const merchantUidOf = (page: Page) => new URL(page.url()).pathname.split("/").pop()!;

/** How the Korean pages write an ISO UTC instant: Asia/Seoul wall-clock time (UTC+9, no daylight saving). */
export function seoulKo(iso: string) {
  const d = new Date(Date.parse(iso) + 9 * 3_600_000);
  const hm = d.toISOString().slice(11, 16);
  return `${d.getUTCFullYear()}년 ${d.getUTCMonth() + 1}월 ${d.getUTCDate()}일 ${hm}`;
}

/** Presses Tab until the focused element matches `selector` (keyboard only; fails after `max` presses). */
export async function tabTo(page: Page, selector: string, max = 40) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}
