import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminUser, call, expectError, signUp, type TestUser } from "../helpers/http";
import { createCatalogueOrder, makeProduct } from "../helpers/catalogue";
import { createOrder } from "../helpers/orders";

const page = (path: string, opts: { user?: TestUser; lang?: string; cookie?: string } = {}) => {
  const headers: Record<string, string> = { accept: "text/html" };
  if (opts.lang) headers["accept-language"] = opts.lang;
  const cookies = [opts.user ? `pp_session=${opts.user.token}` : null, opts.cookie ?? null].filter(Boolean);
  return call("GET", path, { headers, ...(cookies.length ? { cookie: cookies.join("; ") } : {}) });
};

const htmlLang = (html: string) => html.match(/<html lang="(\w+)">/)?.[1];

// Page states set up directly in D1 (the pipeline's own tests prove how payments get there); each is a real row
// with its timeline, rendered by the real pages.
async function paymentIn(owner: TestUser, state: string): Promise<string> {
  const order = await createOrder(owner, 12_000, "선물 상자");
  const uid: string = order.merchant_uid;
  const now = Date.now();
  const steps: Record<string, [string, string, Record<string, unknown>][]> = {
    ready: [],
    verifying: [],
    paid: [["ready", "paid", { method: "card", paid_at: now }]],
    failed: [["ready", "failed", { fail_reason: "[3011] 카드 한도 초과" }]],
    rejected: [["ready", "rejected", { fail_reason: "amount mismatch: ordered 12000, paid 1000", method: "card" }]],
    cancelled: [["ready", "cancelled", { cancelled_at: now }]],
    partly: [
      ["ready", "paid", { method: "card", paid_at: now }],
      ["paid", "partially_cancelled", { cancelled_amount: 2_000, cancelled_at: now }],
    ],
    refunded: [
      ["ready", "paid", { method: "card", paid_at: now }],
      ["paid", "cancelled", { cancelled_amount: 12_000, cancelled_at: now }],
    ],
  };
  const impUid = state === "ready" ? null : `imp_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
  await env.DB.prepare("UPDATE payments SET imp_uid = ? WHERE merchant_uid = ?").bind(impUid, uid).run();
  const { id } = (await env.DB.prepare("SELECT id FROM payments WHERE merchant_uid = ?").bind(uid).first<{ id: number }>())!;
  for (const [from, to, set] of steps[state]!) {
    const cols = Object.keys(set);
    await env.DB.prepare(`UPDATE payments SET status = ?${cols.map((c) => `, ${c} = ?`).join("")} WHERE id = ?`)
      .bind(to, ...Object.values(set), id)
      .run();
    await env.DB.prepare("INSERT INTO payment_events (payment_id, from_status, to_status, source, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(id, from, to, to === "paid" ? "webhook" : "admin", `${from} to ${to}`, now)
      .run();
  }
  if (state === "partly" || state === "refunded") {
    await env.DB.prepare(
      "INSERT INTO refunds (payment_id, amount, reason, requested_by, source, status, created_at, updated_at) VALUES (?, ?, '고객 요청', NULL, 'admin', 'succeeded', ?, ?)",
    )
      .bind(id, state === "partly" ? 2_000 : 12_000, now, now)
      .run();
  }
  return uid;
}

describe("the pages' language", () => {
  it("is Korean by default and for Korean browsers, English for English ones, with <html lang> and Content-Language", async () => {
    for (const [accept, lang] of [
      [undefined, "ko"],
      ["ko-KR,ko;q=0.9", "ko"],
      ["en-US,en;q=0.9", "en"],
      ["ja-JP,en;q=0.5", "en"],
      ["ja-JP", "ko"],
      ["en;q=0.2,ko;q=0.8", "ko"],
    ] as const) {
      const res = await page("/login", accept ? { lang: accept } : {});
      const html = await res.text();
      expect(htmlLang(html), accept).toBe(lang);
      expect(res.headers.get("content-language"), accept).toBe(lang);
      expect(res.headers.get("vary"), accept).toContain("Accept-Language");
    }
    const ko = await (await page("/login")).text();
    expect(ko).toMatch(/<label for="f-email">이메일<\/label>/);
    expect(ko).toContain("<title>로그인 · pocketpay</title>");
    const en = await (await page("/login", { lang: "en" })).text();
    expect(en).toMatch(/<label for="f-email">Email<\/label>/);
  });

  it("is switched by a form that remembers the choice in a cookie read before Accept-Language", async () => {
    const form = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      call("POST", "/locale", {
        rawBody: new URLSearchParams(body).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      });
    const res = await form({ lang: "en", next: "/login?next=%2Fpayments" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fpayments");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^pp_lang=en;/);
    expect(cookie).toContain("Max-Age=31536000");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    // The remembered choice wins over the browser's languages, in both directions.
    expect(htmlLang(await (await page("/login", { lang: "ko-KR", cookie: "pp_lang=en" })).text())).toBe("en");
    expect(htmlLang(await (await page("/login", { lang: "en-US", cookie: "pp_lang=ko" })).text())).toBe("ko");
    // An unknown remembered value is ignored, not trusted.
    expect(htmlLang(await (await page("/login", { lang: "en-US", cookie: "pp_lang=xx" })).text())).toBe("en");

    // Only languages we have are remembered, and the way back never leaves the site.
    const unknown = await form({ lang: "xx", next: "/checkout" });
    expect(unknown.status).toBe(303);
    expect(unknown.headers.get("set-cookie")).toBeNull();
    for (const evil of ["//evil.example/x", "https://evil.example/", "/\\evil.example", ""]) {
      const r = await form({ lang: "ko", next: evil });
      expect(r.headers.get("location"), evil).toBe("/");
    }
    await expectError(await call("POST", "/locale", { body: { lang: "en" } }), 415, "unsupported_media_type");
  });

  it("shows amounts and Korea Standard Time the way each language writes them", async () => {
    const buyer = await signUp();
    const uid = await paymentIn(buyer, "paid");
    const created = (await env.DB.prepare("SELECT created_at FROM payments WHERE merchant_uid = ?").bind(uid).first<{ created_at: number }>())!
      .created_at;
    const seoul = new Date(created + 9 * 3_600_000);
    const hm = `${String(seoul.getUTCHours()).padStart(2, "0")}:${String(seoul.getUTCMinutes()).padStart(2, "0")}`;
    const ko = await (await page("/payments", { user: buyer })).text();
    expect(ko).toContain("12,000원");
    expect(ko).toContain(`${seoul.getUTCFullYear()}년 ${seoul.getUTCMonth() + 1}월 ${seoul.getUTCDate()}일 ${hm}`);
    expect(ko).toContain("결제 완료");
    const en = await (await page("/payments", { user: buyer, lang: "en" })).text();
    expect(en).toContain("₩12,000");
    expect(en).toContain(`${hm} KST`);
    expect(en).toContain("Paid");
  });

  it("keeps the JSON API's error messages in English and gives each field problem a code the pages explain", async () => {
    const res = await call("POST", "/api/auth/signup", {
      body: { email: "not an email", password: "short", name: "" },
      headers: { "accept-language": "ko-KR", cookie: "pp_lang=ko" },
    });
    const err = await expectError(res, 400, "invalid_request");
    expect(err.message).toContain("password: must be at least 10 characters");
    expect(err.details.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "email", code: "invalid_email" }),
        expect.objectContaining({ field: "password", code: "too_short", min: 10, message: "must be at least 10 characters" }),
        expect.objectContaining({ field: "name", code: "required" }),
      ]),
    );
    const simple = await expectError(
      await call("POST", "/api/auth/signup", { body: { email: "a@example.com", password: "aaaaaaaaaaaa", name: "x" } }),
      400,
    );
    expect(simple.details.fields).toEqual([expect.objectContaining({ field: "password", code: "too_simple" })]);
  });
});

describe("every page, in every language", () => {
  it("renders with no missing message and no unfilled placeholder", async () => {
    const buyer = await signUp();
    const admin = await adminUser();
    const states = ["ready", "verifying", "paid", "failed", "rejected", "cancelled", "partly", "refunded"];
    const uids = Object.fromEntries(await Promise.all(states.map(async (s) => [s, await paymentIn(buyer, s)] as const)));
    // The catalogue: a product with a labelled one-off price, a retired one and subscription plans (each billing
    // and trial wording), and an order with line items.
    const product = await makeProduct({
      name: "라테",
      prices: [
        { amount: 5_000, label: "라지" },
        { amount: 4_500 },
        { amount: 19_000, recurring: { interval: "month", interval_count: 1, trial_days: 14 } },
        { amount: 50_000, recurring: { interval: "month", interval_count: 3, trial_days: 0 } },
        { amount: 190_000, recurring: { interval: "year", interval_count: 1, trial_days: 0 } },
        { amount: 350_000, recurring: { interval: "year", interval_count: 2, trial_days: 0 } },
      ],
    });
    const [large, regular] = product.prices;
    await call("PATCH", `/api/admin/prices/${regular!.id}`, { token: admin.token, body: { active: false } });
    const order = await createCatalogueOrder(buyer, [{ price_id: large!.id, quantity: 2 }]);
    const pages: [string, TestUser | undefined, number][] = [
      ["/login", undefined, 200],
      ["/signup?next=%2Fpayments", undefined, 200],
      ["/no-such-page", undefined, 404],
      ["/checkout", buyer, 200],
      ["/checkout?name=Flowers&amount=25000", buyer, 200],
      ["/payments", buyer, 200],
      ["/payments?status=rejected", buyer, 200],
      ["/payments?status=partially_cancelled", admin, 200],
      [`/payments/pay_${"0".repeat(32)}`, buyer, 404],
      [`/payments/${uids.ready}?result=failed&code=F0005`, buyer, 200],
      [`/payments/${uids.ready}?result=failed&code=F400&message=${encodeURIComponent("카드사 점검 중")}`, buyer, 200],
      ["/admin/payments", buyer, 403],
      ["/admin/payments", admin, 200],
      ["/admin/payments?status=paid&email=nobody", admin, 200],
      ["/admin/roles", admin, 200],
      [`/checkout?cart=${large!.id}:2`, buyer, 200],
      [`/checkout?cart=${large!.id}:2`, admin, 200],
      [`/payments/${order.merchant_uid}`, buyer, 200],
      [`/admin/payments/${order.merchant_uid}`, admin, 200],
      ["/admin/products", admin, 200],
      [`/admin/products/${product.id}`, admin, 200],
      ["/admin/products/prod_nope", admin, 404],
      ...states.map((s) => [`/payments/${uids[s]}`, buyer, 200] as [string, TestUser, number]),
      ...states.map((s) => [`/admin/payments/${uids[s]}`, admin, 200] as [string, TestUser, number]),
    ];
    for (const lang of ["ko-KR", "en-US"]) {
      for (const [path, user, status] of pages) {
        const res = await page(path, { user, lang });
        expect(res.status, `${lang} ${path}`).toBe(status);
        const html = await res.text();
        expect(htmlLang(html), `${lang} ${path}`).toBe(lang.slice(0, 2));
        expect(html, `${lang} ${path}`).not.toContain("⟦");
        // Outside the script's own message templates, no {placeholder} is left in the page.
        const visible = html.replace(/<script type="application\/json" id="pp-messages">.*?<\/script>/s, "");
        expect(visible, `${lang} ${path}`).not.toMatch(/\{[a-zA-Z]+\}/);
      }
    }
    // The pages really are in each language (a page that fell back to one language would pass the checks above).
    const paidKo = await (await page(`/payments/${uids.paid}`, { user: buyer, lang: "ko" })).text();
    expect(paidKo).toContain("12,000원, 카드 결제가 완료되어 아임포트에서 확인되었습니다.");
    const paidEn = await (await page(`/payments/${uids.paid}`, { user: buyer, lang: "en" })).text();
    expect(paidEn).toContain("₩12,000 was paid by card and verified with Iamport.");
    const productKo = await (await page(`/admin/products/${product.id}`, { user: admin, lang: "ko" })).text();
    for (const text of ["월 19,000원", "14일 무료 체험", "3개월마다 50,000원", "연 190,000원", "2년마다 350,000원", "판매 중지", "다시 판매"]) {
      expect(productKo).toContain(text);
    }
    const productEn = await (await page(`/admin/products/${product.id}`, { user: admin, lang: "en" })).text();
    for (const text of ["₩19,000 / month", "14-day trial", "₩50,000 every 3 months", "₩190,000 / year", "₩350,000 every 2 years", "Not sold", "Sell again"]) {
      expect(productEn).toContain(text);
    }
    const orderEn = await (await page(`/payments/${order.merchant_uid}`, { user: buyer, lang: "en" })).text();
    expect(orderEn).toMatch(/<td>라테 \(라지\)<\/td><td class="num">₩5,000<\/td><td class="num">2<\/td><td class="num">₩10,000<\/td>/);
  });
});
