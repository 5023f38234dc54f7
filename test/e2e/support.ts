import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { inject } from "vitest";

export const baseURL = () => inject("baseURL");

const ARTIFACTS = resolve("test-artifacts");

/** Debian's Chromium, never a browser downloaded by a test tool. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 860 } };
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/**
 * Script errors and console errors (a CSP violation is one) seen in any page of any context; a scenario checks
 * that there are none. A 404 document logs "Failed to load resource", which is expected where a test asks for it.
 */
export const pageProblems: string[] = [];

export async function newContext(browser: Browser, options: BrowserContextOptions = DESKTOP) {
  const context = await browser.newContext({ ...options, baseURL: baseURL() });
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

let n = 0;
export const uniqueEmail = (prefix = "buyer") => `${prefix}-${Date.now().toString(36)}-${n++}@example.com`;
export const PASSWORD = "correct horse battery";

/** Signs up through the JSON API from inside the context, so its cookie jar holds the session (for setup only). */
export async function signUpByApi(context: BrowserContext, email = uniqueEmail(), name = "Kim Minji") {
  const res = await context.request.post("/api/auth/signup", {
    data: { email, password: PASSWORD, name },
    headers: { origin: baseURL() },
  });
  if (res.status() !== 201) throw new Error(`signup failed: ${res.status()} ${await res.text()}`);
  return email;
}

/** Logs in through the JSON API from inside the context (for setup only). */
export async function logInByApi(context: BrowserContext, email: string, password: string) {
  const res = await context.request.post("/api/auth/login", { data: { email, password }, headers: { origin: baseURL() } });
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

/** The Asia/Seoul wall-clock time the pages show for an ISO UTC instant (UTC+9, no daylight saving). */
export const seoul = (iso: string) => new Date(Date.parse(iso) + 9 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
