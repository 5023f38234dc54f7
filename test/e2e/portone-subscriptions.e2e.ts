import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditState, baseURLV2, launchChromium, newContext, openPaymentWindow, pageProblems, PHONE, signUpByApi } from "./support";

// Card registration on a GATEWAY=portone-v2 server (global-setup.ts baseURLV2): subscribing opens PortOne's V2
// billing-key window through PortOne.requestIssueBillingKey (the sandbox's SDK standing in for cdn.portone.io), in a
// popup on a desktop and by redirection on a phone; the billingKey it answers is confirmed (looked up at PortOne) and
// the first charge makes the subscription active.

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

const SUBSCRIBE = "커피 클럽 (베이직) 구독하기";
const REGISTERED = /\/subscriptions\/sub_[0-9a-f]{32}\?card=registered$/;

describe("in Chromium, on PortOne V2, a subscriber", () => {
  it("registers a card in PortOne's billing-key popup; the key is confirmed and the first charge makes it active", async () => {
    const context = await newContext(browser, undefined, baseURLV2());
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/subscriptions");
    const confirms: string[] = [];
    page.on("request", (r) => {
      if (/\/card\/confirm$/.test(new URL(r.url()).pathname)) confirms.push(r.postData() ?? "");
    });
    const popup = await openPaymentWindow(context, () => page.getByRole("button", { name: SUBSCRIBE }).click());
    expect(popup.url()).toContain("/sandbox/portone/window");
    expect(new URL(popup.url()).searchParams.get("kind")).toBe("billing");
    await expect.poll(() => popup.getByRole("heading").innerText()).toBe("정기결제 카드 등록");
    await popup.getByLabel("카드번호").fill("4111-1111-1111-1111");
    await popup.getByLabel("유효기간 (YYYY-MM)").fill("2099-12");
    await popup.getByRole("button", { name: "카드 등록" }).click();

    await page.waitForURL(REGISTERED);
    // The window's answer went to confirm in V2's words: the billingKey PortOne named.
    expect(confirms).toHaveLength(1);
    expect(JSON.parse(confirms[0]!)).toEqual({ billing_key: expect.stringMatching(/^billing-key-/) });
    await page.locator('#subscription[data-status="active"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("[data-invoice]").count()).toBe(1);
    expect(await page.locator("[data-next-charge]").innerText()).toMatch(/19,000원$/);
    await auditState(page, "v2-subscription-active", { bothLanguages: false });
    await context.close();
  });

  it("closes the window without a card: the page says so and the subscription stays incomplete", async () => {
    const context = await newContext(browser, undefined, baseURLV2());
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/subscriptions");
    const popup = await openPaymentWindow(context, () => page.getByRole("button", { name: SUBSCRIBE }).click());
    await popup.getByRole("button", { name: "창 닫기" }).click();
    await page.waitForURL(/\/subscriptions\/sub_[0-9a-f]{32}\?card=failed/);
    await page.locator('#subscription[data-status="incomplete"]').waitFor();
    await context.close();
  });

  it("on a phone-sized screen, registers by redirection and comes back through redirect_url, which confirms", async () => {
    const context = await newContext(browser, PHONE, baseURLV2());
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/subscriptions");
    await page.getByRole("button", { name: SUBSCRIBE }).click();
    await page.waitForURL(/\/sandbox\/portone\/window\?/);
    expect(new URL(page.url()).searchParams.get("mode")).toBe("redirect");
    await page.getByLabel("카드번호").fill("4111-1111-1111-1111");
    await page.getByLabel("유효기간 (YYYY-MM)").fill("2099-12");
    await page.getByRole("button", { name: "카드 등록" }).click();
    // PortOne's redirectUrl (/subscriptions/return?subscription=…&billingKey=…) confirms and shows the subscription.
    await page.waitForURL(REGISTERED);
    expect(context.pages()).toHaveLength(1);
    await page.locator('#subscription[data-status="active"]').waitFor({ timeout: 30_000 });
    await context.close();
  });
});
