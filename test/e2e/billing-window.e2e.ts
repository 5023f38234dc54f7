import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditState, baseURL, launchChromium, newContext, openPaymentWindow, pageProblems, PHONE } from "./support";

// The Iamport sandbox's billing-key window (IMP.request_pay with customer_uid), driven through its SDK the way a
// shop's page drives it: a card typed into the window is registered as a billing key and nothing is charged.
// Until pocketpay has a page that opens it, the SDK is loaded into one of pocketpay's own pages (same origin, so its
// CSP admits the script) and called from the test.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(() => {
  expect(pageProblems.splice(0)).toEqual([]);
});

const hex = () => crypto.randomUUID().replace(/-/g, "");
const SDK = "/sandbox/iamport/v1/iamport.js";

interface Callback {
  success: boolean;
  imp_uid: string | null;
  merchant_uid: string;
  error_code: string | null;
  error_msg: string | null;
  paid_amount: number | null;
  pg_type?: string;
}

/** A pocketpay page with the sandbox SDK loaded and IMP.init called. */
async function shopPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  // DOM ready is enough (the SDK needs no page script); waiting for "load" timed out once on a loaded machine.
  await page.goto("/login", { waitUntil: "domcontentloaded" });
  await page.addScriptTag({ url: SDK });
  await page.evaluate(() => (window as any).IMP.init("imp00000000"));
  return page;
}

const billingParams = (extra: Record<string, unknown> = {}) => ({
  pg: "html5_inicis.INIBillTst",
  pay_method: "card",
  merchant_uid: `reg_${hex()}`,
  customer_uid: `cus_${hex()}`,
  name: "커피 클럽 베이직",
  amount: 19_000,
  buyer_email: "minji@example.com",
  ...extra,
});

/** Calls IMP.request_pay in the page; the callback's payload lands in window.__billing. */
async function requestPay(page: Page, params: Record<string, unknown>) {
  await page.evaluate((p) => {
    (window as any).IMP.request_pay(p, (r: unknown) => {
      (window as any).__billing = r;
    });
  }, params);
}

async function callbackOf(page: Page): Promise<Callback> {
  await page.waitForFunction(() => (window as any).__billing !== undefined);
  return page.evaluate(() => (window as any).__billing as Callback);
}

async function keyRecords(page: Page, customerUid: string) {
  const res = await page.request.get(`${baseURL()}/sandbox/iamport/__control/customers/${customerUid}/charges`);
  return res.json();
}

describe("the sandbox's billing-key window", () => {
  it("registers a card in the popup: the callback reports it, nothing is charged", async () => {
    const context = await newContext(browser);
    const page = await shopPage(context);
    const params = billingParams();
    const popup = await openPaymentWindow(context, () => requestPay(page, params));
    expect(popup.url()).toContain("/sandbox/iamport/window");
    await expect.poll(() => popup.getByRole("heading").innerText()).toBe("정기결제 카드 등록");
    expect(await popup.locator("dd.amount").innerText()).toBe("19,000원");
    await auditState(popup, "billing-window", { bothLanguages: false });

    // Registering with an empty form is refused in the window, which stays open.
    await popup.getByRole("button", { name: "카드 등록" }).click();
    await expect.poll(() => popup.locator("#status").innerText()).toBe("카드번호와 유효기간을 입력해주세요.");

    await popup.getByLabel("카드번호").fill("4111-1111-1111-1111");
    await popup.getByLabel("유효기간 (YYYY-MM)").fill("2099-12");
    await popup.getByRole("button", { name: "카드 등록" }).click();
    const result = await callbackOf(page);
    expect(result).toMatchObject({ success: true, merchant_uid: params.merchant_uid, error_code: null, paid_amount: 0, pg_type: "billing" });
    expect(result.imp_uid).toMatch(/^imp_\d{12}$/);
    expect(await keyRecords(page, params.customer_uid)).toMatchObject({
      charges: 0,
      payments: [{ imp_uid: result.imp_uid, customer_uid_usage: "issue", amount: 0 }],
    });
    await context.close();
  });

  it("refuses the 0002 test card with a clear error in the callback, storing no key", async () => {
    const context = await newContext(browser);
    const page = await shopPage(context);
    const params = billingParams();
    const popup = await openPaymentWindow(context, () => requestPay(page, params));
    await popup.getByLabel("카드번호").fill("5107-3700-0000-0002");
    await popup.getByLabel("유효기간 (YYYY-MM)").fill("2099-12");
    await popup.getByRole("button", { name: "카드 등록" }).click();
    expect(await callbackOf(page)).toMatchObject({
      success: false,
      imp_uid: null,
      error_code: "F0007",
      error_msg: "카드정보 인증에 실패하였습니다.",
    });
    expect(await keyRecords(page, params.customer_uid)).toMatchObject({ charges: 0, payments: [] });
    await context.close();
  });

  it("returns to m_redirect_url on a phone, with imp_uid, merchant_uid and imp_success", async () => {
    const context = await newContext(browser, PHONE);
    const page = await shopPage(context);
    const params = billingParams({ m_redirect_url: `${baseURL()}/healthz?from=billing` });
    await Promise.all([page.waitForURL(/\/sandbox\/iamport\/window/), requestPay(page, params)]);
    await page.getByLabel("카드번호").fill("4000 0000 0000 0051");
    await page.getByLabel("유효기간 (YYYY-MM)").fill("2099-12");
    await Promise.all([page.waitForURL(/\/healthz\?/), page.getByRole("button", { name: "카드 등록" }).click()]);
    const back = new URL(page.url());
    expect(back.searchParams.get("from")).toBe("billing");
    expect(back.searchParams.get("merchant_uid")).toBe(params.merchant_uid);
    expect(back.searchParams.get("imp_success")).toBe("true");
    expect(back.searchParams.get("imp_uid")).toMatch(/^imp_\d{12}$/);
    // The 0051 card registers; its charges are declined (test/integration/sandbox/billing-window.test.ts).
    expect(await keyRecords(page, params.customer_uid)).toMatchObject({ payments: [{ customer_uid_usage: "issue" }] });
    await context.close();
  });
});

describe("the test clock under wrangler dev", () => {
  it("is on in the local config and moves the sandbox with it", async () => {
    const context = await newContext(browser);
    const api = context.request;
    try {
      const moved = await api.post(`${baseURL()}/__test-clock/advance`, { data: { seconds: 31 * 86_400 } });
      expect(moved.status()).toBe(200);
      expect(await moved.json()).toMatchObject({ offset_seconds: 31 * 86_400, sandbox: { offset_seconds: 31 * 86_400 }, in_step: true });
      expect(await (await api.get(`${baseURL()}/__test-clock`)).json()).toMatchObject({ offset_seconds: 31 * 86_400, in_step: true });
    } finally {
      expect((await api.delete(`${baseURL()}/__test-clock`)).status()).toBe(200);
      await context.close();
    }
  });
});
