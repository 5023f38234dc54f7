import { describe, expect, it } from "vitest";
import {
  GatewayError,
  GatewayNotFoundError,
  GatewayRefusalError,
  GatewayTransportError,
  isRetryable,
} from "../../../src/gateway/errors";
import { createIamportV1Gateway } from "../../../src/gateway/iamport-v1";
import { json, ok, payment, refusal } from "../iamport/fake-fetch";
import { checkedSetup } from "../iamport/setup";

// The V1 adapter over the real raw client and a scripted fetch: what the services read from the gateway is what
// Iamport answered, renamed; what Iamport is sent is what the services asked for, with the cancel guards intact.

const env = () => {
  const e = checkedSetup(undefined, "tok_a");
  return { ...e, gateway: createIamportV1Gateway(e.client) };
};
const failure = (p: Promise<unknown>) => p.then(() => expect.fail("expected a rejection"), (e: unknown) => e);

describe("payments as the gateway reports them", () => {
  it("renames a paid V1 payment into the gateway's terms, seconds into milliseconds", async () => {
    const { fake, gateway } = env();
    fake.on(
      "GET",
      "/payments/imp_448280090638",
      ok(payment({ cancel_amount: 300, cancelled_at: 1733895900, customer_uid: "cus_1", sandbox: true, receipt_url: "https://r/1" })),
    );
    const p = await gateway.getPayment({ gatewayId: "imp_448280090638", merchantUid: "ignored by V1" });
    expect(p).toEqual({
      status: "paid",
      gatewayId: "imp_448280090638",
      merchantUid: "pay_0123456789abcdef0123456789abcdef",
      amount: 1000,
      cancelledAmount: 300,
      currency: "KRW",
      name: "Coffee",
      payMethod: "card",
      paidAtMs: 1733895400_000,
      cancelledAtMs: 1733895900_000,
      failReason: null,
      sandbox: true,
      billingKey: "cus_1",
      cancels: [],
      virtualAccount: null,
      receiptUrl: "https://r/1",
    });
  });

  it("keys every cancellation as the refunds table always did (legacy stand-in included), oldest first", async () => {
    const { fake, gateway } = env();
    fake.on(
      "GET",
      "/payments/imp_1",
      ok(
        payment({
          imp_uid: "imp_1",
          cancel_amount: 700,
          cancel_history: [
            { pg_tid: "t2", amount: 200, cancelled_at: 1733896000, reason: "second", cancellation_id: "c_2", receipt_url: null },
            { pg_tid: "t1", amount: 500, cancelled_at: 1733895500, reason: null, cancellation_id: null, receipt_url: null },
          ],
        }),
      ),
    );
    const p = await gateway.getPayment({ gatewayId: "imp_1" });
    expect(p.cancels).toEqual([
      { id: "legacy:1733895500:500:t1", amount: 500, cancelledAtMs: 1733895500_000, reason: null },
      { id: "c_2", amount: 200, cancelledAtMs: 1733896000_000, reason: "second" },
    ]);
  });

  it("reports a virtual account, a failure's reason and 0-times as null", async () => {
    const { fake, gateway } = env();
    fake
      .on(
        "GET",
        "/payments/imp_v",
        ok(payment({ imp_uid: "imp_v", status: "ready", pay_method: "vbank", paid_at: 0, vbank_name: "국민은행", vbank_num: "123-456", vbank_holder: "포켓페이", vbank_date: 1733999999 })),
      )
      .on("GET", "/payments/imp_f", ok(payment({ imp_uid: "imp_f", status: "failed", paid_at: 0, fail_reason: "한도초과" })));
    expect(await gateway.getPayment({ gatewayId: "imp_v" })).toMatchObject({
      status: "ready",
      paidAtMs: null,
      virtualAccount: { bank: "국민은행", number: "123-456", holder: "포켓페이", dueAtMs: 1733999999_000 },
    });
    expect(await gateway.getPayment({ gatewayId: "imp_f" })).toMatchObject({ status: "failed", failReason: "한도초과", paidAtMs: null, cancelledAtMs: null });
  });

  it("reads a status V1 adds later as ready (nothing settled), and refuses a paid record without paid_at as malformed", async () => {
    const { fake, gateway } = env();
    fake
      .on("GET", "/payments/imp_new", ok(payment({ imp_uid: "imp_new", status: "partial_refund_pending" })))
      .on("GET", "/payments/imp_bad", ok(payment({ imp_uid: "imp_bad", status: "paid", paid_at: 0 })));
    expect((await gateway.getPayment({ gatewayId: "imp_new" })).status).toBe("ready");
    const err = await failure(gateway.getPayment({ gatewayId: "imp_bad" }));
    expect(err).toBeInstanceOf(GatewayTransportError);
    expect(err).toMatchObject({ kind: "malformed", retryable: true });
  });

  it("finds an order's newest attempt by merchant_uid, optionally of one status", async () => {
    const { fake, gateway } = env();
    fake.on("GET", "/payments/find/pay_x", ok(payment())).on("GET", "/payments/find/pay_x/paid", ok(payment()));
    await gateway.getPayment({ merchantUid: "pay_x" });
    await gateway.getPayment({ merchantUid: "pay_x", status: "paid" });
  });

  it("multi-gets by imp_uid and returns only the payments found (none: an empty list)", async () => {
    const { fake, gateway } = env();
    fake
      .on("GET", "/payments", ok([payment({ imp_uid: "imp_1" })], 207))
      .on("GET", "/payments", refusal(-1, "존재하지 않는 결제정보입니다.", 404));
    const found = await gateway.getPayments([
      { gatewayId: "imp_1", merchantUid: "pay_1" },
      { gatewayId: "imp_2", merchantUid: "pay_2" },
    ]);
    expect(found.map((p) => p.gatewayId)).toEqual(["imp_1"]);
    expect(fake.apiRequests()[0]!.url.searchParams.getAll("imp_uid[]")).toEqual(["imp_1", "imp_2"]);
    expect(fake.apiRequests()[0]!.url.searchParams.getAll("merchant_uid[]")).toEqual([]);
    expect(await gateway.getPayments([{ gatewayId: "imp_9", merchantUid: "pay_9" }])).toEqual([]);
    expect(await gateway.getPayments([])).toEqual([]);
  });
});

