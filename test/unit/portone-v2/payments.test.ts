import { describe, expect, it } from "vitest";
import { GatewayNotFoundError, GatewayRefusalError, GatewayTransportError } from "../../../src/gateway/errors";
import { GET_PAYMENTS_CONCURRENCY } from "../../../src/gateway/portone-v2";
import {
  API_SECRET,
  BASE,
  PAID_AT,
  REQUESTED_AT,
  deferred,
  failure,
  json,
  v2Cancellation,
  v2Error,
  v2Payment,
  v2Setup,
} from "./setup";

describe("requests", () => {
  it("pre-registers with Authorization: PortOne <secret>, the paymentId in the path and totalAmount + currency", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("POST", "/payments/pay_1/pre-register", json({}));
    await expect(gateway.preRegister({ merchantUid: "pay_1", amount: 12_000, currency: "KRW" })).resolves.toBeUndefined();
    const [req] = fake.requests;
    expect(req!.url.href).toBe(`${BASE}/payments/pay_1/pre-register`);
    expect(req!.headers.get("Authorization")).toBe(`PortOne ${API_SECRET}`);
    expect(req!.headers.get("Content-Type")).toBe("application/json");
    expect(req!.body).toEqual({ totalAmount: 12_000, currency: "KRW" });
  });

  it("sends storeId in POST bodies and as a query parameter on GET when configured, and nowhere when not", async () => {
    const { fake, gateway } = v2Setup({ storeId: "store-abc" });
    fake.on("POST", "/payments/pay_1/pre-register", json({})).on("GET", "/payments/pay_1", json(v2Payment({ id: "pay_1" })));
    await gateway.preRegister({ merchantUid: "pay_1", amount: 100, currency: "KRW" });
    await gateway.getPayment({ merchantUid: "pay_1" });
    expect(fake.requests[0]!.body).toEqual({ storeId: "store-abc", totalAmount: 100, currency: "KRW" });
    expect(fake.requests[1]!.url.search).toBe("?storeId=store-abc");

    const plain = v2Setup();
    plain.fake.on("GET", "/payments/pay_1", json(v2Payment({ id: "pay_1" })));
    await plain.gateway.getPayment({ merchantUid: "pay_1" });
    expect(plain.fake.requests[0]!.url.search).toBe("");
    expect(plain.fake.requests[0]!.body).toBeUndefined();
    expect(plain.fake.requests[0]!.headers.get("Authorization")).toBe(`PortOne ${API_SECRET}`);
  });

  it("URL-encodes the paymentId, calls fetch detached and never follows a redirect", async () => {
    const { fake, gateway, inits } = v2Setup();
    fake.on("GET", "/payments/a%2Fb%20c%3F", json(v2Payment({ id: "a/b c?" })));
    expect((await gateway.getPayment({ merchantUid: "a/b c?" })).merchantUid).toBe("a/b c?");
    expect(inits[0]!.redirect).toBe("manual");
  });

  it("refuses bad input before any request", async () => {
    const { gateway } = v2Setup();
    await expect(gateway.preRegister({ merchantUid: "pay_1", amount: 0, currency: "KRW" })).rejects.toBeInstanceOf(RangeError);
    await expect(gateway.preRegister({ merchantUid: "", amount: 10, currency: "KRW" })).rejects.toBeInstanceOf(TypeError);
    // V2 finds payments by paymentId only: a ref with the transactionId alone cannot be looked up.
    await expect(gateway.getPayment({ gatewayId: "tx_1" })).rejects.toBeInstanceOf(TypeError);
  });

  it("reports every call to onCall without the secret, and a throwing observer changes nothing", async () => {
    const calls: unknown[] = [];
    const { fake, gateway } = v2Setup({
      onCall: (i) => {
        calls.push(i);
        throw new Error("observer broke");
      },
    });
    fake.on("GET", "/payments/pay_1", json(v2Payment({ id: "pay_1" })));
    expect((await gateway.getPayment({ merchantUid: "pay_1" })).status).toBe("paid");
    expect(calls).toEqual([{ kind: "api", method: "GET", path: "/payments/pay_1", status: 200, ms: 7 }]);
    expect(JSON.stringify(calls)).not.toContain(API_SECRET);
  });
});

