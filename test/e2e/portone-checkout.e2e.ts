import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  auditState,
  baseURLV2,
  launchChromium,
  newContext,
  openPaymentWindow,
  pageProblems,
  PAYMENT_PAGE,
  PHONE,
  signUpByApi,
  waitForStatus,
} from "./support";

// The same pages on a GATEWAY=portone-v2 server (global-setup.ts baseURLV2): the cart opens PortOne's V2 window
// through PortOne.requestPayment (the sandbox's SDK standing in for cdn.portone.io), in a popup on a desktop and by
// redirection on a phone, and the buyer sees the verdict pocketpay got from PortOne's own record.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
// No script errors and no CSP violations on any page, ours or the sandbox's V2 window.
afterEach(() => {
  expect(pageProblems.splice(0)).toEqual([]);
});

const oneMore = (p: Page, name: string) => p.locator(`button[data-step="1"][aria-label="${name} 1개 더하기"]`);

describe("in Chromium, on PortOne V2, a buyer", () => {
  it("pays the cart in PortOne's popup and sees it paid, learning the verdict from complete?wait", async () => {
    const context = await newContext(browser, undefined, baseURLV2());
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");
    await oneMore(page, "카페라테").click();
    const pay = page.getByRole("button", { name: "5,000원 결제하기" });
    await pay.waitFor();

    const asked: string[] = [];
    page.on("request", (r) => {
      const url = new URL(r.url());
      if (/^\/api\/payments\/pay_/.test(url.pathname)) asked.push(`${r.method()} ${url.pathname.replace(/pay_[0-9a-f]{32}/, ":m")}${url.search} ${r.postData() ?? ""}`);
    });
    const popup = await openPaymentWindow(context, () => pay.click());
    expect(popup.url()).toContain("/sandbox/portone/window");
    expect(new URL(popup.url()).searchParams.get("mode")).toBe("popup");
    await expect.poll(() => popup.getByRole("heading").innerText()).toBe("결제하기");
    expect(await popup.locator("dd.amount").innerText()).toBe("5,000원");
    await popup.getByRole("button", { name: "결제 승인" }).click();

    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "paid");
    expect(await page.locator("h1").textContent()).toContain("결제 완료");
    // The window's answer went to complete as V2's {payment_id, tx_id}; the verdict came back in that one request.
    expect(asked[0]).toMatch(/^POST \/api\/payments\/:m\/complete\?wait=10 \{"payment_id":"pay_[0-9a-f]{32}","tx_id":"[0-9a-f-]{36}"\}$/);
    expect(asked.length).toBeLessThanOrEqual(2);
    await auditState(page, "v2-result-paid", { bothLanguages: false });
    await context.close();
  });

  it("has the card declined in the popup and sees the payment failed with the card company's reason", async () => {
    const context = await newContext(browser, undefined, baseURLV2());
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");
    await oneMore(page, "아메리카노").click();
    const pay = page.getByRole("button", { name: "4,500원 결제하기" });
    await pay.waitFor();
    const popup = await openPaymentWindow(context, () => pay.click());
    await popup.getByRole("button", { name: "카드 거절" }).click();
    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "failed");
    expect(await page.locator("h1").textContent()).toContain("결제 실패");
    await context.close();
  });

  it("on a phone-sized screen, pays by redirection (no popup) and comes back through redirect_url to the result", async () => {
    const context = await newContext(browser, PHONE, baseURLV2());
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");
    await oneMore(page, "카페라테").click();
    await page.getByRole("button", { name: "5,000원 결제하기" }).click();
    await page.waitForURL(/\/sandbox\/portone\/window\?/);
    expect(new URL(page.url()).searchParams.get("mode")).toBe("redirect");
    await page.getByRole("button", { name: "결제 승인" }).click();

    // PortOne's redirectUrl (/payments/return?paymentId=…&txId=…) reports the attempt and shows the payment's page.
    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "paid");
    expect(context.pages()).toHaveLength(1);
    expect(await page.locator("h1").textContent()).toContain("결제 완료");
    await context.close();
  });
});