describe("writes", () => {
  it("pre-registers the amount with its currency", async () => {
    const { fake, gateway } = env();
    fake.on("POST", "/payments/prepare", ok({ merchant_uid: "pay_1", amount: 4500, currency: "KRW" }));
    await gateway.preRegister({ merchantUid: "pay_1", amount: 4500, currency: "KRW" });
    expect(fake.apiRequests()[0]!.body).toEqual({ merchant_uid: "pay_1", amount: 4500, currency: "KRW" });
  });

  it("cancels by imp_uid with the remaining balance as the checksum, and answers the payment after it", async () => {
    const { fake, gateway } = env();
    const history = [{ pg_tid: "t", amount: 400, cancelled_at: 1733896000, reason: "r", cancellation_id: "c_9", receipt_url: null }];
    fake.on("POST", "/payments/cancel", ok(payment({ imp_uid: "imp_1", cancel_amount: 400, cancel_history: history })));
    const after = await gateway.cancel({ gatewayId: "imp_1", merchantUid: "pay_1", amount: 400, remainingBalance: 1000, reason: "r" });
    expect(fake.apiRequests()[0]!.body).toEqual({ imp_uid: "imp_1", amount: 400, checksum: 1000, reason: "r" });
    expect(after).toMatchObject({ status: "paid", cancelledAmount: 400, cancels: [{ id: "c_9", amount: 400 }] });
  });

  it("keeps the cancel guards: no request at all for a zero amount or one above the remaining balance", async () => {
    const { fake, client } = checkedSetup();
    const gateway = createIamportV1Gateway(client);
    const cancel = { gatewayId: "imp_1", merchantUid: "pay_1", reason: "r" };
    await expect(gateway.cancel({ ...cancel, amount: 0, remainingBalance: 1000 })).rejects.toBeInstanceOf(RangeError);
    await expect(gateway.cancel({ ...cancel, amount: 1001, remainingBalance: 1000 })).rejects.toBeInstanceOf(RangeError);
    await expect(gateway.cancel({ ...cancel, amount: 1.5, remainingBalance: 1000 })).rejects.toBeInstanceOf(RangeError);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("errors in the gateway's families, classified exactly as V1's", () => {
  it("a business refusal of a write is final, with V1's code as text and its message verbatim", async () => {
    const { fake, gateway } = env();
    fake.on("POST", "/payments/cancel", refusal(1, "이미 전액취소된 주문입니다."));
    const err = await failure(gateway.cancel({ gatewayId: "imp_1", merchantUid: "pay_1", amount: 1000, remainingBalance: 1000, reason: "r" }));
    expect(err).toBeInstanceOf(GatewayRefusalError);
    expect(err).not.toBeInstanceOf(GatewayNotFoundError);
    expect(err).toMatchObject({ kind: "rejected", retryable: false, code: "1", gatewayMessage: "이미 전액취소된 주문입니다.", httpStatus: 200, method: "POST", path: "/payments/cancel" });
    expect((err as Error).message).toContain("이미 전액취소된 주문입니다.");
    expect(isRetryable(err)).toBe(false);
  });

  it("a write refused with a negative code and any refused lookup are temporary (retryable)", async () => {
    const { fake, gateway } = env();
    fake.on("POST", "/payments/cancel", refusal(-1, "PG사 통신 오류")).on("GET", "/payments/imp_1", refusal(1, "일시적인 오류"));
    const write = await failure(gateway.cancel({ gatewayId: "imp_1", merchantUid: "pay_1", amount: 1000, remainingBalance: 1000, reason: "r" }));
    const read = await failure(gateway.getPayment({ gatewayId: "imp_1" }));
    for (const [err, code] of [[write, "-1"], [read, "1"]] as const) {
      expect(err).toBeInstanceOf(GatewayRefusalError);
      expect(err).toMatchObject({ kind: "temporary", retryable: true, code });
      expect(isRetryable(err)).toBe(true);
    }
  });

  it("404 is GatewayNotFoundError; a 500 or an unparseable body is a transport error with its status", async () => {
    const { fake, gateway } = env();
    fake
      .on("GET", "/payments/imp_missing", refusal(-1, "존재하지 않는 결제정보입니다.", 404))
      .on("GET", "/payments/imp_1", json({ error: "boom" }, 500))
      .on("GET", "/payments/find/pay_1", new Response("not json", { status: 200 }));
    const missing = await failure(gateway.getPayment({ gatewayId: "imp_missing" }));
    expect(missing).toBeInstanceOf(GatewayNotFoundError);
    expect(missing).toMatchObject({ kind: "not_found", retryable: false, code: "-1", httpStatus: 404 });
    const down = await failure(gateway.getPayment({ gatewayId: "imp_1" }));
    expect(down).toBeInstanceOf(GatewayTransportError);
    expect(down).toMatchObject({ kind: "http_status", status: 500, retryable: true, method: "GET", path: "/payments/imp_1" });
    expect(await failure(gateway.getPayment({ merchantUid: "pay_1" }))).toMatchObject({ kind: "malformed", retryable: true });
  });

  it("a 401 that survives a fresh token is an unauthorized refusal (retryable, never an answer about the payment)", async () => {
    const { fake, gateway } = env();
    fake
      .on("GET", "/payments/imp_1", refusal(-1, "Unauthorized", 401))
      .on("POST", "/users/getToken", ok({ access_token: "tok_b", now: 1_733_895_332, expired_at: 1_733_897_132 }))
      .on("GET", "/payments/imp_1", refusal(-1, "Unauthorized", 401));
    const err = await failure(gateway.getPayment({ gatewayId: "imp_1" }));
    expect(err).toBeInstanceOf(GatewayRefusalError);
    expect(err).toMatchObject({ kind: "unauthorized", retryable: true });
  });

  it("leaves anything that is not an Iamport error as it was", async () => {
    const { client } = checkedSetup();
    const broken = createIamportV1Gateway({ ...client, getPayment: async () => {
        throw new Error("bug");
      },
    });
    const err = await failure(broken.getPayment({ gatewayId: "imp_1" }));
    expect(err).not.toBeInstanceOf(GatewayError);
    expect((err as Error).message).toBe("bug");
  });
});

describe("billing keys", () => {
  it("describes a registered card", async () => {
    const { fake, gateway } = env();
    fake.on("GET", "/subscribe/customers/cus_1", ok({ customer_uid: "cus_1", card_name: "현대카드", card_number: "4111-****-****-1111", customer_id: "u_1" }));
    expect(await gateway.billing.getBillingKey("cus_1")).toEqual({
      billingKey: "cus_1",
      cardName: "현대카드",
      cardNumberMasked: "4111-****-****-1111",
      customerId: "u_1",
      usable: true,
    });
  });

  it("a key V1 does not know is GatewayNotFoundError", async () => {
    const { fake, gateway } = env();
    fake.on("GET", "/subscribe/customers/cus_gone", refusal(1, "등록된 정보를 찾을 수 없습니다.", 404));
    await expect(gateway.billing.getBillingKey("cus_gone")).rejects.toBeInstanceOf(GatewayNotFoundError);
  });

  it("the keys issued to a customer_uid: the one it names, or none; a failure to answer is thrown", async () => {
    const { fake, gateway } = env();
    fake
      .on("GET", "/subscribe/customers/cus_1", ok({ customer_uid: "cus_1", card_name: "현대카드", card_number: "4111-****-****-1111", customer_id: null }))
      .on("GET", "/subscribe/customers/cus_none", refusal(1, "등록된 정보를 찾을 수 없습니다.", 404))
      .on("GET", "/subscribe/customers/cus_2", json({}, 503));
    expect((await gateway.billing.keysIssuedTo("cus_1")).map((k) => k.billingKey)).toEqual(["cus_1"]);
    expect(await gateway.billing.keysIssuedTo("cus_none")).toEqual([]);
    expect(await failure(gateway.billing.keysIssuedTo("cus_2"))).toBeInstanceOf(GatewayError);
  });

  it("deletes with the reason, and a key already gone counts as deleted; any other failure is thrown", async () => {
    const { fake, gateway } = env();
    fake
      .on("DELETE", "/subscribe/customers/cus_1", ok({ customer_uid: "cus_1" }))
      .on("DELETE", "/subscribe/customers/cus_1", refusal(1, "등록된 정보를 찾을 수 없습니다.", 404))
      .on("DELETE", "/subscribe/customers/cus_2", json({}, 503));
    await gateway.billing.deleteBillingKey("cus_1", "replaced");
    expect(fake.apiRequests()[0]!.url.searchParams.get("reason")).toBe("replaced");
    await gateway.billing.deleteBillingKey("cus_1");
    expect(fake.apiRequests()[1]!.url.search).toBe("");
    await expect(gateway.billing.deleteBillingKey("cus_2")).rejects.toBeInstanceOf(GatewayTransportError);
  });

  it("charges once per merchant_uid through /again; a decline is a failed payment, not an error", async () => {
    const { fake, gateway } = env();
    fake
      .on("POST", "/subscribe/payments/again", ok(payment({ imp_uid: "imp_c1", merchant_uid: "sub_1_1", customer_uid: "cus_1" })))
      .on("POST", "/subscribe/payments/again", ok(payment({ imp_uid: "imp_c2", merchant_uid: "sub_1_2", status: "failed", paid_at: 0, fail_reason: "잔액부족" })));
    const charge = { billingKey: "cus_1", amount: 19_000, name: "커피 클럽", currency: "KRW" as const };
    const paid = await gateway.billing.charge({ ...charge, merchantUid: "sub_1_1", buyer: { email: "a@b.c", name: "김" } });
    expect(paid).toMatchObject({ status: "paid", gatewayId: "imp_c1", merchantUid: "sub_1_1", billingKey: "cus_1" });
    expect(fake.apiRequests()[0]!.body).toEqual({
      customer_uid: "cus_1",
      merchant_uid: "sub_1_1",
      amount: 19_000,
      name: "커피 클럽",
      buyer_email: "a@b.c",
      buyer_name: "김",
    });
    const declined = await gateway.billing.charge({ ...charge, merchantUid: "sub_1_2" });
    expect(declined).toMatchObject({ status: "failed", failReason: "잔액부족" });
    expect(fake.apiRequests()[1]!.body).toEqual({ customer_uid: "cus_1", merchant_uid: "sub_1_2", amount: 19_000, name: "커피 클럽" });
  });
});
