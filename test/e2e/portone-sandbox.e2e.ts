import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditState, baseURL, launchChromium, newContext, openPaymentWindow, pageProblems, PHONE } from "./support";

// The PortOne V2 sandbox's browser SDK (/sandbox/portone/v2/browser-sdk.js) in Chromium, called the way a shop's
// page calls PortOne's: PortOne.requestPayment and PortOne.requestIssueBillingKey return a promise of the response
// (popup), or navigate to redirectUrl with the response in the query (redirection, on a phone). Until pocketpay has
// a page that opens it, the SDK is loaded into one of pocketpay's own pages (same origin, so its CSP admits it).

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

// sandbox/wrangler.toml's V2 values.
const STORE_ID = "store-00000000-0000-4000-8000-000000000000";
const CHANNEL_KEY = "channel-key-00000000-0000-4000-8000-000000000000";
const API_SECRET = "sandbox_portone_api_secret_0123456789abcdef";

async function shopPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto("/login", { waitUntil: "domcontentloaded" });
  await page.addScriptTag({ url: "/sandbox/portone/v2/browser-sdk.js" });
  return page;
}

/** Calls PortOne.<method>(request) in the page; the resolved response lands in window.__portone. */
async function call(page: Page, method: "requestPayment" | "requestIssueBillingKey", request: Record<string, unknown>) {
  await page.evaluate(
    ([m, r]) => {
      (window as any).PortOne[m as string](r).then((res: unknown) => {
        (window as any).__portone = res;
      });
    },
    [method, request] as const,
  );
}

async function responseOf(page: Page): Promise<Record<string, string>> {
  await page.waitForFunction(() => (window as any).__portone !== undefined);
  return page.evaluate(() => (window as any).__portone);
}

const lookup = async (page: Page, path: string) =>
  (await page.request.get(`${baseURL()}/sandbox/portone${path}`, { headers: { authorization: `PortOne ${API_SECRET}` } })).json();

const payment = (extra: Record<string, unknown> = {}) => ({
  storeId: STORE_ID,
  channelKey: CHANNEL_KEY,
  paymentId: `v2e2e-${crypto.randomUUID()}`,
  orderName: "핸드드립 세트",
  totalAmount: 32_000,
  currency: "KRW",
  payMethod: "CARD",
  ...extra,
});

describe("the PortOne V2 sandbox SDK", () => {
  it("pays in the popup: requestPayment resolves with paymentId and txId, and the payment is PAID", async () => {
    const context = await newContext(browser);
    const page = await shopPage(context);
    const request = payment();
    const popup = await openPaymentWindow(context, () => call(page, "requestPayment", request));
    expect(popup.url()).toContain("/sandbox/portone/window");
    await expect.poll(() => popup.getByRole("heading").innerText()).toBe("결제하기");
    expect(await popup.locator("dd.amount").innerText()).toBe("32,000원");
    await auditState(popup, "portone-window", { bothLanguages: false });
    await popup.getByRole("button", { name: "결제 승인" }).click();
    const res = await responseOf(page);
    expect(res).toEqual({ transactionType: "PAYMENT", paymentId: request.paymentId, txId: expect.any(String) });
    expect(await lookup(page, `/payments/${request.paymentId}`)).toMatchObject({ status: "PAID", transactionId: res.txId });
    await context.close();
  });

  it("resolves with a code when the buyer closes the popup, storing nothing", async () => {
    const context = await newContext(browser);
    const page = await shopPage(context);
    const request = payment();
    const popup = await openPaymentWindow(context, () => call(page, "requestPayment", request));
    await popup.close();
    expect(await responseOf(page)).toMatchObject({ transactionType: "PAYMENT", paymentId: request.paymentId, code: "FAILURE_TYPE_PG" });
    expect(await lookup(page, `/payments/${request.paymentId}`)).toMatchObject({ type: "PAYMENT_NOT_FOUND" });
    await context.close();
  });

  it("issues a billing key in the popup: requestIssueBillingKey resolves with billingKey", async () => {
    const context = await newContext(browser);
    const page = await shopPage(context);
    const popup = await openPaymentWindow(context, () =>
      call(page, "requestIssueBillingKey", { storeId: STORE_ID, channelKey: CHANNEL_KEY, billingKeyMethod: "CARD", issueName: "커피 클럽" }),
    );
    await expect.poll(() => popup.getByRole("heading").innerText()).toBe("정기결제 카드 등록");
    await auditState(popup, "portone-billing-window", { bothLanguages: false });
    await popup.getByLabel("카드번호").fill("4111-1111-1111-1111");
    await popup.getByLabel("유효기간 (YYYY-MM)").fill("2099-12");
    await popup.getByRole("button", { name: "카드 등록" }).click();
    const res = await responseOf(page);
    expect(res.transactionType).toBe("ISSUE_BILLING_KEY");
    expect(res.code).toBeUndefined();
    expect(await lookup(page, `/billing-keys/${res.billingKey}`)).toMatchObject({ status: "ISSUED", issueName: "커피 클럽" });
    await context.close();
  });

  it("redirects on a phone to redirectUrl with paymentId, txId and transactionType (code on failure)", async () => {
    const context = await newContext(browser, PHONE);
    const page = await shopPage(context);
    const request = payment({ redirectUrl: `${baseURL()}/healthz?from=portone` });
    await Promise.all([page.waitForURL(/\/sandbox\/portone\/window/), call(page, "requestPayment", request)]);
    await Promise.all([page.waitForURL(/\/healthz\?/), page.getByRole("button", { name: "카드 거절" }).click()]);
    const back = new URL(page.url()).searchParams;
    expect(back.get("from")).toBe("portone");
    expect(back.get("paymentId")).toBe(request.paymentId);
    expect(back.get("transactionType")).toBe("PAYMENT");
    expect(back.get("code")).toBe("FAILURE_TYPE_PG");
    expect(back.get("txId")).toBeTruthy();
    expect(await lookup(page, `/payments/${request.paymentId}`)).toMatchObject({ status: "FAILED" });
    await context.close();
  });
});
