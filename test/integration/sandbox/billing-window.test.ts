import { describe, expect, it } from "vitest";
import { api, billingKey, sbx, uid, webhooksOf } from "./client";

// The billing-key window (IMP.request_pay with customer_uid, iamport-v1.md §6.4; subscriptions.md "Browser key
// issuance") and what /subscribe/payments/again does with the keys it issues.

const register = (body: Record<string, unknown>) =>
  sbx("POST", "/__control/billing-key", { merchant_uid: uid("reg"), amount: 19_000, name: "커피 클럽 베이직", expiry: "2099-12", ...body });
const charges = async (customer_uid: string) => (await sbx("GET", `/__control/customers/${customer_uid}/charges`)).json;
const again = (customer_uid: string, merchant_uid = uid("ren"), amount = 19_000) =>
  api("POST", "/subscribe/payments/again", { customer_uid, merchant_uid, amount, name: "커피 클럽 베이직" });

/** The window's own page and its button endpoint, as the SDK drives them. */
function windowParams(params: Record<string, unknown>) {
  return { p: JSON.stringify(params), imp: "imp00000000" };
}

describe("the billing-key window", () => {
  it("registers the card under customer_uid and approves nothing: an `issue` record of 0, no webhook, no charge", async () => {
    const customer_uid = uid("cus");
    const res = await register({ customer_uid, card_number: "5107-3700-1234-5678", pg: "html5_inicis.INIBillTst", buyer_email: "minji@example.com" });
    expect(res.json).toMatchObject({ success: true, error_code: null, paid_amount: 0, status: "paid", pg_type: "billing" });
    expect(res.json.imp_uid).toMatch(/^imp_\d{12}$/);

    const key = (await api("GET", `/subscribe/customers/${customer_uid}`)).json.response;
    expect(key).toMatchObject({ customer_uid, pg_provider: "html5_inicis", pg_id: "INIBillTst", card_number: "510737*********8", customer_email: "minji@example.com" });
    const record = (await api("GET", `/payments/${res.json.imp_uid}`)).json.response;
    expect(record).toMatchObject({ customer_uid, customer_uid_usage: "issue", amount: 0, status: "paid", apply_num: null, pg_id: "INIBillTst" });
    expect(await webhooksOf(res.json.merchant_uid)).toEqual([]);
    expect(await charges(customer_uid)).toMatchObject({ charges: 0, paid: 0, failed: 0, payments: [{ customer_uid_usage: "issue", amount: 0 }] });
  });

  it("refuses the 0002 test card with Iamport's message, storing no key and no record", async () => {
    const customer_uid = uid("cus");
    const res = await register({ customer_uid, card_number: "5107-3700-0000-0002" });
    expect(res.json).toMatchObject({ success: false, imp_uid: null, error_code: "F0007", error_msg: "카드정보 인증에 실패하였습니다.", status: null });
    expect((await api("GET", `/subscribe/customers/${customer_uid}`)).status).toBe(404);
    expect((await api("GET", `/payments/find/${res.json.merchant_uid}`)).status).toBe(404);
    // A malformed number gets the bad-number message.
    const short = await register({ customer_uid, card_number: "1234-5678" });
    expect(short.json).toMatchObject({ success: false, error_code: "F0007", error_msg: "유효하지않은 카드번호를 입력하셨습니다." });
  });

  it("registers the 0051 test card, whose every charge is declined with code 0 and status failed", async () => {
    const customer_uid = uid("cus");
    expect((await register({ customer_uid, card_number: "4000-0000-0000-0051" })).json.success).toBe(true);
    const res = await again(customer_uid);
    expect(res).toMatchObject({ status: 200, json: { code: 0, message: null, response: { status: "failed", fail_reason: "[3011] 카드 한도 초과", customer_uid_usage: "payment" } } });
    expect(await charges(customer_uid)).toMatchObject({ charges: 1, paid: 0, failed: 1 });
  });

  it("opens as a card form on the billing channel and registers through its button, in popup and redirect mode", async () => {
    for (const mode of ["popup", "redirect"] as const) {
      const customer_uid = uid("cus");
      const params = { pg: "html5_inicis.INIBillTst", pay_method: "card", merchant_uid: uid("reg"), name: "플러스", amount: 35_000, customer_uid, m_redirect_url: mode === "redirect" ? "http://localhost/return" : undefined };
      const page = await sbx("GET", `/window?${new URLSearchParams({ ...windowParams(params), mode, origin: "http://localhost", nonce: "n" })}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain("정기결제 카드 등록");
      expect(page.text).toContain('<label for="card_number">카드번호</label>');
      expect(page.text).toContain("35,000원");
      expect(page.text).not.toContain('data-action="approve"');

      const act = await sbx("POST", "/__window/act", { ...windowParams(params), mode, action: "register", card_number: "4111111111111111", expiry: "2099-01" });
      expect(act.json).toMatchObject({ success: true, merchant_uid: params.merchant_uid, paid_amount: 0 });
      const record = (await api("GET", `/payments/${act.json.imp_uid}`)).json.response;
      expect(record).toMatchObject({ customer_uid, customer_uid_usage: "issue", channel: mode === "redirect" ? "mobile" : "pc" });
      expect((await api("GET", `/subscribe/customers/${customer_uid}`)).json.response.card_name).toBe("신한카드");
    }
  });

  it("closing the window registers nothing; a non-billing pg or a vbank method is refused before it opens", async () => {
    const customer_uid = uid("cus");
    const params = { pg: "html5_inicis.INIBillTst", merchant_uid: uid("reg"), amount: 0, customer_uid };
    const closed = await sbx("POST", "/__window/act", { ...windowParams(params), action: "close" });
    expect(closed.json).toMatchObject({ success: false, error_code: "F0005", imp_uid: null });
    expect((await api("GET", `/subscribe/customers/${customer_uid}`)).status).toBe(404);

    for (const [extra, field] of [[{ pg: "kakaopay.TCSUBSCRIP" }, "pg"], [{ pay_method: "vbank" }, "pay_method"]] as const) {
      const page = await sbx("GET", `/window?${new URLSearchParams({ ...windowParams({ ...params, ...extra }), mode: "popup", origin: "http://localhost", nonce: "n" })}`);
      expect(page.text).toContain(`결제 요청 파라메터가 올바르지 않습니다. (${field})`);
      expect(page.text).not.toContain('data-action="register"');
    }
  });

  it("re-registering a customer_uid re-points it at the new card, as Iamport does", async () => {
    const customer_uid = uid("cus");
    await register({ customer_uid, card_number: "4000-0000-0000-0051" });
    await register({ customer_uid, card_number: "5107-3700-1234-5678" });
    expect((await again(customer_uid)).json.response.status).toBe("paid");
  });
});

describe("/subscribe/payments/again with a registered key", () => {
  it("marks charges `payment` and scheduled runs `payment.scheduled`", async () => {
    const customer_uid = await billingKey();
    expect((await again(customer_uid)).json.response).toMatchObject({ status: "paid", customer_uid, customer_uid_usage: "payment", channel: "api" });
    const merchant_uid = uid("sch");
    const at = Math.floor(Date.now() / 1000) + 86_400;
    await api("POST", "/subscribe/payments/schedule", { customer_uid, schedules: [{ merchant_uid, schedule_at: at, amount: 19_000, name: "x" }] });
    await sbx("POST", "/__control/schedules/run", { merchant_uid, until: at });
    expect((await api("GET", `/payments/find/${merchant_uid}`)).json.response.customer_uid_usage).toBe("payment.scheduled");
    expect(await charges(customer_uid)).toMatchObject({ charges: 2, paid: 2 });
  });

  it("charges and then drops the answer under a processed timeout: the lookup by merchant_uid finds the one charge", async () => {
    const customer_uid = await billingKey();
    const merchant_uid = uid("ren");
    await sbx("POST", "/__control/faults", { path: "/subscribe/payments/again", kind: "timeout", processed: true, latency_ms: 200, match: merchant_uid });
    const lost = await again(customer_uid, merchant_uid);
    expect(lost.status).toBe(504);
    expect(lost.json).toBeUndefined();
    const found = await api("GET", `/payments/find/${merchant_uid}`);
    expect(found.json.response).toMatchObject({ merchant_uid, status: "paid", customer_uid_usage: "payment" });
    // Charging the same merchant_uid again is refused as Iamport does, and charges nothing.
    expect((await again(customer_uid, merchant_uid)).json).toEqual({ code: 1, message: "이미 결제가 이루어진 거래건입니다.", response: null });
    expect(await charges(customer_uid)).toMatchObject({ charges: 1, paid: 1 });
  });

  it("answers a deleted key with Iamport's error and charges nothing; the count stays readable", async () => {
    const customer_uid = uid("cus");
    await register({ customer_uid, card_number: "5107-3700-1234-5678" });
    expect((await again(customer_uid)).json.code).toBe(0);
    expect((await api("DELETE", `/subscribe/customers/${customer_uid}`)).json.code).toBe(0);
    const merchant_uid = uid("ren");
    expect(await again(customer_uid, merchant_uid)).toMatchObject({ status: 200, json: { code: -1, message: "등록되지 않은 구매자입니다.", response: null } });
    expect((await api("GET", `/payments/find/${merchant_uid}`)).status).toBe(404);
    expect(await charges(customer_uid)).toMatchObject({ charges: 1, paid: 1 });
  });

  it("retries a declined merchant_uid as a new attempt, but never charges a paid one twice", async () => {
    // Iamport refuses a second payment of a paid order only ("동일한 주문번호로 중복결제 불가"); a failed attempt is history.
    const declining = await billingKey("5107-3700-0000-0051");
    const merchant_uid = uid("ren");
    expect((await again(declining, merchant_uid)).json.response.status).toBe("failed");
    expect((await again(declining, merchant_uid)).json.response.status).toBe("failed");
    expect((await api("GET", `/payments/findAll/${merchant_uid}`)).json.response.total).toBe(2);
  });
});
