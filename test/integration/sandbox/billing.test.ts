import { describe, expect, it } from "vitest";
import { api, apiForm, billingKey, paid, settledWebhooks, uid, webhooksOf } from "./client";

// Billing keys and non-authenticated payments, each citing the operation of the official schema
// (shared/reference/iamport-v1.openapi.json) or the source named in sandbox/README.md.

/** This month in Korea as YYYY-MM: a card expiring this month is still good. */
function kstMonth(offsetMonths = 0): string {
  const d = new Date(Date.now() + 9 * 3600_000);
  const m = d.getUTCFullYear() * 12 + d.getUTCMonth() + offsetMonths;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
}

describe("POST /subscribe/customers/{customer_uid} (operationId customer_create)", () => {
  it("refuses a card that has expired, and a malformed number, storing no key", async () => {
    for (const [card_number, expiry, message] of [
      ["5107-3700-1234-5678", kstMonth(-1), "카드정보 인증에 실패하였습니다."],
      ["5107-3700-1234-5678", "2030-13", "카드정보 인증에 실패하였습니다."],
      ["5107-3700-1234", "2030-12", "유효하지않은 카드번호를 입력하셨습니다."],
    ] as const) {
      const customer_uid = uid("cust");
      const res = await api("POST", `/subscribe/customers/${customer_uid}`, { card_number, expiry });
      // PY tests/test_pay_onetime.py (-1, 카드정보 인증에 실패하였습니다.); IAMPORTER test/payment.test.js (invalid number).
      expect(res).toMatchObject({ status: 200, json: { code: -1, message, response: null } });
      expect((await api("GET", `/subscribe/customers/${customer_uid}`)).status).toBe(404);
    }
    const thisMonth = await api("POST", `/subscribe/customers/${uid("cust")}`, { card_number: "4111-1111-1111-1111", expiry: kstMonth() });
    expect(thisMonth.json.response).toMatchObject({ pg_provider: "html5_inicis", pg_id: "INIBillTst", card_name: "신한카드" });
  });

  // GET /subscribe/customers/{customer_uid}/payments (customer_payments): PagedPayments; a page past the end is a 400.
  it("pages the key's payments and answers 400 past the last page, even with none", async () => {
    const customer_uid = await billingKey();
    const empty = await api("GET", `/subscribe/customers/${customer_uid}/payments`);
    expect(empty.json.response).toEqual({ total: 0, previous: 0, next: 0, list: [] });
    const past = await api("GET", `/subscribe/customers/${customer_uid}/payments?page=2`);
    expect(past.status).toBe(400);
    expect(past.json).toEqual({ code: -1, message: "요청하신 page가 범위를 벗어났습니다.", response: null });

    await api("POST", "/subscribe/payments/again", { customer_uid, merchant_uid: uid(), amount: 1_000, name: "월 구독" });
    const one = await api("GET", `/subscribe/customers/${customer_uid}/payments?page=1`);
    expect(one.json.response).toMatchObject({ total: 1, previous: 0, next: 0 });
    expect((await api("GET", `/subscribe/customers/${customer_uid}/payments?page=2`)).status).toBe(400);
  });
});

describe("POST /subscribe/payments/again (operationId again)", () => {
  it("reports an unknown customer_uid before judging the rest of the body", async () => {
    // IAMPORTER test/payment.test.js sends no name and gets the unknown-buyer message; python#19 saw code -1.
    const unknown = await api("POST", "/subscribe/payments/again", { customer_uid: uid("nobody"), amount: "lots" });
    expect(unknown).toMatchObject({ status: 200, json: { code: -1, message: "등록되지 않은 구매자입니다.", response: null } });
    const missing = await api("POST", "/subscribe/payments/again", { merchant_uid: uid(), amount: 1_000 });
    expect(missing).toMatchObject({ status: 400, json: { code: -1, message: "customer_uid 파라메터가 누락되었습니다." } });
  });

  it("answers Iamport's own message when an Inicis key is charged without a name, and charges nothing", async () => {
    const customer_uid = await billingKey();
    const merchant_uid = uid();
    const res = await api("POST", "/subscribe/payments/again", { customer_uid, merchant_uid, amount: 9_900 });
    // iamport-rest-client-python PR #27: HTTP 400 with this message.
    expect(res).toMatchObject({ status: 400, json: { code: -1, message: "이니시스 빌링결제는 상품명이 필수입니다.", response: null } });
    expect((await api("GET", `/payments/find/${merchant_uid}`)).status).toBe(404);
  });

  it("reports the key's pg_id, keeps custom_data as the string it was given, and refuses an object", async () => {
    const customer_uid = await billingKey();
    const merchant_uid = uid();
    const res = await api("POST", "/subscribe/payments/again", {
      customer_uid,
      merchant_uid,
      amount: 9_900,
      name: "월 구독",
      custom_data: '{"plan":"basic"}',
    });
    // PaymentAnnotation.pg_id is the MID that took the payment: the billing key's (CustomerAnnotation.pg_id).
    const key = (await api("GET", `/subscribe/customers/${customer_uid}`)).json.response;
    expect(res.json.response).toMatchObject({ status: "paid", pg_id: key.pg_id, pg_provider: key.pg_provider, custom_data: '{"plan":"basic"}' });
    expect(key.pg_id).toBe("INIBillTst");
    const windowPayment = (await api("GET", `/payments/${(await paid(1_000)).imp_uid}`)).json.response;
    expect(windowPayment.pg_id).toBe("INIpayTest");

    // PaymentAnnotation / the again operation type custom_data as a string.
    const other = uid();
    const object = await api("POST", "/subscribe/payments/again", { customer_uid, merchant_uid: other, amount: 1, name: "x", custom_data: { plan: "basic" } });
    expect(object).toMatchObject({ status: 400, json: { code: -1, message: "custom_data 파라메터가 올바르지 않습니다." } });
    expect((await api("GET", `/payments/find/${other}`)).status).toBe(404);
  });

  it("declines on the 0051 test card with code 0 and status failed, and notifies approvals only", async () => {
    const declining = await billingKey("5107-3700-0000-0051");
    const failedUid = uid();
    const failed = await api("POST", "/subscribe/payments/again", { customer_uid: declining, merchant_uid: failedUid, amount: 1_000, name: "x" });
    expect(failed.json).toMatchObject({ code: 0, response: { status: "failed", fail_reason: "[3011] 카드 한도 초과" } });

    const okUid = uid();
    await api("POST", "/subscribe/payments/again", { customer_uid: await billingKey(), merchant_uid: okUid, amount: 1_000, name: "x" });
    expect((await settledWebhooks(okUid, 1)).map((w) => JSON.parse(w.body).status)).toEqual(["paid"]);
    expect(await webhooksOf(failedUid)).toEqual([]);
  });

  it("charges an order once when two charges race", async () => {
    const customer_uid = await billingKey();
    const merchant_uid = uid();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => api("POST", "/subscribe/payments/again", { customer_uid, merchant_uid, amount: 1_000, name: "x" })),
    );
    expect(results.filter((r) => r.json.code === 0)).toHaveLength(1);
    expect(results.filter((r) => r.json.code === 1).map((r) => r.json.message)).toEqual(Array(3).fill("이미 결제가 이루어진 거래건입니다."));
    expect((await api("GET", `/payments/findAll/${merchant_uid}`)).json.response.total).toBe(1);
  });
});

