import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  adminCommand,
  auditState,
  ENGLISH,
  launchChromium,
  localAdmin,
  logInByApi,
  merchantUidOf,
  newContext,
  openPaymentWindow,
  pageProblems,
  PASSWORD,
  PAYMENT_PAGE,
  PHONE,
  seoulKo,
  signUpByApi,
  tabTo,
  uniqueEmail,
  waitForStatus,
} from "./support";

// The buyer's and the admin's journeys in Korean (the pages' first language). Every page state reached is
// audited: zero WCAG 2.1 A/AA violations (axe) in Korean and English, at its size and at 390×844, with a
// screenshot per language in test-artifacts/.

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

/** The cart's "one more" button for a product (its accessible name is in the page's language). */
const oneMore = (p: Page, name: string) => p.locator(`button[data-step="1"][aria-label="${name} 1개 더하기"], button[data-step="1"][aria-label="One more ${name}"]`);

/** Fills a cart in another page, the way the scenario did, and waits for the server's total on the pay button. */
const fillCart = (items: [string, number][], total: RegExp) => async (p: Page) => {
  for (const [name, n] of items) for (let i = 0; i < n; i++) await oneMore(p, name).click();
  await p.locator("button[data-pay]", { hasText: total }).waitFor();
};

/** Re-creates the sign-up form's errors in another page (the API refuses the short password; nothing is made). */
const signupErrors = async (p: Page) => {
  await p.locator("#f-name").fill("김민지");
  await p.locator("#f-email").fill(uniqueEmail("twin"));
  await p.locator("#f-password").fill("short");
  await p.locator("form[data-auth] button[type=submit]").click();
  await p.locator("#f-password-error:not([hidden])").waitFor();
};

