import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditState, baseURL, launchChromium, logInByApi, newContext, openPaymentWindow, pageProblems, PASSWORD, signUpByApi } from "./support";

// A subscriber's month, in Korean: subscribe to a plan, register the card in the sandbox's billing-key window, see
// the next charge in the portal; then the test clock moves a month (app and sandbox together), the cron runs, and
// the portal shows the renewal and its invoice. Every state reached is audited in both languages.

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

const DAY_S = 86_400;

describe("subscriptions", () => {
  it("subscribe, register a card, see the next charge; a month later, the renewal and its invoice", async () => {
    const context = await newContext(browser);
    const email = await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/subscriptions");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("정기결제");
    await auditState(page, "subscriptions-plans");

    // The 베이직 plan of the demo catalogue: the billing-key window opens; nothing is charged there.
    const popup = await openPaymentWindow(context, () => page.getByRole("button", { name: "커피 클럽 (베이직) 구독하기" }).click());
    await expect.poll(() => popup.getByRole("heading").innerText()).toBe("정기결제 카드 등록");
    await popup.getByLabel("카드번호").fill("4111-1111-1111-1111");
    await popup.getByLabel("유효기간 (YYYY-MM)").fill("2099-12");
    await popup.getByRole("button", { name: "카드 등록" }).click();

    // The server confirms the key with Iamport, then the first charge goes through the queue; the page follows it.
    await page.waitForURL(/\/subscriptions\/sub_[0-9a-f]{32}\?card=registered$/);
    await page.locator('#subscription[data-status="active"]').waitFor({ timeout: 30_000 });
    const id = await page.locator("#subscription").getAttribute("data-id");
    const next = await page.locator("[data-next-charge]").innerText();
    expect(next).toMatch(/^\d{4}년 \d{1,2}월 \d{1,2}일 \d\d:\d\d · 19,000원$/);
    expect(await page.locator("[data-invoice]").count()).toBe(1);
    expect(await page.locator("#subscription").innerText()).toContain("411111*********1");
    await auditState(page, "subscription-active");

    const api = context.request;
    try {
      // A month (and a day) passes for the app and the sandbox together; the cron finds the renewal due.
      expect((await api.post(`${baseURL()}/__test-clock/advance`, { data: { seconds: 32 * DAY_S } })).status()).toBe(200);
      expect((await api.get(`${baseURL()}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`)).status()).toBe(200);
      // A month is longer than a session lives (30 days): the subscriber signs in again.
      await logInByApi(context, email, PASSWORD);
      await expect
        .poll(
          async () => {
            await page.goto(`/subscriptions/${id}`);
            return page.locator("[data-invoice]").count();
          },
          { timeout: 30_000, interval: 1000 },
        )
        .toBe(2);
      await page.locator('#subscription[data-status="active"]').waitFor();
      const renewal = page.locator('[data-invoice="2"]');
      expect(await renewal.locator(".badge").first().innerText()).toBe("결제 완료");
      expect(await renewal.locator("ul.attempts").innerText()).toContain("1회차");
      expect(await page.locator("ol.timeline").innerText()).toContain("갱신 결제 완료");
      // The next charge moved a period on.
      expect(await page.locator("[data-next-charge]").innerText()).not.toBe(next);
      await auditState(page, "subscription-renewed");
    } finally {
      await api.delete(`${baseURL()}/__test-clock`);
    }
    await context.close();
  });
});
