import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminUser, call, ORIGIN, signUp, type TestUser } from "../helpers/http";
import { createCatalogueOrder, oneOff } from "../helpers/catalogue";
import { createOrder } from "../helpers/orders";

const cookie = (u: TestUser) => `pp_session=${u.token}`;
const page = (path: string, u?: TestUser) =>
  call("GET", path, { headers: { accept: "text/html" }, ...(u ? { cookie: cookie(u) } : {}) });

describe("pages", () => {
  it("redirect a visitor without a session to /login with the page to come back to", async () => {
    for (const path of ["/checkout", "/payments", "/payments?status=paid", "/admin/payments", `/payments/pay_${"0".repeat(32)}`]) {
      const res = await page(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    const res = await page("/");
    expect(res.headers.get("location")).toBe("/checkout");
  });

  it("serve the login page, and send a signed-in visitor on to a same-site `next` only", async () => {
    const login = await page("/login?next=%2Fpayments");
    expect(login.status).toBe(200);
    const html = await login.text();
    expect(html).toContain('data-next="/payments"');
    expect(html).toMatch(/<label for="f-email">이메일<\/label>/);

    const buyer = await signUp();
    expect((await page("/login?next=%2Fpayments", buyer)).headers.get("location")).toBe("/payments");
    for (const evil of ["//evil.example/x", "/\\evil.example", "https://evil.example/", "/login"]) {
      const res = await page(`/login?next=${encodeURIComponent(evil)}`, buyer);
      expect(res.headers.get("location"), evil).toBe("/checkout");
    }
  });

  it("set the page security headers: a CSP of self (+ the SDK origin), no COOP that would cut the popup's opener", async () => {
    const buyer = await signUp();
    const res = await page("/checkout", buyer);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("cross-origin-opener-policy")).toBeNull();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    // The local SDK is loaded up front so that the popup opens within the buyer's click.
    expect(html).toContain('<script src="/sandbox/iamport/v1/iamport.js" defer=""></script>');
    expect(html).toMatch(/data-idempotency-key="[0-9a-f-]{36}"/);

    // The script and stylesheet are the built, content-hashed static assets, under the page's CSP of 'self'.
    for (const [kind, re] of [
      ["javascript", /<script src="(\/assets\/app\.[0-9a-f]{12}\.js)" defer=""><\/script>/],
      ["css", /<link rel="stylesheet" href="(\/assets\/app\.[0-9a-f]{12}\.css)"\/>/],
    ] as const) {
      const path = html.match(re)?.[1];
      expect(path, kind).toBeDefined();
      const asset = await env.ASSETS!.fetch(`${ORIGIN}${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get("content-type"), path).toContain(kind);
      expect(asset.headers.get("cache-control"), path).toBe("public, max-age=31536000, immutable");
      expect(asset.headers.get("x-content-type-options"), path).toBe("nosniff");
      const body = await asset.text();
      // The name is the content's hash, so a changed file is a new URL.
      const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body))), (b) =>
        b.toString(16).padStart(2, "0"),
      ).join("");
      expect(path).toContain(`.${digest.slice(0, 12)}.`);
    }
  });

  it("answer another user's payment page with the same 404 page as a payment that does not exist", async () => {
    const owner = await signUp();
    const other = await signUp();
    const order = await createOrder(owner, 12_000, "Gift box");

    const mine = await page(`/payments/${order.merchant_uid}`, owner);
    expect(mine.status).toBe(200);
    const html = await mine.text();
    expect(html).toContain("결제 대기");
    expect(html).toContain("12,000원");

    const theirs = await page(`/payments/${order.merchant_uid}`, other);
    expect(theirs.status).toBe(404);
    const missing = await page(`/payments/pay_${"f".repeat(32)}`, other);
    expect(missing.status).toBe(404);
    // The language switch returns to the address the visitor typed; nothing else on the page depends on it.
    const withoutSwitch = (html: string) => html.replace(/<input type="hidden" name="next" value="[^"]*"\/>/, "");
    const body = withoutSwitch(await theirs.text());
    expect(body).toContain("결제를 찾을 수 없습니다");
    expect(body).not.toContain("Gift box");
    expect(body).not.toContain(order.merchant_uid);
    expect(body.replace(/\s+/g, " ")).toBe(withoutSwitch(await missing.text()).replace(/\s+/g, " "));
    expect((await page("/payments/not-a-uid", owner)).status).toBe(404);
  });

  it("escape a payment name that contains markup, on the history, payment and admin pages", async () => {
    const buyer = await signUp({ name: `<img src=x onerror=alert(1)>` });
    const name = `<script>alert("x")</script>`;
    const order = await createOrder(buyer, 1_000, name);
    const admin = await adminUser();
    const escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;";
    for (const [path, who] of [
      ["/payments", buyer],
      [`/payments/${order.merchant_uid}`, buyer],
      [`/admin/payments?merchant_uid=${order.merchant_uid}`, admin],
      [`/admin/payments/${order.merchant_uid}`, admin],
    ] as const) {
      const res = await page(path, who);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).toContain(escaped);
      expect(html, path).not.toContain("<script>alert");
      expect(html, path).not.toContain("<img src=x");
    }
    // The window's message is shown as text too.
    const hinted = await page(`/payments/${order.merchant_uid}?result=failed&message=${encodeURIComponent("<b>hi</b>")}`, buyer);
    expect(await hinted.text()).toContain("&lt;b&gt;hi&lt;/b&gt;");
  });

  it("show admins every payment with filters and the refund section, and refuse the admin pages to buyers", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 4_500, "Americano");
    const admin = await adminUser();

    const list = await page(`/admin/payments?email=${encodeURIComponent(buyer.email.toUpperCase())}`, admin);
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain(order.merchant_uid);
    expect(html).toContain(buyer.email);

    const none = await (await page(`/admin/payments?email=${encodeURIComponent("%")}&status=paid&merchant_uid=${order.merchant_uid}`, admin)).text();
    expect(none).not.toContain(`/admin/payments/${order.merchant_uid}`);

    const detail = await page(`/admin/payments/${order.merchant_uid}`, admin);
    expect(detail.status).toBe(200);
    expect(await detail.text()).toContain("이 결제에는 환불할 금액이 없습니다.");

    // An admin opening a buyer's page is sent to the admin page for it.
    expect((await page(`/payments/${order.merchant_uid}`, admin)).headers.get("location")).toBe(`/admin/payments/${order.merchant_uid}`);
    expect((await page("/admin/payments", buyer)).status).toBe(403);
  });

  it("answer unknown paths with an HTML 404 for browsers and JSON for API clients", async () => {
    const html = await page("/no-such-page");
    expect(html.status).toBe(404);
    expect(html.headers.get("content-type")).toContain("text/html");
    const api = await call("GET", "/api/no-such-thing", { headers: { accept: "text/html" } });
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toContain("application/json");
  });
});

describe("catalogue pages", () => {
  it("show the shop's products from D1, with a cart prefilled from ?cart= and priced by the server", async () => {
    const buyer = await signUp();
    const tea = await oneOff(3_000, "보리차");
    const res = await page(`/checkout?cart=${encodeURIComponent(`${tea.priceId}:2,price_nope:1,garbage`)}`, buyer);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("보리차");
    expect(html).toMatch(new RegExp(`id="q-${tea.priceId}"[^>]*value="2"`));
    // The total and the pay button carry the server's price for the cart, in the page's language.
    expect(html).toContain("<span>보리차 × 2</span><span class=\"amount\">6,000원</span>");
    expect(html).toContain("6,000원 결제하기");
    expect(html).toContain(`aria-label="보리차 1개 더하기"`);
    // The custom amount is offered as its own, labelled form only because this config allows it.
    expect(html).toContain('id="custom-title">금액 직접 입력</h2>');
    const en = await (await call("GET", `/checkout?cart=${tea.priceId}:2`, { headers: { accept: "text/html", "accept-language": "en" }, cookie: cookie(buyer) })).text();
    expect(en).toContain("Pay ₩6,000");
    expect(en).toContain(`aria-label="One more 보리차"`);
  });

  it("ignore a ?cart= the server would refuse (over the limit), showing an empty cart rather than a wrong total", async () => {
    const buyer = await signUp();
    const big = await oneOff(9_000_000);
    const html = await (await page(`/checkout?cart=${big.priceId}:2`, buyer)).text();
    expect(html).toMatch(new RegExp(`id="q-${big.priceId}"[^>]*value="0"`));
    expect(html).toContain(`<strong data-total="true">—</strong>`);
    expect(html).not.toContain("18,000,000원");
  });

  it("escape product names and show line items on the result, history and admin pages", async () => {
    const buyer = await signUp();
    const { priceId, product } = await oneOff(1_500, `<img src=x onerror=alert(1)>`);
    const order = await createCatalogueOrder(buyer, [{ price_id: priceId, quantity: 3 }]);
    const admin = await adminUser();
    const escaped = "&lt;img src=x onerror=alert(1)&gt;";
    for (const [path, who] of [
      ["/checkout", buyer],
      ["/payments", buyer],
      [`/payments/${order.merchant_uid}`, buyer],
      [`/admin/payments/${order.merchant_uid}`, admin],
      ["/admin/products", admin],
      [`/admin/products/${product.id}`, admin],
    ] as const) {
      const res = await page(path, who);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).toContain(escaped);
      expect(html, path).not.toContain("<img src=x");
    }
    const result = await (await page(`/payments/${order.merchant_uid}`, buyer)).text();
    expect(result).toMatch(/<td class="num">1,500원<\/td><td class="num">3<\/td><td class="num">4,500원<\/td>/);
    const history = await (await page("/payments", buyer)).text();
    expect(history).toContain(`${escaped} × 3`);
  });

  it("label a custom amount as such, and send its \"try again\" to the custom form, a catalogue order's to its cart", async () => {
    const buyer = await signUp();
    const custom = await createOrder(buyer, 25_000, "꽃다발");
    const history = await (await page("/payments", buyer)).text();
    expect(history).toContain('<span class="badge kind">직접 입력 금액</span>');
    const { priceId } = await oneOff(2_000);
    const order = await createCatalogueOrder(buyer, [{ price_id: priceId, quantity: 2 }]);
    for (const [uid, href] of [
      [custom.merchant_uid, "/checkout?name=%EA%BD%83%EB%8B%A4%EB%B0%9C&amp;amount=25000"],
      [order.merchant_uid, `/checkout?cart=${priceId}%3A2`],
    ]) {
      await env.DB.prepare("UPDATE payments SET status = 'failed' WHERE merchant_uid = ?").bind(uid).run();
      const html = await (await page(`/payments/${uid}`, buyer)).text();
      expect(html, uid).toContain(`href="${href}"`);
    }
  });

  it("refuse the admin catalogue pages to buyers and answer an unknown product with 404", async () => {
    const buyer = await signUp();
    expect((await page("/admin/products", buyer)).status).toBe(403);
    const admin = await adminUser();
    const missing = await page("/admin/products/prod_nope", admin);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("상품을 찾을 수 없습니다");
    expect((await page("/admin/products/not-an-id", admin)).status).toBe(404);
  });
});