describe("the status map (V2 → ours)", () => {
  const at = (iso: string) => Date.parse(iso);

  it("READY → ready: nothing charged", async () => {
    const { fake, gateway } = v2Setup();
    const { paidAt: _p, pgTxId: _t, receiptUrl: _r, ...ready } = v2Payment({ status: "READY" });
    fake.on("GET", "/payments/pay_0123456789abcdef", json({ ...ready, amount: { total: 10_000, taxFree: 0, discount: 0, paid: 0, cancelled: 0, cancelledTaxFree: 0 } }));
    const p = await gateway.getPayment({ merchantUid: "pay_0123456789abcdef" });
    expect(p).toMatchObject({ status: "ready", amount: 10_000, cancelledAmount: 0, paidAtMs: null, receiptUrl: null, cancels: [] });
  });

  it.each(["PENDING", "PAY_PENDING"])("%s → ready (awaiting the PG's approval)", async (status) => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/payments/pay_0123456789abcdef", json(v2Payment({ status, paidAt: undefined })));
    expect(await gateway.getPayment({ merchantUid: "pay_0123456789abcdef" })).toMatchObject({ status: "ready", paidAtMs: null });
  });

  it("VIRTUAL_ACCOUNT_ISSUED → ready, with the account", async () => {
    const { fake, gateway } = v2Setup();
    fake.on(
      "GET",
      "/payments/pay_0123456789abcdef",
      json(
        v2Payment({
          status: "VIRTUAL_ACCOUNT_ISSUED",
          paidAt: undefined,
          method: {
            type: "PaymentMethodVirtualAccount",
            bank: "KOOKMIN",
            accountNumber: "12345678901234",
            accountType: "FIXED",
            remitteeName: "포켓페이",
            expiredAt: "2026-11-29T14:59:59Z",
            issuedAt: REQUESTED_AT,
          },
        }),
      ),
    );
    const p = await gateway.getPayment({ merchantUid: "pay_0123456789abcdef" });
    expect(p).toMatchObject({
      status: "ready",
      payMethod: "vbank",
      virtualAccount: { bank: "KOOKMIN", number: "12345678901234", holder: "포켓페이", dueAtMs: at("2026-11-29T14:59:59Z") },
    });
  });

  it("PAID → paid: gatewayId = transactionId, merchantUid = id, amount = amount.total, times from ISO strings", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/payments/pay_0123456789abcdef", json(v2Payment({ billingKey: "bk-1" })));
    const p = await gateway.getPayment({ merchantUid: "pay_0123456789abcdef" });
    expect(p).toEqual({
      status: "paid",
      gatewayId: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
      merchantUid: "pay_0123456789abcdef",
      amount: 10_000,
      cancelledAmount: 0,
      currency: "KRW",
      name: "Coffee beans 1kg",
      payMethod: "card",
      paidAtMs: at(PAID_AT),
      cancelledAtMs: null,
      failReason: null,
      sandbox: false,
      billingKey: "bk-1",
      cancels: [],
      virtualAccount: null,
      receiptUrl: "https://receipt.example.com/r/1",
    });
  });

  it("reads RFC 3339 times with an offset and sub-millisecond digits", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/payments/p", json(v2Payment({ id: "p", paidAt: "2026-11-26T19:15:30.123456+09:00" })));
    expect((await gateway.getPayment({ merchantUid: "p" })).paidAtMs).toBe(at("2026-11-26T10:15:30.123Z"));
  });

  it("PARTIAL_CANCELLED → paid with cancelledAmount > 0; only SUCCEEDED cancellations are cancels, oldest first", async () => {
    const { fake, gateway } = v2Setup();
    fake.on(
      "GET",
      "/payments/pay_0123456789abcdef",
      json(
        v2Payment({
          status: "PARTIAL_CANCELLED",
          cancelledAt: "2026-11-26T12:00:00Z",
          amount: { total: 10_000, taxFree: 0, discount: 0, paid: 10_000, cancelled: 5_000, cancelledTaxFree: 0 },
          cancellations: [
            v2Cancellation({ id: "c-2", totalAmount: 1_000, cancelledAt: "2026-11-26T12:00:00Z", reason: "second" }),
            v2Cancellation({ id: "c-1", totalAmount: 4_000, cancelledAt: "2026-11-26T11:00:00Z", reason: "first" }),
            v2Cancellation({ id: "c-failed", status: "FAILED", totalAmount: 2_000, cancelledAt: undefined }),
            v2Cancellation({ id: "c-requested", status: "REQUESTED", totalAmount: 3_000, cancelledAt: undefined }),
          ],
        }),
      ),
    );
    const p = await gateway.getPayment({ merchantUid: "pay_0123456789abcdef" });
    expect(p).toMatchObject({ status: "paid", amount: 10_000, cancelledAmount: 5_000, paidAtMs: at(PAID_AT), cancelledAtMs: at("2026-11-26T12:00:00Z") });
    expect(p.cancels).toEqual([
      { id: "c-1", amount: 4_000, cancelledAtMs: at("2026-11-26T11:00:00Z"), reason: "first" },
      { id: "c-2", amount: 1_000, cancelledAtMs: at("2026-11-26T12:00:00Z"), reason: "second" },
    ]);
  });

  it("PARTIAL_CANCELLED without paidAt (optional there) is paid at its request time", async () => {
    const { fake, gateway } = v2Setup();
    fake.on(
      "GET",
      "/payments/p",
      json(v2Payment({ id: "p", status: "PARTIAL_CANCELLED", paidAt: undefined, cancelledAt: PAID_AT, cancellations: [v2Cancellation()] })),
    );
    expect(await gateway.getPayment({ merchantUid: "p" })).toMatchObject({ status: "paid", paidAtMs: at(REQUESTED_AT) });
  });

  it("CANCELLED → cancelled (cancelledAmount = amount)", async () => {
    const { fake, gateway } = v2Setup();
    fake.on(
      "GET",
      "/payments/pay_0123456789abcdef",
      json(
        v2Payment({
          status: "CANCELLED",
          cancelledAt: "2026-11-26T11:00:00Z",
          amount: { total: 10_000, taxFree: 0, discount: 0, paid: 10_000, cancelled: 10_000, cancelledTaxFree: 0 },
          cancellations: [v2Cancellation({ id: "c-all", totalAmount: 10_000 })],
        }),
      ),
    );
    const p = await gateway.getPayment({ merchantUid: "pay_0123456789abcdef" });
    expect(p).toMatchObject({ status: "cancelled", amount: 10_000, cancelledAmount: 10_000, cancelledAtMs: at("2026-11-26T11:00:00Z") });
    expect(p.cancels.map((c) => c.id)).toEqual(["c-all"]);
  });

  it("FAILED → failed, with the failure's reason (or the PG's message)", async () => {
    const { fake, gateway } = v2Setup();
    const failed = { status: "FAILED", paidAt: undefined, failedAt: PAID_AT };
    fake
      .on("GET", "/payments/f1", json(v2Payment({ ...failed, id: "f1", failure: { reason: "잔액 부족", pgCode: "51", pgMessage: "한도초과" } })))
      .on("GET", "/payments/f2", json(v2Payment({ ...failed, id: "f2", failure: { pgCode: "51", pgMessage: "한도초과" } })));
    expect(await gateway.getPayment({ merchantUid: "f1" })).toMatchObject({ status: "failed", failReason: "잔액 부족", paidAtMs: null });
    expect(await gateway.getPayment({ merchantUid: "f2" })).toMatchObject({ status: "failed", failReason: "한도초과" });
  });

  it("a status this adapter does not know is a transport 'malformed' error, never guessed", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/payments/p", json(v2Payment({ id: "p", status: "PARTIALLY_REFUNDED_SOMEHOW" })));
    const err = await failure(gateway.getPayment({ merchantUid: "p" }));
    expect(err).toBeInstanceOf(GatewayTransportError);
    expect(err).toMatchObject({ kind: "malformed", retryable: true });
  });

  it("channel TEST → sandbox true; no channel → null", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("GET", "/payments/t", json(v2Payment({ id: "t", channel: { type: "TEST", pgProvider: "INICIS_V2", pgMerchantId: "x" } })))
      .on("GET", "/payments/n", json(v2Payment({ id: "n", status: "READY", paidAt: undefined, channel: undefined })));
    expect((await gateway.getPayment({ merchantUid: "t" })).sandbox).toBe(true);
    expect((await gateway.getPayment({ merchantUid: "n" })).sandbox).toBeNull();
  });

  it.each([
    [{ type: "PaymentMethodCard" }, "card"],
    [{ type: "PaymentMethodVirtualAccount", accountNumber: "1" }, "vbank"],
    [{ type: "PaymentMethodTransfer", bank: "KOOKMIN" }, "trans"],
    [{ type: "PaymentMethodMobile", phoneNumber: "010" }, "phone"],
    [{ type: "PaymentMethodConvenienceStore" }, "cvs"],
    [{ type: "PaymentMethodEasyPay", provider: "KAKAOPAY" }, "kakaopay"],
    [{ type: "PaymentMethodEasyPay", provider: "SAMSUNGPAY" }, "samsung"],
    [{ type: "PaymentMethodEasyPay", provider: "TOSS_BRANDPAY" }, "tossbrandpay"],
    [{ type: "PaymentMethodEasyPay" }, "point"],
    [{ type: "PaymentMethodGiftCertificate", giftCertificateType: "SMART_MUNSANG", approvalNumber: "1" }, "smartculture"],
    [{ type: "PaymentMethodCrypto" }, "crypto"],
    [undefined, null],
  ])("method %j → payMethod %s (V1's words)", async (method, word) => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/payments/p", json(v2Payment({ id: "p", method })));
    expect((await gateway.getPayment({ merchantUid: "p" })).payMethod).toBe(word);
  });
});