describe("in Chromium, a buyer", () => {
  it("signs up, buys two products with quantities, approves it in the sandbox window, and sees the line items paid and in the history", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();

    // A protected page sends a visitor to log in, keeping where they were going.
    await page.goto("/");
    await page.waitForURL(/\/login\?next=%2Fcheckout$/);
    expect(await page.locator("html").getAttribute("lang")).toBe("ko");
    await auditState(page, "login");
    await page.getByRole("link", { name: "계정 만들기" }).click();
    await page.waitForURL(/\/signup/);
    await auditState(page, "signup");
    await page.getByLabel("이름").fill("김민지");
    await page.getByLabel("이메일").fill(first.email);
    await page.getByLabel("비밀번호").fill("short");
    await page.getByRole("button", { name: "계정 만들기" }).click();
    // The API's 400 is shown beside the field it is about, in the page's language, and the field is marked invalid.
    const passwordError = page.locator("#f-password-error");
    await passwordError.waitFor();
    expect(await passwordError.textContent()).toBe("비밀번호 항목은 10자 이상이어야 합니다.");
    expect(await page.getByLabel("비밀번호").getAttribute("aria-invalid")).toBe("true");
    await auditState(page, "signup-errors", { replay: signupErrors });
    await page.getByLabel("비밀번호").fill(PASSWORD);
    await page.getByRole("button", { name: "계정 만들기" }).click();
    await page.waitForURL(/\/checkout$/);

    // Two different products with quantities; the total shown is the server's quote, never the page's own sum.
    await auditState(page, "checkout");
    await oneMore(page, "아메리카노").click();
    await oneMore(page, "아메리카노").click();
    await oneMore(page, "선물 상자").click();
    const pay = page.getByRole("button", { name: "21,000원 결제하기" });
    await pay.waitFor();
    const cartLines = await page.locator("[data-cart-lines] li").evaluateAll((lis) => lis.map((li) => Array.from(li.children, (c) => c.textContent)));
    expect(cartLines).toEqual([
      ["아메리카노 × 2", "9,000원"],
      ["선물 상자 × 1", "12,000원"],
    ]);
    expect(await page.locator("#q-price_demo_americano").inputValue()).toBe("2");
    await auditState(page, "checkout-cart", { replay: fillCart([["아메리카노", 2], ["선물 상자", 1]], /₩21,000/) });

    // The script and stylesheet are static assets with content-hashed names, kept by browsers for a year.
    for (const href of [
      await page.locator("link[rel=stylesheet]").getAttribute("href"),
      await page.locator("script[src^='/assets/']").getAttribute("src"),
    ]) {
      expect(href).toMatch(/^\/assets\/app\.[0-9a-f]{12}\.(css|js)$/);
      const res = await context.request.get(href!);
      expect(res.status()).toBe(200);
      expect(res.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    }

    // A double click makes one order: the button is disabled at once and the request carries an Idempotency-Key.
    const popup = await openPaymentWindow(context, () => pay.dblclick());
    expect(popup.url()).toContain("/sandbox/iamport/window");
    await auditState(popup, "payment-window", { bothLanguages: false });
    // How the page learns the verdict: complete?wait, then at most one long-poll; never polling.
    const asked: string[] = [];
    page.on("request", (r) => {
      const url = new URL(r.url());
      if (/^\/api\/payments\/pay_/.test(url.pathname)) asked.push(`${r.method()} ${url.pathname.replace(/pay_[0-9a-f]{32}/, ":m")}${url.search}`);
    });
    await popup.getByRole("button", { name: "결제 승인" }).click();

    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "paid");
    expect(asked[0]).toBe("POST /api/payments/:m/complete?wait=10");
    expect(asked.slice(1).every((a) => a === "GET /api/payments/:m?wait=20")).toBe(true);
    expect(asked.length).toBeLessThanOrEqual(2);
    expect(await page.locator("h1").textContent()).toContain("결제 완료");
    expect(await page.locator("#payment").textContent()).toContain("21,000원, 카드 결제가 완료되어 아임포트에서 확인되었습니다.");
    expect(await page.locator("ol.timeline").textContent()).toContain("결제 대기 → 결제 완료");
    // The result page lists what was bought, as it was bought.
    expect(await page.locator(".line-items tbody tr").allInnerTexts()).toEqual(["아메리카노\t4,500원\t2\t9,000원", "선물 상자\t12,000원\t1\t12,000원"]);
    expect(await page.locator(".line-items tfoot").innerText()).toContain("21,000원");
    first.merchantUid = merchantUidOf(page);
    await auditState(page, "result-paid");

    const orders = await (await context.request.get("/api/payments")).json();
    expect(orders.items).toHaveLength(1);
    expect(orders.items[0]).toMatchObject({ merchant_uid: first.merchantUid, status: "paid", amount: 21_000, kind: "catalogue", name: "아메리카노 외 1건" });
    expect(orders.items[0].line_items.map((l: { name: string; quantity: number }) => [l.name, l.quantity])).toEqual([
      ["아메리카노", 2],
      ["선물 상자", 1],
    ]);

    await page.getByRole("link", { name: "결제 내역", exact: true }).click();
    await page.waitForURL(/\/payments$/);
    const row = page.locator("ul.payments li").first();
    const text = (await row.textContent())!;
    expect(text).toContain("아메리카노 외 1건");
    expect(text).toContain("21,000원");
    expect(text).toContain("아메리카노 × 2, 선물 상자 × 1");
    expect(text).toContain("결제 완료");
    // Times are shown in Korea Standard Time; the API gives them in UTC.
    expect(text).toContain(seoulKo(orders.items[0].created_at));
    await auditState(page, "history");

    // The language switch: English, remembered across pages, then back.
    await page.getByRole("button", { name: "English" }).click();
    await page.waitForURL(/\/payments$/);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await row.textContent()).toContain("₩21,000");
    await page.getByRole("link", { name: "Shop" }).click();
    expect(await page.locator("h1").textContent()).toBe("Shop");
    await page.getByRole("button", { name: "한국어" }).click();
    await page.waitForURL(/\/checkout$/);
    expect(await page.locator("h1").textContent()).toBe("상점");
    await context.close();
  });

  it("pays with the keyboard, has the card declined, and sees the payment failed with the card's reason", async () => {
    const context = await newContext(browser);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");

    await oneMore(page, "카페라테").focus();
    await page.keyboard.press("Space");
    await page.getByRole("button", { name: "5,000원 결제하기" }).waitFor();
    expect(await page.locator("#q-price_demo_cafe_latte").inputValue()).toBe("1");
    await tabTo(page, "button[data-pay]");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("5,000원 결제하기");
    const popup = await openPaymentWindow(context, () => page.keyboard.press("Enter"));
    await popup.getByRole("button", { name: "카드 거절" }).click();

    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "failed");
    expect(await page.locator("h1").textContent()).toContain("결제 실패");
    expect(await page.locator("#payment").textContent()).toContain("카드 한도 초과");
    // "Try again" brings the same cart back, priced again by the server.
    expect(await page.getByRole("link", { name: "다시 시도" }).getAttribute("href")).toBe("/checkout?cart=price_demo_cafe_latte%3A1");
    await auditState(page, "result-failed");
    await page.getByRole("link", { name: "다시 시도" }).click();
    await page.getByRole("button", { name: "5,000원 결제하기" }).waitFor();
    expect(await page.locator("#q-price_demo_cafe_latte").inputValue()).toBe("1");
    await context.close();
  });

  it("is told what is wrong with a cart beside the product, and that an empty cart cannot be paid", async () => {
    const context = await newContext(browser);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");

    await page.locator("button[data-pay]").click();
    const top = page.locator("#cart [data-form-error]");
    await top.waitFor();
    expect(await top.textContent()).toBe("먼저 상품을 하나 이상 담아 주세요.");
    // A quantity the server refuses is named beside that product, in words, and no total is shown.
    const tooMany = async (p: Page) => {
      await p.locator("#q-price_demo_americano").fill("100");
      await p.locator("#q-price_demo_americano-error:not([hidden])").waitFor();
    };
    await tooMany(page);
    expect(await page.locator("#q-price_demo_americano-error").textContent()).toBe("아메리카노 항목은 99 이하여야 합니다.");
    expect(await page.locator("#q-price_demo_americano").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#cart [data-total]").textContent()).toBe("—");
    await auditState(page, "checkout-cart-errors", {
      replay: async (twin) => {
        await tooMany(twin);
        expect(await twin.locator("#q-price_demo_americano-error").textContent()).toBe("아메리카노 must be at most 99.");
      },
    });
    const orders = await (await context.request.get("/api/payments")).json();
    expect(orders.items).toEqual([]);
    await context.close();
  });

  it("pays a custom amount (its own, labelled form), closes the payment window, then pays the same order again", async () => {
    const context = await newContext(browser);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");

    // The custom amount is its own form, offered because ALLOW_CUSTOM_AMOUNTS is on locally.
    await page.getByRole("heading", { name: "금액 직접 입력" }).waitFor();
    await page.getByLabel("상품명").fill("꽃다발");
    await page.getByLabel("금액(원)").fill("50");
    await page.getByRole("button", { name: "50원 결제하기" }).click();
    const amountError = page.locator("#f-amount-error");
    await amountError.waitFor();
    expect(await amountError.textContent()).toBe("금액(원) 항목은 100 이상이어야 합니다.");
    await auditState(page, "checkout-errors", {
      replay: async (twin) => {
        await twin.locator("#f-name").fill("Flowers");
        await twin.locator("#f-amount").fill("50");
        await twin.locator("#checkout button[type=submit]").click();
        await twin.locator("#f-amount-error:not([hidden])").waitFor();
        expect(await twin.locator("#f-amount-error").textContent()).toBe("Amount (₩) must be at least 100.");
      },
    });
    await page.getByLabel("금액(원)").fill("25,000");

    let popup = await openPaymentWindow(context, () => page.getByRole("button", { name: "25,000원 결제하기" }).click());
    await popup.getByRole("button", { name: "창 닫기" }).click();
    await page.waitForURL(/result=failed/);
    expect(await page.locator("h1").textContent()).toContain("결제창 닫힘");
    expect(await page.locator("#payment").getAttribute("data-status")).toBe("ready");
    expect(await page.locator("#payment .kind-note").textContent()).toContain("직접 입력 금액");
    await auditState(page, "result-closed");

    popup = await openPaymentWindow(context, () => page.getByRole("button", { name: "25,000원 결제하기" }).click());
    await popup.getByRole("button", { name: "결제 승인" }).click();
    await waitForStatus(page, "paid");
    const orders = await (await context.request.get("/api/payments")).json();
    expect(orders.items.map((p: { status: string; kind: string }) => [p.status, p.kind])).toEqual([["paid", "custom_amount"]]);
    await context.close();
  });

  it("closes the payment window with the browser's own close, then cancels the order", async () => {
    const context = await newContext(browser);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");
    await oneMore(page, "버터 크루아상").click();
    const popup = await openPaymentWindow(context, () => page.getByRole("button", { name: "3,800원 결제하기" }).click());
    await popup.close();

    await page.waitForURL(/result=failed/);
    expect(await page.locator("h1").textContent()).toContain("결제창 닫힘");
    await page.getByRole("button", { name: "주문 취소" }).click();
    await waitForStatus(page, "cancelled");
    expect(await page.locator("h1").textContent()).toContain("주문 취소됨");
    expect(await page.locator("ol.timeline").textContent()).toContain("결제 대기 → 취소됨");
    await auditState(page, "result-cancelled");
    await context.close();
  });

  it("on a phone-sized screen, pays in redirect mode (no popup) and comes back to the same result page", async () => {
    const context = await newContext(browser, PHONE);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout");
    await oneMore(page, "카페라테").click();
    expect(await page.locator("#cart [data-mode-hint]").textContent()).toContain("결제 페이지로 이동");
    await page.getByRole("button", { name: "5,000원 결제하기" }).waitFor();
    await auditState(page, "phone-checkout", { replay: fillCart([["카페라테", 1]], /₩5,000/) });

    await page.getByRole("button", { name: "5,000원 결제하기" }).click();
    await page.waitForURL(/\/sandbox\/iamport\/window\?/);
    expect(new URL(page.url()).searchParams.get("mode")).toBe("redirect");
    await auditState(page, "phone-payment-window", { bothLanguages: false });
    await page.getByRole("button", { name: "결제 승인" }).click();

    // Iamport's m_redirect_url (/payments/return) records the result and sends the buyer to the payment's page.
    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "paid");
    expect(context.pages()).toHaveLength(1);
    expect(await page.locator("h1").textContent()).toContain("결제 완료");
    await auditState(page, "phone-result-paid");

    await page.goto("/payments");
    expect(await page.locator("ul.payments li").first().textContent()).toContain("5,000원");
    await auditState(page, "phone-history");
    await context.close();
  });

  it("in redirect mode, closing the payment page leaves the order open to pay again", async () => {
    const context = await newContext(browser);
    await signUpByApi(context);
    const page = await context.newPage();
    await page.goto("/checkout?mode=redirect");
    await oneMore(page, "아메리카노").click();
    await page.getByRole("button", { name: "4,500원 결제하기" }).click();
    await page.waitForURL(/\/sandbox\/iamport\/window\?/);
    await page.getByRole("button", { name: "창 닫기" }).click();
    await page.waitForURL(/\/payments\/pay_[0-9a-f]{32}\?result=failed/);
    expect(await page.locator("h1").textContent()).toContain("결제 미완료");
    await auditState(page, "result-not-completed");
    await page.getByRole("button", { name: "4,500원 결제하기" }).click();
    await page.waitForURL(/\/sandbox\/iamport\/window\?/);
    await page.getByRole("button", { name: "결제 승인" }).click();
    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "paid");
    await context.close();
  });

  it("with the keyboard alone and in English, signs up, pays and reads the result", async () => {
    const context = await newContext(browser, ENGLISH);
    const page = await context.newPage();
    await page.goto("/signup");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    // The name field has the focus when the page opens.
    await tabTo(page, "#f-name");
    await page.keyboard.type("Alex Kim");
    await page.keyboard.press("Tab");
    await page.keyboard.type(uniqueEmail("keys"));
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/checkout$/);

    // Tab reaches each product's quantity buttons, Enter adds one, and Tab goes on to the pay button.
    await tabTo(page, 'button[aria-label="One more 선물 상자"]', 60);
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Pay ₩12,000" }).waitFor();
    await tabTo(page, "button[data-pay]");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Pay ₩12,000");
    const popup = await openPaymentWindow(context, () => page.keyboard.press("Enter"));
    await tabTo(popup, "button[data-action=approve]");
    await popup.keyboard.press("Enter");

    await page.waitForURL(PAYMENT_PAGE);
    await waitForStatus(page, "paid");
    // The first Tab reaches "Skip to content", which takes the focus to the page's content: the result.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    expect(await page.locator("main h1").textContent()).toContain("Payment complete");
    expect(await page.locator("#payment").textContent()).toContain("₩12,000 was paid by card and verified with Iamport.");
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
    expect(await page.locator("h1").textContent()).toBe("결제를 찾을 수 없습니다");
    expect(await page.content()).not.toContain("선물 상자");
    await auditState(page, "not-found");

    await page.getByRole("button", { name: "로그아웃" }).click();
    await page.waitForURL(/\/login$/);
    await page.goto("/payments");
    await page.waitForURL(/\/login\?next=%2Fpayments$/);
    await page.getByLabel("이메일").fill(email);
    await page.getByLabel("비밀번호").fill("wrong password!");
    await page.getByRole("button", { name: "로그인" }).click();
    await page.locator("[data-form-error]:not([hidden])").waitFor();
    expect(await page.locator("[data-form-error]").textContent()).toBe("이메일 또는 비밀번호가 올바르지 않습니다.");
    await auditState(page, "login-error", {
      replay: async (twin) => {
        await twin.locator("#f-email").fill(email);
        await twin.locator("#f-password").fill("wrong password!");
        await twin.locator("form[data-auth] button[type=submit]").click();
        await twin.locator("[data-form-error]:not([hidden])").waitFor();
        expect(await twin.locator("[data-form-error]").textContent()).toBe("The email or password is incorrect.");
      },
    });
    await page.getByLabel("비밀번호").fill(PASSWORD);
    await page.getByRole("button", { name: "로그인" }).click();
    await page.waitForURL(/\/payments$/);
    expect(await page.locator(".empty").textContent()).toContain("아직 결제가 없습니다.");
    await auditState(page, "history-empty");
    await context.close();
  });

  it("is made an administrator by the operator's command, then granted and revoked on the administrators page", async () => {
    const colleague = await newContext(browser);
    const email = await signUpByApi(colleague, uniqueEmail("colleague"), "박지우");
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
    await page.getByRole("link", { name: "관리자 계정 관리" }).click();
    await page.waitForURL(/\/admin\/roles$/);
    const quoted = email.replace(/[.+]/g, "\\$&");
    expect(await page.locator("ol.timeline").textContent()).toMatch(new RegExp(`${quoted}: 구매자 → 관리자, 변경한 사람: cli:`));
    await auditState(page, "admin-roles");
    await page.getByRole("button", { name: `${email}의 관리자 권한 회수` }).click();
    await page.getByText(`${email}: 관리자 → 구매자, 변경한 사람: admin:${localAdmin().email}`).waitFor();
    expect((await theirs.goto("/admin/payments"))!.status()).toBe(403);

    // An address with no account: the API's 404 is shown on the form, in words, and nothing changes.
    await page.getByLabel("기존 계정의 이메일").fill(`nobody-${email}`);
    await page.getByRole("button", { name: "권한 주기" }).click();
    await page.locator("[data-form-error]:not([hidden])").first().waitFor();
    expect(await page.locator("[data-form-error]:not([hidden])").first().textContent()).toBe("찾을 수 없습니다. 입력한 내용을 확인해 주세요.");
    await page.getByLabel("기존 계정의 이메일").fill(email);
    await page.getByRole("button", { name: "권한 주기" }).click();
    await page.getByRole("button", { name: `${email}의 관리자 권한 회수` }).waitFor();
    expect((await theirs.goto("/admin/payments"))!.status()).toBe(200);
    await context.close();
    await colleague.close();
  });

  it("as the admin, finds the first buyer's payment by email, sees its line items and refunds part of it", async () => {
    const context = await newContext(browser);
    await logInByApi(context, localAdmin().email, localAdmin().password);
    const page = await context.newPage();
    await page.goto("/admin/payments");
    await page.getByLabel("구매자 이메일(일부)").fill(first.email.slice(0, 14));
    await page.getByLabel("상태").selectOption("paid");
    await page.getByRole("button", { name: "필터 적용" }).click();
    await page.waitForURL(/status=paid/);
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(first.email);
    await auditState(page, "admin-list");

    await page.getByRole("link", { name: first.merchantUid }).click();
    await page.waitForURL(`**/admin/payments/${first.merchantUid}`);
    expect(await page.locator("ol.timeline").first().textContent()).toContain("결제 대기 → 결제 완료");
    const refund = page.locator("#refund");
    expect(await refund.textContent()).toContain("지금 환불할 수 있는 금액: 21,000원");
    expect(await page.locator(".line-items tbody tr").count()).toBe(2);
    await auditState(page, "admin-payment");

    // More than is left: refused beside the amount, in words, and nothing refunded.
    const tooMuch = async (p: Page) => {
      await p.locator("#refund #f-amount").fill("21001");
      await p.locator("#refund #f-reason").fill("Too much");
      await p.locator("#refund button[type=submit]").click();
      await p.locator("#refund [data-error-for=amount]:not([hidden])").waitFor();
    };
    await tooMuch(page);
    expect(await refund.locator("[data-error-for=amount]").textContent()).toBe("최대 21,000원까지 환불할 수 있습니다.");
    await auditState(page, "admin-refund-error", {
      replay: async (twin) => {
        await tooMuch(twin);
        expect(await twin.locator("#refund [data-error-for=amount]").textContent()).toBe("At most ₩21,000 can be refunded.");
      },
    });

    // A partial refund: the payment page shows the new status, the refund and the timeline step.
    await refund.getByLabel("환불 금액(원)").fill("2,000");
    await refund.getByLabel("사유").fill("한 잔을 쏟음");
    await refund.getByRole("button", { name: "환불하기" }).click();
    await page.locator("#refund").getByText("지금 환불할 수 있는 금액: 19,000원").waitFor();
    expect(await page.locator("ol.timeline").first().textContent()).toContain("결제 완료 → 부분 환불");
    expect(await page.textContent("body")).toContain("한 잔을 쏟음");
    await auditState(page, "admin-refunded");
    await context.close();
  });

  it("as the admin, adds a product, is told a taken slug beside it, changes its price, and the shop sells it at the new one", async () => {
    const context = await newContext(browser);
    await logInByApi(context, localAdmin().email, localAdmin().password);
    const page = await context.newPage();
    await page.goto("/admin/payments");
    await page.getByRole("navigation", { name: "관리자 메뉴" }).getByRole("link", { name: "상품" }).click();
    await page.waitForURL(/\/admin\/products$/);
    expect(await page.locator("tbody").textContent()).toContain("아메리카노");
    expect(await page.locator("tbody").textContent()).toContain("월 35,000원 (플러스)");
    await auditState(page, "admin-products");

    // A slug another product has: refused beside the slug, in words, and nothing is made.
    const tag = Date.now().toString(36);
    const takenSlug = async (p: Page) => {
      await p.locator("#f-name").fill("Scone");
      await p.locator("#f-slug").fill("americano");
      await p.locator("form[data-product-create] button[type=submit]").click();
      await p.locator("#f-slug-error:not([hidden])").waitFor();
    };
    await takenSlug(page);
    expect(await page.locator("#f-slug-error").textContent()).toBe("다른 상품이 이미 이 슬러그를 쓰고 있습니다.");
    await auditState(page, "admin-products-errors", {
      replay: async (twin) => {
        await takenSlug(twin);
        expect(await twin.locator("#f-slug-error").textContent()).toBe("Another product already uses this slug.");
      },
    });

    const name = `계절 스콘 ${tag}`;
    await page.getByLabel("상품명").fill(name);
    await page.getByLabel("슬러그").fill(`seasonal-scone-${tag}`);
    await page.getByLabel("가격(원)").fill("3,300");
    await page.getByRole("button", { name: "상품 만들기" }).click();
    await page.waitForURL(/\/admin\/products\/prod_[0-9a-f]{24}$/);
    expect(await page.locator("h1").textContent()).toContain(name);
    await auditState(page, "admin-product");

    // A price never changes: "changing" it makes a new price and stops selling the old one.
    await page.getByLabel("3,300원의 새 금액(원)").fill("3500");
    await page.getByRole("button", { name: "금액 바꾸기" }).click();
    await page.locator("tbody tr", { hasText: "3,500원" }).getByText("판매 중", { exact: true }).waitFor();
    expect(await page.locator("tbody tr", { hasText: "3,300원" }).textContent()).toContain("판매 중단됨");
    await auditState(page, "admin-product-repriced");

    // Buyers see only the new price; the total is the server's.
    await page.goto("/checkout");
    await oneMore(page, name).click();
    await page.getByRole("button", { name: "3,500원 결제하기" }).waitFor();
    expect(await page.locator("#cart").textContent()).not.toContain("3,300원");
    await context.close();
  });
});
