import { describe, expect, it } from "vitest";
import { GatewayNotFoundError, GatewayRefusalError, GatewayTransportError } from "../../../src/gateway/errors";
import type { ChargeBillingKeyInput } from "../../../src/gateway/types";
import { API_SECRET, PAID_AT, failure, json, v2BillingKey, v2Error, v2Payment, v2Setup } from "./setup";

describe("billing keys", () => {
  it("GET /billing-keys/{key}: an ISSUED key is usable, with its card and our customer id", async () => {
    const { fake, gateway } = v2Setup({ storeId: "store-1" });
    fake.on("GET", "/billing-keys/bk%2F1", json(v2BillingKey({ billingKey: "bk/1" })));
    expect(await gateway.billing.getBillingKey("bk/1")).toEqual({
      billingKey: "bk/1",
      cardName: "현대카드",
      cardNumberMasked: "51073700****1234",
      customerId: "user-1",
      usable: true,
    });
    expect(fake.requests[0]!.url.search).toBe("?storeId=store-1");
    expect(fake.requests[0]!.headers.get("Authorization")).toBe(`PortOne ${API_SECRET}`);
  });

  it("a DELETED key is not usable; an unknown one is GatewayNotFoundError (BILLING_KEY_NOT_FOUND, BILLING_KEY_NOT_ISSUED)", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("GET", "/billing-keys/gone", json(v2BillingKey({ billingKey: "gone", status: "DELETED", deletedAt: PAID_AT })))
      .on("GET", "/billing-keys/none", v2Error(404, "BILLING_KEY_NOT_FOUND"))
      .on("GET", "/billing-keys/half", v2Error(404, "BILLING_KEY_NOT_ISSUED"));
    expect(await gateway.billing.getBillingKey("gone")).toMatchObject({ billingKey: "gone", usable: false });
    await expect(gateway.billing.getBillingKey("none")).rejects.toBeInstanceOf(GatewayNotFoundError);
    await expect(gateway.billing.getBillingKey("half")).rejects.toBeInstanceOf(GatewayNotFoundError);
  });

  it("GET /billing-keys: the ISSUED keys of one customer id, asked in one requestBody and held to it on the way back", async () => {
    const { fake, gateway } = v2Setup({ storeId: "store-1" });
    fake.on(
      "GET",
      "/billing-keys",
      json({
        items: [
          v2BillingKey({ billingKey: "k1", customer: { id: "cus_a" } }),
          v2BillingKey({ billingKey: "k2", customer: { id: "cus_b" } }),
          v2BillingKey({ billingKey: "k3", customer: { id: "cus_a" }, status: "DELETED", deletedAt: PAID_AT }),
          v2BillingKey({ billingKey: "k4", customer: { id: "cus_a" } }),
        ],
        page: { number: 0, size: 100, totalCount: 4 },
      }),
    );
    expect((await gateway.billing.keysIssuedTo("cus_a")).map((k) => k.billingKey)).toEqual(["k1", "k4"]);
    const sent = JSON.parse(fake.requests[0]!.url.searchParams.get("requestBody")!);
    expect(sent).toEqual({ page: { number: 0, size: 100 }, filter: { storeId: "store-1", customerId: "cus_a", status: ["ISSUED"] } });
    expect(fake.requests[0]!.headers.get("Authorization")).toBe(`PortOne ${API_SECRET}`);
  });

  it("a key in a status the adapter does not know is 'malformed', never taken as usable", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/billing-keys/k", json(v2BillingKey({ billingKey: "k", status: "SUSPENDED" })));
    await expect(gateway.billing.getBillingKey("k")).rejects.toMatchObject({ kind: "malformed" });
  });

  it("DELETE /billing-keys/{key} with the reason; a key already deleted, never issued or unknown resolves too", async () => {
    const { fake, gateway } = v2Setup({ storeId: "store-1" });
    fake
      .on("DELETE", "/billing-keys/k1", json({ deletedAt: PAID_AT }))
      .on("DELETE", "/billing-keys/k1", v2Error(409, "BILLING_KEY_ALREADY_DELETED"))
      .on("DELETE", "/billing-keys/k2", v2Error(404, "BILLING_KEY_NOT_FOUND"))
      .on("DELETE", "/billing-keys/k3", v2Error(404, "BILLING_KEY_NOT_ISSUED"));
    await expect(gateway.billing.deleteBillingKey("k1", "카드 교체")).resolves.toBeUndefined();
    await expect(gateway.billing.deleteBillingKey("k1", "카드 교체")).resolves.toBeUndefined();
    await expect(gateway.billing.deleteBillingKey("k2")).resolves.toBeUndefined();
    await expect(gateway.billing.deleteBillingKey("k3")).resolves.toBeUndefined();
    const first = fake.requests[0]!;
    expect(first.url.searchParams.get("reason")).toBe("카드 교체");
    expect(first.url.searchParams.get("storeId")).toBe("store-1");
    expect(first.body).toBeUndefined();
    expect(fake.requests[2]!.url.searchParams.has("reason")).toBe(false);
  });

  it("a delete V2 refuses for another reason, or cannot answer, is not taken as done", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("DELETE", "/billing-keys/k", v2Error(409, "PAYMENT_SCHEDULE_ALREADY_EXISTS"))
      .on("DELETE", "/billing-keys/k", v2Error(502, "PG_PROVIDER", { pgCode: "x", pgMessage: "y" }))
      .on("DELETE", "/billing-keys/k", new Response("upstream down", { status: 503 }));
    await expect(gateway.billing.deleteBillingKey("k")).rejects.toMatchObject({ kind: "rejected", code: "PAYMENT_SCHEDULE_ALREADY_EXISTS" });
    await expect(gateway.billing.deleteBillingKey("k")).rejects.toMatchObject({ kind: "temporary", code: "PG_PROVIDER" });
    await expect(gateway.billing.deleteBillingKey("k")).rejects.toBeInstanceOf(GatewayTransportError);
  });
});