// POST /subscribe/payments/onetime (operationId onetime): a keyed card payment → Payment; with customer_uid the card
// is stored as that key, buyer_* kept as its customer_*.
describe("POST /subscribe/payments/onetime", () => {
  it("charges keyed card data without storing it", async () => {
    const merchant_uid = uid();
    const res = await api("POST", "/subscribe/payments/onetime", {
      merchant_uid,
      amount: 5_000,
      card_number: "5107-3700-1234-5678",
      expiry: "2099-01",
      birth: "900101",
      name: "단건 결제",
    });
    expect(res.json.response).toMatchObject({
      merchant_uid,
      status: "paid",
      channel: "api",
      pg_id: "INIBillTst",
      customer_uid: null,
      card_number: "510737*********8",
      amount: 5_000,
    });
    expect((await settledWebhooks(merchant_uid, 1)).map((w) => JSON.parse(w.body).status)).toEqual(["paid"]);
  });

  it("stores the card as the billing key when customer_uid is given, with buyer_* as customer_*", async () => {
    const customer_uid = uid("cust");
    const form = {
      merchant_uid: uid(),
      amount: "5000",
      card_number: "4111-1111-1111-1111",
      expiry: "2099-01",
      customer_uid,
      buyer_name: "김민지",
      buyer_email: "minji@example.com",
    };
    const res = await apiForm("POST", "/subscribe/payments/onetime", form);
    expect(res.json.response).toMatchObject({ status: "paid", customer_uid, buyer_name: "김민지" });
    const key = await api("GET", `/subscribe/customers/${customer_uid}`);
    expect(key.json.response).toMatchObject({ customer_uid, customer_name: "김민지", customer_email: "minji@example.com", card_number: "411111*********1" });
    const again = await api("POST", "/subscribe/payments/again", { customer_uid, merchant_uid: uid(), amount: 1_000, name: "다음 달" });
    expect(again.json.response).toMatchObject({ status: "paid", buyer_name: "김민지" });
  });

  it("refuses a bad card (storing nothing), declines the 0051 card, and refuses a paid order", async () => {
    const customer_uid = uid("cust");
    const bad = await api("POST", "/subscribe/payments/onetime", {
      merchant_uid: uid(),
      amount: 5_000,
      card_number: "5107-3700-0000-0002",
      expiry: "2099-01",
      customer_uid,
    });
    expect(bad.json).toEqual({ code: -1, message: "카드정보 인증에 실패하였습니다.", response: null });
    expect((await api("GET", `/subscribe/customers/${customer_uid}`)).status).toBe(404);

    const declined = await api("POST", "/subscribe/payments/onetime", {
      merchant_uid: uid(),
      amount: 5_000,
      card_number: "5107-3700-0000-0051",
      expiry: "2099-01",
    });
    expect(declined.json).toMatchObject({ code: 0, response: { status: "failed" } });

    const { merchant_uid } = await paid(5_000);
    const twice = await api("POST", "/subscribe/payments/onetime", { merchant_uid, amount: 5_000, card_number: "4111-1111-1111-1111", expiry: "2099-01" });
    expect(twice.json).toEqual({ code: 1, message: "이미 결제가 이루어진 거래건입니다.", response: null });

    const missing = await api("POST", "/subscribe/payments/onetime", { merchant_uid: uid(), amount: 5_000, expiry: "2099-01" });
    expect(missing).toMatchObject({ status: 400, json: { code: -1, message: "card_number 파라메터가 누락되었습니다." } });
  });
});