describe("finding payments", () => {
  it("a status filter (V1's find by status) answers not found when the payment is in another status", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/payments/p", json(v2Payment({ id: "p", status: "READY", paidAt: undefined }))).on("GET", "/payments/p", json(v2Payment({ id: "p" })));
    const err = await failure(gateway.getPayment({ merchantUid: "p", status: "paid" }));
    expect(err).toBeInstanceOf(GatewayNotFoundError);
    expect(err).toMatchObject({ kind: "not_found", retryable: false });
    expect((await gateway.getPayment({ merchantUid: "p", status: "paid" })).status).toBe("paid");
  });

  it("PAYMENT_NOT_FOUND (404) is GatewayNotFoundError", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/payments/nope", v2Error(404, "PAYMENT_NOT_FOUND"));
    const err = await failure(gateway.getPayment({ merchantUid: "nope" }));
    expect(err).toBeInstanceOf(GatewayNotFoundError);
    expect(err).toMatchObject({ kind: "not_found", code: "PAYMENT_NOT_FOUND", httpStatus: 404, gatewayMessage: "PAYMENT_NOT_FOUND 메시지" });
  });

  it("getPayments: one GET per paymentId (V2 has no multi-get), in order, duplicates once, the missing left out", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("GET", "/payments/a", json(v2Payment({ id: "a", transactionId: "tx-a" })))
      .on("GET", "/payments/b", v2Error(404, "PAYMENT_NOT_FOUND"))
      .on("GET", "/payments/c", json(v2Payment({ id: "c", transactionId: "tx-c", status: "FAILED", paidAt: undefined })));
    const got = await gateway.getPayments([
      { gatewayId: "tx-a", merchantUid: "a" },
      { gatewayId: "tx-b", merchantUid: "b" },
      { gatewayId: "tx-c", merchantUid: "c" },
      { gatewayId: "tx-a", merchantUid: "a" },
    ]);
    expect(got.map((p) => [p.merchantUid, p.gatewayId, p.status])).toEqual([
      ["a", "tx-a", "paid"],
      ["c", "tx-c", "failed"],
    ]);
    expect(await gateway.getPayments([])).toEqual([]);
  });

  it(`getPayments keeps at most ${GET_PAYMENTS_CONCURRENCY} lookups in flight`, async () => {
    const { fake, gateway } = v2Setup();
    const ids = Array.from({ length: 10 }, (_, i) => `p${i}`);
    let inFlight = 0;
    let most = 0;
    const gates = ids.map(() => deferred<void>());
    ids.forEach((id, i) =>
      fake.on("GET", `/payments/${id}`, async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await gates[i]!.promise;
        inFlight--;
        return json(v2Payment({ id }));
      }),
    );
    const all = gateway.getPayments(ids.map((id) => ({ gatewayId: `tx-${id}`, merchantUid: id })));
    // Release one at a time; each release lets exactly one more request start.
    for (const g of gates) {
      await new Promise((r) => setTimeout(r, 0));
      g.resolve();
    }
    expect((await all).map((p) => p.merchantUid)).toEqual(ids);
    expect(most).toBe(GET_PAYMENTS_CONCURRENCY);
  });

  it("getPayments fails as a whole on a lookup that is not an answer (no partial list read as 'the rest are missing')", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/payments/a", json(v2Payment({ id: "a" }))).on("GET", "/payments/b", new Response("bad gateway", { status: 502 }));
    const err = await failure(
      gateway.getPayments([
        { gatewayId: "x", merchantUid: "a" },
        { gatewayId: "y", merchantUid: "b" },
      ]),
    );
    expect(err).toMatchObject({ kind: "http_status", status: 502, retryable: true });
  });

  it("getPayments refuses more than 100 refs before any request", async () => {
    const { gateway } = v2Setup();
    const refs = Array.from({ length: 101 }, (_, i) => ({ gatewayId: `t${i}`, merchantUid: `m${i}` }));
    await expect(gateway.getPayments(refs)).rejects.toBeInstanceOf(RangeError);
  });
});

