import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  newContext,
  launchChromium,
  merchantUidOf,
  openPaymentWindow,
  pageProblems,
  PASSWORD,
  PAYMENT_PAGE,
  PHONE,
  screenshot,
  seoul,
  adminCommand,
  localAdmin,
  logInByApi,
  signUpByApi,
  uniqueEmail,
  waitForStatus,
} from "./support";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
// No script errors and no CSP violations on any page, ours or the sandbox's payment window.
afterEach(() => {
  expect(pageProblems.splice(0)).toEqual([]);
});

// Shared between scenarios: the first buyer's paid order, which another user must not see.
const first = { email: uniqueEmail("first"), merchantUid: "" };

describe("in Chromium, a buyer", () => {
  it("signs up, buys a catalogue item, approves it in the sandbox window, and sees it paid and in the history", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();

    // A protected page sends a visitor to log in, keeping where they were going.
    await page.goto("/");
    await page.waitForURL(/\/login\?next=%2Fcheckout$/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/signup/);
    await page.getByLabel("Name").fill("Kim Minji");
    await page.getByLabel("Email").fill(first.email);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    // The API's 400 is shown beside the field it is about, and the field is marked invalid.
    const passwordError = page.locator("#f-password-error");
    await passwordError.waitFor();
    expect(await passwordError.textContent()).toBe("Password must be at least 10 characters.");
    expect(await page.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "desktop-signup-errors");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/checkout$/);

    await page.getByLabel("Gift box").check();
    const pay = page.getByRole("button", { name: "Pay ₩12,000" });
    await pay.waitFor();
    await screenshot(page, "desktop-checkout");

    // A double click makes one order: the button is disabled at once and the request carries an Idempotency-Key.
    const popup = await openPaymentWindow(context, () => pay.dblclick());
    expect(popup.url()).toContain("/sandbox/iamport/window");
    await popup.getByRole("button", { name: "결제 승인" }).click();

    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "paid");
    expect(await page.locator("h1").textContent()).toContain("Payment complete");
    expect(await page.locator("#payment").textContent()).toContain("₩12,000 was paid by card and verified with Iamport.");
    expect(await page.locator("ol.timeline").textContent()).toContain("Awaiting payment → Paid");
    first.merchantUid = merchantUidOf(page);
    await screenshot(page, "desktop-result-paid");

    const orders = await (await context.request.get("/api/payments")).json();
    expect(orders.items).toHaveLength(1);
    expect(orders.items[0]).toMatchObject({ merchant_uid: first.merchantUid, status: "paid", amount: 12_000 });

    await page.getByRole("link", { name: "History", exact: true }).click();
    await page.waitForURL(/\/payments$/);
    const row = page.locator("ul.payments li").first();
    const text = (await row.textContent())!;
    expect(text).toContain("Gift box");
    expect(text).toContain("₩12,000");
    expect(text).toContain("Paid");
    // Times are shown in Asia/Seoul; the API gives them in UTC.
    expect(text).toContain(`${seoul(orders.items[0].created_at)} KST`);
    await screenshot(page, "desktop-history");
    await context.close();
  });

  it("pays with the keyboard, has the card declined, and sees the payment failed with the card's reason", async () => {
    const context = await newContext(browser);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");

    await page.getByLabel("Americano").focus();
    await page.keyboard.press("ArrowDown");
    expect(await page.getByLabel("Café latte").isChecked()).toBe(true);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Pay ₩5,000");
    const popup = await openPaymentWindow(context, () => page.keyboard.press("Enter"));
    await popup.getByRole("button", { name: "카드 거절" }).click();

    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "failed");
    expect(await page.locator("h1").textContent()).toContain("Payment failed");
    expect(await page.locator("#payment").textContent()).toContain("카드 한도 초과");
    expect(await page.getByRole("link", { name: "Try again" }).getAttribute("href")).toBe("/checkout?name=Caf%C3%A9+latte&amount=5000");
    await screenshot(page, "desktop-result-failed");
    await context.close();
  });

  it("closes the payment window, then pays the same order again", async () => {
    const context = await newContext(browser);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");

    await page.getByLabel("Custom amount").check();
    await page.getByLabel("Item name").fill("Flower bouquet");
    await page.getByLabel("Amount (₩)").fill("50");
    await page.getByRole("button", { name: "Pay ₩50" }).click();
    const amountError = page.locator("#f-amount-error");
    await amountError.waitFor();
    expect(await amountError.textContent()).toBe("Amount (₩) must be at least 100.");
    await page.getByLabel("Amount (₩)").fill("25,000");

    let popup = await openPaymentWindow(context, () => page.getByRole("button", { name: "Pay ₩25,000" }).click());
    await popup.getByRole("button", { name: "창 닫기" }).click();
    await page.waitForURL(/result=failed/);
    expect(await page.locator("h1").textContent()).toContain("Payment window closed");
    expect(await page.locator("#payment").getAttribute("data-status")).toBe("ready");
    await screenshot(page, "desktop-result-closed");

    popup = await openPaymentWindow(context, () => page.getByRole("button", { name: "Pay ₩25,000" }).click());
    await popup.getByRole("button", { name: "결제 승인" }).click();
    await waitForStatus(page, "paid");
    const orders = await (await context.request.get("/api/payments")).json();
    expect(orders.items.map((p: { status: string }) => p.status)).toEqual(["paid"]);
    await context.close();
  });

  it("closes the payment window with the browser's own close, then cancels the order", async () => {
    const context = await newContext(browser);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");
    await page.getByLabel("Butter croissant").check();
    const popup = await openPaymentWindow(context, () => page.getByRole("button", { name: "Pay ₩3,800" }).click());
    await popup.close();

    await page.waitForURL(/result=failed/);
    expect(await page.locator("h1").textContent()).toContain("Payment window closed");
    await page.getByRole("button", { name: "Cancel order" }).click();
    await waitForStatus(page, "cancelled");
    expect(await page.locator("h1").textContent()).toContain("Order cancelled");
    expect(await page.locator("ol.timeline").textContent()).toContain("Awaiting payment → Cancelled");
    await screenshot(page, "desktop-result-cancelled");
    await context.close();
  });

  it("on a phone-sized screen, pays in redirect mode (no popup) and comes back to the same result page", async () => {
    const context = await newContext(browser, PHONE);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");
    await page.getByLabel("Café latte").check();
    expect(await page.locator("[data-mode-hint]").textContent()).toContain("go to the payment page");
    await screenshot(page, "phone-checkout");

    await page.getByRole("button", { name: "Pay ₩5,000" }).click();
    await page.waitForURL(/\/sandbox\/iamport\/window\?/);
    expect(new URL(page.url()).searchParams.get("mode")).toBe("redirect");
    await screenshot(page, "phone-payment-window");
    await page.getByRole("button", { name: "결제 승인" }).click();

    // Iamport's m_redirect_url (/payments/return) records the result and sends the buyer to the payment's page.
    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "paid");
    expect(context.pages()).toHaveLength(1);
    expect(await page.locator("h1").textContent()).toContain("Payment complete");
    await screenshot(page, "phone-result-paid");

    await page.goto("/payments");
    expect(await page.locator("ul.payments li").first().textContent()).toContain("₩5,000");
    await screenshot(page, "phone-history");
    await context.close();
  });

  it("in redirect mode, closing the payment page leaves the order open to pay again", async () => {
    const context = await newContext(browser);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout?mode=redirect");
    await page.getByLabel("Americano").check();
    await page.getByRole("button", { name: "Pay ₩4,500" }).click();
    await page.waitForURL(/\/sandbox\/iamport\/window\?/);
    await page.getByRole("button", { name: "창 닫기" }).click();
    await page.waitForURL(/\/payments\/pay_[0-9a-f]{32}\?result=failed/);
    expect(await page.locator("h1").textContent()).toContain("Payment not completed");
    await page.getByRole("button", { name: "Pay ₩4,500" }).click();
    await page.waitForURL(/\/sandbox\/iamport\/window\?/);
    await page.getByRole("button", { name: "결제 승인" }).click();
    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "paid");
    await context.close();
  });
});