describe("charging a billing key", () => {
  const input: ChargeBillingKeyInput = {
    billingKey: "bk-1",
    merchantUid: "renew_s1_p3_a1",
    amount: 9_900,
    name: "Pocket Plus 12월",
    currency: "KRW",
    buyer: { name: "김철수", email: "buyer@example.com", tel: "010-1234-5678" },
  };
  const chargePath = "/payments/renew_s1_p3_a1/billing-key";
  const lookupPath = "/payments/renew_s1_p3_a1";
  const charged = (overrides: Record<string, unknown> = {}) =>
    v2Payment({ id: input.merchantUid, transactionId: "tx-renew", billingKey: "bk-1", orderName: input.name, amount: { total: 9_900, cancelled: 0 }, ...overrides });

  it("POSTs the key, orderName, amount {total}, currency and customer; answers with the payment read back", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("POST", chargePath, json({ payment: { pgTxId: "pg-1", paidAt: PAID_AT } })).on("GET", lookupPath, json(charged()));
    const p = await gateway.billing.charge(input);
    expect(fake.requests[0]!.body).toEqual({
      billingKey: "bk-1",
      orderName: "Pocket Plus 12월",
      amount: { total: 9_900 },
      currency: "KRW",
      customer: { name: { full: "김철수" }, email: "buyer@example.com", phoneNumber: "010-1234-5678" },
    });
    expect(fake.requests[0]!.headers.get("Authorization")).toBe(`PortOne ${API_SECRET}`);
    expect(p).toMatchObject({ status: "paid", gatewayId: "tx-renew", merchantUid: input.merchantUid, amount: 9_900, billingKey: "bk-1" });
  });

  it("leaves customer out without a buyer and puts storeId in the body when configured", async () => {
    const { fake, gateway } = v2Setup({ storeId: "store-9" });
    fake.on("POST", chargePath, json({ payment: { pgTxId: "pg-1", paidAt: PAID_AT } })).on("GET", lookupPath, json(charged()));
    const { buyer: _b, ...bare } = input;
    await gateway.billing.charge(bare);
    expect(fake.requests[0]!.body).toEqual({ storeId: "store-9", billingKey: "bk-1", orderName: input.name, amount: { total: 9_900 }, currency: "KRW" });
  });

  it("ALREADY_PAID on a repeated paymentId: one lookup, the payment as it stands, nothing charged again", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("POST", chargePath, v2Error(409, "ALREADY_PAID")).on("GET", lookupPath, json(charged()));
    const p = await gateway.billing.charge(input);
    expect(p).toMatchObject({ status: "paid", gatewayId: "tx-renew" });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${chargePath}`, `GET ${lookupPath}`]);
  });

  it("ALREADY_PAID for a payment refunded since: still answered as it stands (cancelled), never charged again", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("POST", chargePath, v2Error(409, "ALREADY_PAID"))
      .on("GET", lookupPath, json(charged({ status: "CANCELLED", cancelledAt: PAID_AT, amount: { total: 9_900, cancelled: 9_900 } })));
    expect(await gateway.billing.charge(input)).toMatchObject({ status: "cancelled", cancelledAmount: 9_900 });
  });

  it("a decline (HTTP 502 PG_PROVIDER) resolves with the FAILED payment V2 recorded", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("POST", chargePath, v2Error(502, "PG_PROVIDER", { pgCode: "51", pgMessage: "잔액부족" }))
      .on("GET", lookupPath, json(charged({ status: "FAILED", paidAt: undefined, failedAt: PAID_AT, failure: { reason: "잔액부족", pgCode: "51", pgMessage: "잔액부족" } })));
    expect(await gateway.billing.charge(input)).toMatchObject({ status: "failed", gatewayId: "tx-renew", failReason: "잔액부족", paidAtMs: null });
  });

  it("a decline V2 kept no payment for becomes a failed payment from the error's facts (gatewayId = paymentId)", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("POST", chargePath, v2Error(502, "PG_PROVIDER", { message: "PG사 오류", pgCode: "51", pgMessage: "한도초과" }))
      .on("GET", lookupPath, v2Error(404, "PAYMENT_NOT_FOUND"));
    expect(await gateway.billing.charge(input)).toEqual({
      status: "failed",
      gatewayId: input.merchantUid,
      merchantUid: input.merchantUid,
      amount: 9_900,
      cancelledAmount: 0,
      currency: "KRW",
      name: input.name,
      payMethod: null,
      paidAtMs: null,
      cancelledAtMs: null,
      failReason: "한도초과",
      sandbox: null,
      billingKey: "bk-1",
      cancels: [],
      virtualAccount: null,
      receiptUrl: null,
    });
  });

  it("a PG error after which V2 says PAID is answered as paid (the lookup, not the error, is the truth)", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("POST", chargePath, v2Error(502, "PG_PROVIDER", { pgCode: "TIMEOUT", pgMessage: "응답 지연" })).on("GET", lookupPath, json(charged()));
    expect(await gateway.billing.charge(input)).toMatchObject({ status: "paid" });
  });

  it("a PG error with the payment still in progress, or a lookup that fails, is no answer: it throws for the caller to look up later", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("POST", chargePath, v2Error(502, "PG_PROVIDER", { pgCode: "x", pgMessage: "y" }))
      .on("GET", lookupPath, json(charged({ status: "PENDING", paidAt: undefined })))
      .on("POST", chargePath, v2Error(502, "PG_PROVIDER", { pgCode: "x", pgMessage: "y" }))
      .on("GET", lookupPath, new Response("", { status: 500 }));
    const pending = await failure(gateway.billing.charge(input));
    expect(pending).toBeInstanceOf(GatewayRefusalError);
    expect(pending).toMatchObject({ kind: "temporary", code: "PG_PROVIDER", retryable: true });
    const unknown = await failure(gateway.billing.charge(input));
    expect(unknown).toBeInstanceOf(GatewayTransportError);
  });

  it("a timeout or 5xx on the charge is a transport error (outcome unknown), with no lookup of its own", async () => {
    const { fake, gateway } = v2Setup({ timeoutMs: 20 });
    fake.on("POST", chargePath, () => new Promise<Response>(() => {})).on("POST", chargePath, new Response("", { status: 504 }));
    await expect(gateway.billing.charge(input)).rejects.toMatchObject({ kind: "timeout", retryable: true });
    await expect(gateway.billing.charge(input)).rejects.toMatchObject({ kind: "http_status", status: 504 });
    expect(fake.requests).toHaveLength(2);
  });

  it("a key V2 does not know is GatewayNotFoundError; a deleted key or a bad request is rejected", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("POST", chargePath, v2Error(404, "BILLING_KEY_NOT_FOUND"))
      .on("POST", chargePath, v2Error(409, "BILLING_KEY_ALREADY_DELETED"))
      .on("POST", chargePath, v2Error(400, "INVALID_REQUEST"));
    await expect(gateway.billing.charge(input)).rejects.toBeInstanceOf(GatewayNotFoundError);
    await expect(gateway.billing.charge(input)).rejects.toMatchObject({ kind: "rejected", code: "BILLING_KEY_ALREADY_DELETED", retryable: false });
    await expect(gateway.billing.charge(input)).rejects.toMatchObject({ kind: "rejected", code: "INVALID_REQUEST" });
  });

  it("a charge whose read-back fails is a transport error: the caller looks the paymentId up before charging again", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("POST", chargePath, json({ payment: { pgTxId: "pg-1", paidAt: PAID_AT } })).on("GET", lookupPath, () => {
        throw new TypeError("connection reset");
      });
    await expect(gateway.billing.charge(input)).rejects.toMatchObject({ kind: "network", method: "GET", path: lookupPath });
  });

  it("refuses bad input before any request", async () => {
    const { gateway } = v2Setup();
    await expect(gateway.billing.charge({ ...input, amount: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(gateway.billing.charge({ ...input, billingKey: "" })).rejects.toBeInstanceOf(TypeError);
  });
});