describe("cancel", () => {
  it("posts amount, currentCancellableAmount (= remainingBalance) and reason, then answers with the payment after it", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("POST", "/payments/pay_1/cancel", json({ cancellation: v2Cancellation({ id: "c-1", totalAmount: 4_000 }) }))
      .on(
        "GET",
        "/payments/pay_1",
        json(
          v2Payment({
            id: "pay_1",
            status: "PARTIAL_CANCELLED",
            cancelledAt: "2026-11-26T11:00:00Z",
            amount: { total: 10_000, taxFree: 0, discount: 0, paid: 10_000, cancelled: 4_000, cancelledTaxFree: 0 },
            cancellations: [v2Cancellation({ id: "c-1", totalAmount: 4_000 })],
          }),
        ),
      );
    const after = await gateway.cancel({ gatewayId: "tx", merchantUid: "pay_1", amount: 4_000, remainingBalance: 10_000, reason: "partial refund" });
    expect(fake.requests[0]!.body).toEqual({ amount: 4_000, currentCancellableAmount: 10_000, reason: "partial refund" });
    expect(fake.requests[0]!.headers.get("Authorization")).toBe(`PortOne ${API_SECRET}`);
    expect(after).toMatchObject({ status: "paid", cancelledAmount: 4_000, cancels: [{ id: "c-1", amount: 4_000 }] });
  });

  it("never sends a cancel without an explicit amount within the balance, or without a reason", async () => {
    const { gateway } = v2Setup();
    const base = { gatewayId: "tx", merchantUid: "pay_1", reason: "r" };
    await expect(gateway.cancel({ ...base, amount: 0, remainingBalance: 10 })).rejects.toBeInstanceOf(RangeError);
    await expect(gateway.cancel({ ...base, amount: 11, remainingBalance: 10 })).rejects.toBeInstanceOf(RangeError);
    await expect(gateway.cancel({ ...base, amount: 5, remainingBalance: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(gateway.cancel({ ...base, amount: 1.5, remainingBalance: 10 })).rejects.toBeInstanceOf(RangeError);
    await expect(gateway.cancel({ ...base, amount: 5, remainingBalance: 10, reason: " " })).rejects.toBeInstanceOf(TypeError);
  });

  it.each([
    [409, "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN"],
    [409, "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT"],
    [409, "PAYMENT_ALREADY_CANCELLED"],
    [409, "PAYMENT_NOT_PAID"],
    [400, "INVALID_REQUEST"],
  ])("HTTP %i %s: rejected, not retryable, and no lookup follows", async (status, type) => {
    const { fake, gateway } = v2Setup();
    fake.on("POST", "/payments/pay_1/cancel", v2Error(status, type));
    const err = await failure(gateway.cancel({ gatewayId: "tx", merchantUid: "pay_1", amount: 1_000, remainingBalance: 6_000, reason: "r" }));
    expect(err).toBeInstanceOf(GatewayRefusalError);
    expect(err).toMatchObject({ kind: "rejected", retryable: false, code: type, httpStatus: status });
    expect(fake.requests).toHaveLength(1);
  });

  it("the PG's failure (HTTP 502 PG_PROVIDER) is a temporary refusal: retrying is safe behind currentCancellableAmount", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("POST", "/payments/pay_1/cancel", v2Error(502, "PG_PROVIDER", { pgCode: "E01", pgMessage: "PG 시스템 오류" }));
    const err = await failure(gateway.cancel({ gatewayId: "tx", merchantUid: "pay_1", amount: 1_000, remainingBalance: 1_000, reason: "r" }));
    expect(err).toBeInstanceOf(GatewayRefusalError);
    expect(err).toMatchObject({ kind: "temporary", retryable: true, code: "PG_PROVIDER", httpStatus: 502 });
  });

  it("a cancellation V2 reports FAILED is a temporary refusal, not a cancel", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("POST", "/payments/pay_1/cancel", json({ cancellation: v2Cancellation({ status: "FAILED", cancelledAt: undefined }) }));
    const err = await failure(gateway.cancel({ gatewayId: "tx", merchantUid: "pay_1", amount: 4_000, remainingBalance: 10_000, reason: "r" }));
    expect(err).toMatchObject({ kind: "temporary", code: "CANCELLATION_FAILED" });
  });

  it("PAYMENT_NOT_FOUND on cancel is GatewayNotFoundError", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("POST", "/payments/pay_1/cancel", v2Error(404, "PAYMENT_NOT_FOUND"));
    await expect(gateway.cancel({ gatewayId: "tx", merchantUid: "pay_1", amount: 1, remainingBalance: 1, reason: "r" })).rejects.toBeInstanceOf(
      GatewayNotFoundError,
    );
  });
});
