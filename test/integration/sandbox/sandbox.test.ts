import { describe, expect, it } from "vitest";
import { api, KEY, paid, sbx, settledWebhooks, token, uid } from "./client";

describe("sandbox tokens", () => {
  it("returns the same 40-hex token with the same expiry while it is valid", async () => {
    const a = await sbx("POST", "/users/getToken", KEY);
    const b = await sbx("POST", "/users/getToken", new URLSearchParams(KEY).toString(), {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(a.json).toMatchObject({ code: 0, message: null });
    expect(a.json.response.access_token).toMatch(/^[0-9a-f]{40}$/);
    expect(b.json.response.access_token).toBe(a.json.response.access_token);
    expect(b.json.response.expired_at).toBe(a.json.response.expired_at);
  });

  it("refuses wrong and missing credentials", async () => {
    const wrong = await sbx("POST", "/users/getToken", { imp_key: KEY.imp_key, imp_secret: "nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ code: -1, message: "인증에 실패하였습니다. API키와 secret을 확인하세요.", response: null });
    const missing = await sbx("POST", "/users/getToken", {});
    expect(missing.status).toBe(400);
    expect(missing.json.message).toBe("imp_key, imp_secret 파라메터가 누락되었습니다.");
  });

  it("accepts bare, Bearer and X-ImpTokenHeader tokens, and Authorization wins", async () => {
    const t = await token();
    const path = `/payments/${"imp_000000000000"}`;
    expect((await sbx("GET", path, undefined, { authorization: t })).status).toBe(404);
    expect((await sbx("GET", path, undefined, { authorization: `Bearer ${t}` })).status).toBe(404);
    expect((await sbx("GET", path, undefined, { "x-imptokenheader": t })).status).toBe(404);
    const both = await sbx("GET", path, undefined, { authorization: "wrong", "x-imptokenheader": t });
    expect(both.status).toBe(401);
    expect(both.json).toEqual({ code: -1, message: "Unauthorized", response: null });
    expect((await sbx("GET", path)).status).toBe(401);
  });
});

describe("sandbox prepare and pay", () => {
  it("pins the amount: a different amount fails before any payment exists", async () => {
    const merchant_uid = uid();
    expect((await api("POST", "/payments/prepare", { merchant_uid, amount: 12_000 })).json.response).toEqual({
      merchant_uid,
      amount: 12_000,
      currency: null,
    });
    const dup = await api("POST", "/payments/prepare", { merchant_uid, amount: 1 });
    expect(dup.json).toEqual({ code: 1, message: "이미 등록된 merchant_uid입니다.", response: null });

    const wrong = await sbx("POST", "/__control/pay", { merchant_uid, amount: 11_000, outcome: "paid" });
    expect(wrong.json).toMatchObject({ success: false, imp_uid: null, error_code: "F0001" });
    expect((await api("GET", `/payments/find/${merchant_uid}`)).status).toBe(404);

    const ok = await sbx("POST", "/__control/pay", { merchant_uid, amount: 12_000, outcome: "paid", webhook: "none" });
    expect(ok.json).toMatchObject({ success: true, merchant_uid, paid_amount: 12_000, status: "paid", error_code: null });
    const again = await sbx("POST", "/__control/pay", { merchant_uid, amount: 12_000, outcome: "paid" });
    expect(again.json).toMatchObject({ success: false, error_code: "F1002", error_msg: "이미 결제가 이루어진 거래건입니다." });

    const p = (await api("GET", `/payments/${ok.json.imp_uid}`)).json.response;
    expect(p).toMatchObject({
      imp_uid: ok.json.imp_uid,
      merchant_uid,
      amount: 12_000,
      cancel_amount: 0,
      status: "paid",
      currency: "KRW",
      sandbox: false,
      pg_provider: "html5_inicis",
      pay_method: "card",
      channel: "pc",
      failed_at: 0,
      cancelled_at: 0,
      cancel_history: [],
      vbank_num: null,
    });
    expect(p.imp_uid).toMatch(/^imp_\d{12}$/);
    expect(Number.isInteger(p.paid_at) && p.paid_at > 0).toBe(true);
  });

  it("keeps a declined attempt as failed and lets the order be paid afterwards", async () => {
    const merchant_uid = uid();
    const declined = await sbx("POST", "/__control/pay", { merchant_uid, amount: 5_000, outcome: "failed" });
    expect(declined.json).toMatchObject({ success: false, status: "failed", error_code: "F0004" });
    const ok = await sbx("POST", "/__control/pay", { merchant_uid, amount: 5_000, outcome: "paid", webhook: "none" });
    expect(ok.json.success).toBe(true);
    expect((await api("GET", `/payments/find/${merchant_uid}/failed`)).json.response.imp_uid).toBe(declined.json.imp_uid);
    const multi = await api("GET", `/payments?imp_uid[]=${declined.json.imp_uid}&imp_uid[]=imp_999999999999`);
    expect(multi.status).toBe(207);
    expect(multi.json.response).toHaveLength(1);
  });

  it("refuses a second approval of the same order even when both race", async () => {
    const merchant_uid = uid();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        sbx("POST", "/__control/pay", { merchant_uid, amount: 1_000, outcome: "paid", webhook: "none" }),
      ),
    );
    expect(results.filter((r) => r.json.success)).toHaveLength(1);
  });
});

describe("sandbox cancel", () => {
  it("cancels partially, then fully with checksum, then refuses", async () => {
    const { imp_uid, merchant_uid } = await paid(12_000);
    const badSum = await api("POST", "/payments/cancel", { imp_uid, amount: 3_000, checksum: 11_000 });
    expect(badSum).toMatchObject({ status: 200, json: { code: 1, response: null } });
    const over = await api("POST", "/payments/cancel", { imp_uid, amount: 13_000 });
    expect(over.json.message).toBe("결제취소에 실패하였습니다.(requested cancel amount is bigger than cancelable amount)");

    const part = await api("POST", "/payments/cancel", { imp_uid, amount: 3_000, checksum: 12_000, reason: "부분" });
    expect(part.json.response).toMatchObject({ status: "paid", cancel_amount: 3_000, cancel_reason: "부분" });
    expect(part.json.response.cancel_history[0].cancellation_id).toMatch(/^[0-9A-Z]{20}$/);

    const form = new URLSearchParams({ merchant_uid, checksum: "9000" }).toString();
    const rest = await sbx("POST", "/payments/cancel", form, {
      authorization: await token(),
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(rest.json.response).toMatchObject({ status: "cancelled", cancel_amount: 12_000 });
    expect(rest.json.response.cancel_history.map((h: any) => h.amount)).toEqual([3_000, 9_000]);

    const twice = await api("POST", "/payments/cancel", { imp_uid });
    expect(twice.json).toEqual({ code: 1, message: "이미 전액취소된 주문입니다.", response: null });
    const unknown = await api("POST", "/payments/cancel", { imp_uid: "imp_000000000001", merchant_uid });
    expect(unknown.json).toEqual({ code: 1, message: "취소할 결제건이 존재하지 않습니다.", response: null });
  });

  it("never over-refunds under concurrent cancels", async () => {
    const { imp_uid } = await paid(10_000);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => api("POST", "/payments/cancel", { imp_uid, amount: 3_000 })),
    );
    expect(results.filter((r) => r.json.code === 0)).toHaveLength(3);
    const p = (await api("GET", `/payments/${imp_uid}`)).json.response;
    expect(p.cancel_amount).toBe(9_000);
    expect(p.cancel_history).toHaveLength(3);
  });

  it("notifies API cancels only with enable_webhook, console cancels by default", async () => {
    const { imp_uid, merchant_uid } = await paid(10_000, { webhook_format: "form" });
    await api("POST", "/payments/cancel", { imp_uid, amount: 1_000 });
    await api("POST", "/payments/cancel", { imp_uid, amount: 1_000, enable_webhook: true });
    await sbx("POST", "/__control/cancel", { imp_uid, amount: 1_000 });
    const hooks = await settledWebhooks(merchant_uid, 2);
    expect(hooks).toHaveLength(2);
    for (const h of hooks) {
      expect(h.format).toBe("form");
      const body = new URLSearchParams(h.body);
      expect(body.get("status")).toBe("cancelled");
      expect(body.get("cancellation_id")).toMatch(/^[0-9A-Z]{20}$/);
      expect(typeof h.response_status === "number" || h.error !== null).toBe(true);
    }
  });
});

describe("sandbox webhooks", () => {
  it("sends one JSON webhook per approval by default, and duplicates on request", async () => {
    const a = uid();
    await sbx("POST", "/__control/pay", { merchant_uid: a, amount: 1_000, outcome: "paid" });
    const one = await settledWebhooks(a, 1);
    expect(one).toHaveLength(1);
    expect(JSON.parse(one[0].body)).toEqual({ imp_uid: one[0].imp_uid, merchant_uid: a, status: "paid" });

    const b = uid();
    await sbx("POST", "/__control/pay", { merchant_uid: b, amount: 1_000, outcome: "paid", webhook: { duplicates: 3 } });
    expect(await settledWebhooks(b, 3)).toHaveLength(3);

    const c = uid();
    await sbx("POST", "/__control/pay", { merchant_uid: c, amount: 1_000, outcome: "failed" });
    expect((await sbx("GET", `/__control/webhooks?merchant_uid=${c}`)).json.webhooks).toHaveLength(0);
  });
});

describe("sandbox faults", () => {
  it("fails the next matching calls the way the real API does, then recovers", async () => {
    const { imp_uid } = await paid(1_000);
    const path = `/payments/${imp_uid}`;
    await sbx("POST", "/__control/faults", { path, kind: "http_500", times: 2 });
    expect((await api("GET", path)).status).toBe(500);
    expect((await api("GET", path)).status).toBe(500);
    expect((await api("GET", path)).status).toBe(200);

    await sbx("POST", "/__control/faults", { path, method: "GET", kind: "code_error" });
    const codeErr = await api("GET", path);
    expect(codeErr.status).toBe(200);
    expect(codeErr.json.code).toBe(-1);

    await sbx("POST", "/__control/faults", { path, kind: "malformed" });
    const bad = await api("GET", path);
    expect(bad.status).toBe(200);
    expect(bad.json).toBeUndefined();

    await sbx("POST", "/__control/faults", { path, kind: "unauthorized" });
    expect((await api("GET", path)).status).toBe(401);

    await sbx("POST", "/__control/faults", { path, kind: "timeout", latency_ms: 50 });
    expect((await api("GET", path)).status).toBe(504);
  });

  it("a processed timeout applies the cancel but withholds the answer", async () => {
    const { imp_uid } = await paid(1_000);
    // `match` keeps the fault off other tests' cancels: only a body naming this payment triggers it.
    await sbx("POST", "/__control/faults", {
      path: "/payments/cancel",
      kind: "timeout",
      latency_ms: 10,
      processed: true,
      match: imp_uid,
    });
    const res = await api("POST", "/payments/cancel", { imp_uid });
    expect(res.status).toBe(504);
    expect((await api("GET", `/payments/${imp_uid}`)).json.response.status).toBe("cancelled");
  });
});

describe("sandbox billing", () => {
  it("issues a key and charges it; an unknown customer is refused", async () => {
    const customer_uid = uid("cust");
    const key = await api("POST", `/subscribe/customers/${customer_uid}`, {
      card_number: "5107-3700-1234-5678",
      expiry: "2030-12",
      birth: "900101",
    });
    expect(key.json.response).toMatchObject({ customer_uid, card_number: "510737*********8" });
    const merchant_uid = uid();
    const charge = await api("POST", "/subscribe/payments/again", { customer_uid, merchant_uid, amount: 9_900, name: "월 구독" });
    expect(charge.json.response).toMatchObject({ status: "paid", channel: "api", customer_uid, amount: 9_900 });
    const unknown = await api("POST", "/subscribe/payments/again", {
      customer_uid: uid("nobody"),
      merchant_uid: uid(),
      amount: 1,
      name: "x",
    });
    // IAMPORTER test/payment.test.js (message); iamport-rest-client-python#19 (code -1).
    expect(unknown.json).toEqual({ code: -1, message: "등록되지 않은 구매자입니다.", response: null });
  });
});

describe("sandbox browser side", () => {
  it("serves the SDK and an escaped payment window", async () => {
    const sdk = await sbx("GET", "/v1/iamport.js");
    expect(sdk.headers.get("content-type")).toContain("javascript");
    expect(sdk.text).toContain("window.IMP");
    const p = encodeURIComponent(JSON.stringify({ merchant_uid: uid(), amount: 12_000, name: "<img src=x>" }));
    const page = await sbx("GET", `/window?p=${p}&imp=imp00000000&mode=popup&origin=http%3A%2F%2Flocalhost%3A8787&nonce=n`);
    expect(page.text).toContain("12,000원");
    expect(page.text).toContain("&lt;img src=x&gt;");
    expect(page.text).not.toContain("<img src=x>");
    expect(page.text).toContain("결제 승인");
  });

  it("closing the window creates nothing", async () => {
    const merchant_uid = uid();
    const res = await sbx("POST", "/__window/act", {
      p: JSON.stringify({ merchant_uid, amount: 1_000 }),
      imp: "imp00000000",
      action: "close",
    });
    expect(res.json).toMatchObject({ success: false, imp_uid: null, error_code: "F0005" });
    expect((await api("GET", `/payments/find/${merchant_uid}`)).status).toBe(404);
  });

  it("answers unknown routes and bad input with the envelope, never 500", async () => {
    expect((await sbx("GET", "/nope")).json).toEqual({ code: -1, message: "Not Found", response: null });
    const bad = await api("POST", "/payments/prepare", "{not json", );
    expect(bad.status).toBe(400);
    expect((await api("POST", "/payments/prepare", { merchant_uid: "x".repeat(41), amount: 1 })).status).toBe(400);
  });

  it("words validation errors as Iamport does, in Korean, with the validator's detail left to the log", async () => {
    // Iamport's own pattern: `imp_key, imp_secret 파라메터가 누락되었습니다.` (reference §2).
    const long = await api("POST", "/payments/prepare", { merchant_uid: "x".repeat(41), amount: 1 });
    expect(long.json).toEqual({ code: -1, message: "merchant_uid 파라메터가 올바르지 않습니다.", response: null });
    const missing = await api("POST", "/payments/prepare", { merchant_uid: uid() });
    expect(missing.json).toEqual({ code: -1, message: "amount 파라메터가 누락되었습니다.", response: null });
    const nested = await api("POST", "/subscribe/payments/schedule", {
      customer_uid: uid("nobody"),
      card_number: "4111-1111-1111-1111",
      expiry: "2099-12",
      schedules: [{ merchant_uid: uid(), schedule_at: "soon", amount: 1, name: "x" }],
    });
    expect(nested.json.message).toBe("schedules[0].schedule_at 파라메터가 올바르지 않습니다.");
    for (const res of [long, missing, nested]) expect(res.json.message).not.toMatch(/Invalid|expected|Too big/);
    // Keys that name an object's prototype are taken as plain keys, never walked into.
    const form = new URLSearchParams({ "__proto__[polluted]": "1", "constructor[prototype][x]": "1", merchant_uid: uid(), amount: "100" });
    const prepared = await sbx("POST", "/payments/prepare", form.toString(), {
      authorization: await token(),
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(prepared.json).toMatchObject({ code: 0, response: { amount: 100 } });
  });
});