describe("in Chromium, another user", () => {
  it("cannot open the first buyer's payment page (404), and logs out and back in", async () => {
    expect(first.merchantUid).toMatch(/^pay_/);
    const context = await newContext(browser);
    const email = await signUpByApi(context, uniqueEmail("other"));
    const page = await context.newPage();
    const res = await page.goto(`/payments/${first.merchantUid}`);
    expect(res!.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("Payment not found");
    expect(await page.content()).not.toContain("Gift box");
    await screenshot(page, "desktop-404");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    await page.goto("/payments");
    await page.waitForURL(/\/login\?next=%2Fpayments$/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("wrong password!");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.locator("[data-form-error]:not([hidden])").waitFor();
    expect(await page.locator("[data-form-error]").textContent()).toBe("The email or password is incorrect.");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/payments$/);
    expect(await page.locator(".empty").textContent()).toContain("No payments yet");
    await context.close();
  });

  it("is made an administrator by the operator's command, then granted and revoked on the administrators page", async () => {
    const colleague = await newContext(browser);
    const email = await signUpByApi(colleague, uniqueEmail("colleague"), "Park Jiwoo");
    const theirs = await colleague.newPage();
    expect((await theirs.goto("/admin/payments"))!.status()).toBe(403);

    // The operator: `npm run admin -- grant <email>` on the local database, refusing anything not surely an email.
    expect(adminCommand("grant", "x'; UPDATE users SET role='admin';--@example.com")).toMatchObject({ code: 2 });
    const granted = adminCommand("grant", email.toUpperCase());
    expect(granted.code, granted.out).toBe(0);
    expect(granted.out).toContain(`${email} is now an administrator`);
    expect((await theirs.goto("/admin/payments"))!.status()).toBe(200);

    // The seeded admin sees it on the administrators page, revokes it, and grants it again there.
    const context = await newContext(browser);
    await logInByApi(context, localAdmin().email, localAdmin().password);
    const page = await context.newPage();
    await page.goto("/admin/payments");
    await page.getByRole("link", { name: "Administrators" }).click();
    await page.waitForURL(/\/admin\/roles$/);
    expect(await page.locator("ol.timeline").textContent()).toMatch(new RegExp(`${email.replace(/[.+]/g, "\\$&")}: buyer → administrator, by cli:`));
    await page.getByRole("button", { name: `Revoke administrator rights of ${email}` }).click();
    await page.getByText(`${email}: administrator → buyer, by admin:${localAdmin().email}`).waitFor();
    expect((await theirs.goto("/admin/payments"))!.status()).toBe(403);

    // An address with no account: the API's 404 is shown on the form and nothing changes.
    await page.getByLabel("Email of an existing account").fill(`nobody-${email}`);
    await page.getByRole("button", { name: "Grant" }).click();
    await page.locator("[data-form-error]:not([hidden])").first().waitFor();
    await page.getByLabel("Email of an existing account").fill(email);
    await page.getByRole("button", { name: "Grant" }).click();
    await page.getByRole("button", { name: `Revoke administrator rights of ${email}` }).waitFor();
    await screenshot(page, "desktop-admin-roles");
    expect((await theirs.goto("/admin/payments"))!.status()).toBe(200);
    await context.close();
    await colleague.close();
  });

  it("as the admin, finds the first buyer's payment by email, sees its timeline and refunds part of it", async () => {
    const context = await newContext(browser);
    await logInByApi(context, localAdmin().email, localAdmin().password);
    const page = await context.newPage();
    await page.goto("/admin/payments");
    await page.getByLabel("Buyer email contains").fill(first.email.slice(0, 14));
    await page.getByLabel("Status").selectOption("paid");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=paid/);
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(first.email);
    await screenshot(page, "desktop-admin-list");

    await page.getByRole("link", { name: first.merchantUid }).click();
    await page.waitForURL(`**/admin/payments/${first.merchantUid}`);
    expect(await page.locator("ol.timeline").textContent()).toContain("Awaiting payment → Paid");
    const refund = page.locator("#refund");
    expect(await refund.textContent()).toContain("Refundable now: ₩12,000");
    await screenshot(page, "desktop-admin-payment");

    // More than is left: refused beside the amount, nothing refunded.
    await refund.getByLabel("Amount to refund (₩)").fill("12001");
    await refund.getByLabel("Reason").fill("Too much");
    await refund.getByRole("button", { name: "Refund" }).click();
    await refund.locator("[data-error-for=amount]:not([hidden])").waitFor();
    expect(await refund.locator("[data-error-for=amount]").textContent()).toContain("12000");

    // A partial refund: the payment page shows the new status, the refund and the timeline step.
    await refund.getByLabel("Amount to refund (₩)").fill("2,000");
    await refund.getByLabel("Reason").fill("One cup spilled");
    await refund.getByRole("button", { name: "Refund" }).click();
    await page.locator("#refund").getByText("Refundable now: ₩10,000").waitFor();
    expect(await page.locator("ol.timeline").first().textContent()).toContain("Paid → Partly refunded");
    expect(await page.textContent("body")).toContain("One cup spilled");
    await screenshot(page, "desktop-admin-refunded");
    await context.close();
  });
});
