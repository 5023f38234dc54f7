import { describe, expect, it } from "vitest";
import { isKnownPaymentStatus, type CancelPaymentInput } from "../../../src/iamport";
import { BASE, json, ok, payment, refusal } from "./fake-fetch";
import { checkedSetup, setup } from "./setup";

const env = (overrides?: Parameters<typeof setup>[0]) => checkedSetup(overrides, "tok_a");

describe("requests", () => {
  it("sends JSON with a Bearer token to the base URL (trailing slash and path prefix kept)", async () => {
    const { fake, client } = env();
    fake.on("POST", "/payments/prepare", ok({ merchant_uid: "m_1", amount: 5000, currency: null }));
    const prepared = await client.prepare({ merchant_uid: "m_1", amount: 5000 });
    expect(prepared).toMatchObject({ merchant_uid: "m_1", amount: 5000 });

    const [tokenReq, req] = fake.requests;
    expect(tokenReq!.url.href).toBe(`${BASE}/users/getToken`);
    expect(tokenReq!.headers.get("Authorization")).toBeNull();
    expect(req!.url.href).toBe(`${BASE}/payments/prepare`);
    expect(req!.headers.get("Authorization")).toBe("Bearer tok_a");
    expect(req!.headers.get("Content-Type")).toBe("application/json");
    expect(req!.body).toEqual({ merchant_uid: "m_1", amount: 5000 });
  });

  it("URL-encodes path segments", async () => {
    const { fake, client } = env();
    fake
      .on("GET", "/payments/find/a%2Fb%20c%3F/paid", ok(payment()))
      .on("GET", "/payments/prepare/x%23y", ok({ merchant_uid: "x#y", amount: 1 }));
    await client.findPayment("a/b c?", "paid");
    await client.getPrepared("x#y");
    expect(fake.apiRequests()[0]!.url.search).toBe("");
  });

  it("calls fetch detached, never as a method of another object", async () => {
    // scriptedFetch records a foreign `this` as an unexpected request, which assertDone() reports.
    const { fake, client } = env();
    fake.on("GET", "/payments/imp_1", ok(payment()));
    await client.getPayment("imp_1");
  });

  it("updatePrepared uses PUT and getPayment can opt into sandbox payments", async () => {
    const { fake, client } = env();
    fake
      .on("PUT", "/payments/prepare", ok({ merchant_uid: "m_1", amount: 7000 }))
      .on("GET", "/payments/imp_1", ok(payment()));
    await client.updatePrepared({ merchant_uid: "m_1", amount: 7000 });
    await client.getPayment("imp_1", { includeSandbox: true });
    expect(fake.apiRequests()[0]!.body).toEqual({ merchant_uid: "m_1", amount: 7000 });
    expect(fake.apiRequests()[1]!.url.searchParams.get("include_sandbox")).toBe("true");
  });

  it("getPayments sends imp_uid[]/merchant_uid[] and accepts a 207 partial answer", async () => {
    const { fake, client } = env();
    fake.on("GET", "/payments", ok([payment({ imp_uid: "imp_1" })], 207));
    const got = await client.getPayments({ imp_uids: ["imp_1", "imp_2"], merchant_uids: ["m_9"] });
    expect(got.map((p) => p.imp_uid)).toEqual(["imp_1"]);
    const q = fake.apiRequests()[0]!.url.searchParams;
    expect(q.getAll("imp_uid[]")).toEqual(["imp_1", "imp_2"]);
    expect(q.getAll("merchant_uid[]")).toEqual(["m_9"]);
    expect(await client.getPayments({})).toEqual([]);
  });

  it("getPayments answers every found payment on 200, and none on the schema's 404 for 'none found'", async () => {
    const { fake, client } = env();
    fake
      .on("GET", "/payments", ok([payment({ imp_uid: "imp_1" }), payment({ imp_uid: "imp_2" })]))
      .on("GET", "/payments", refusal(-1, "해당되는 결제건을 찾지 못하였습니다.", 404))
      .on("GET", "/payments", ok(null, 207));
    expect((await client.getPayments({ imp_uids: ["imp_1", "imp_2"] })).map((p) => p.imp_uid)).toEqual(["imp_1", "imp_2"]);
    expect(await client.getPayments({ imp_uids: ["imp_404"] })).toEqual([]);
    expect(await client.getPayments({ imp_uids: ["imp_207"] })).toEqual([]);
  });

  it("getPayments refuses more than 100 ids before any request, and still fails loudly on a 404 without an envelope", async () => {
    const { fake, client } = env();
    const ids = Array.from({ length: 101 }, (_, i) => `imp_${i}`);
    await expect(client.getPayments({ imp_uids: ids })).rejects.toBeInstanceOf(RangeError);
    fake.on("GET", "/payments", new Response("<html>Not Found</html>", { status: 404 }));
    await expect(client.getPayments({ imp_uids: ["imp_1"] })).rejects.toMatchObject({ kind: "http_status", retryable: true });
  });
});

describe("response parsing", () => {
  it("tolerates unknown fields and unknown status values, and normalises lists", async () => {
    const { fake, client } = env();
    fake.on(
      "GET",
      "/payments/imp_1",
      json({
        code: 0,
        message: null,
        response: payment({
          status: "partially_refunded_someday",
          brand_new_field: { nested: true },
          cancel_history: null,
          cancel_receipt_urls: undefined,
          buyer_email: null,
        }),
        trace_id: "abc",
      }),
    );
    const p = await client.getPayment("imp_1");
    expect(p.status).toBe("partially_refunded_someday");
    expect(isKnownPaymentStatus(p.status)).toBe(false);
    expect((p as Record<string, unknown>).brand_new_field).toEqual({ nested: true });
    expect(p.cancel_history).toEqual([]);
    expect(p.cancel_receipt_urls).toEqual([]);
  });

  it("parses cancel history entries", async () => {
    const { fake, client } = env();
    const cancel = {
      pg_tid: "tid",
      amount: 300,
      cancelled_at: 1733895500,
      reason: null,
      cancellation_id: "06JC8FVHJTW2WY16FEY0",
      receipt_url: null,
      extra: 1,
    };
    fake.on("GET", "/payments/imp_1", ok(payment({ cancel_amount: 300, cancel_history: [cancel] })));
    const p = await client.getPayment("imp_1");
    expect(p.cancel_history[0]).toMatchObject({ amount: 300, cancellation_id: "06JC8FVHJTW2WY16FEY0", reason: null });
  });
});

describe("cancelPayment", () => {
  it("always sends an explicit amount and checksum", async () => {
    const { fake, client } = env();
    fake.on("POST", "/payments/cancel", ok(payment({ status: "paid", cancel_amount: 400 })));
    const p = await client.cancelPayment({
      imp_uid: "imp_1",
      amount: 400,
      checksum: 1000,
      reason: "amount mismatch",
      enable_webhook: true,
    });
    expect(p.cancel_amount).toBe(400);
    expect(fake.apiRequests()[0]!.body).toEqual({
      imp_uid: "imp_1",
      amount: 400,
      checksum: 1000,
      reason: "amount mismatch",
      enable_webhook: true,
    });
  });

  it("accepts merchant_uid instead of imp_uid", async () => {
    const { fake, client } = env();
    fake.on("POST", "/payments/cancel", ok(payment({ status: "cancelled", cancel_amount: 1000 })));
    await client.cancelPayment({ merchant_uid: "m_1", amount: 1000, checksum: 1000 });
    expect(fake.apiRequests()[0]!.body).toEqual({ merchant_uid: "m_1", amount: 1000, checksum: 1000 });
  });

  const bad: Array<[string, unknown, ErrorConstructor]> = [
    ["missing amount", { imp_uid: "imp_1", checksum: 1000 }, TypeError],
    ["zero amount", { imp_uid: "imp_1", amount: 0, checksum: 1000 }, RangeError],
    ["negative amount", { imp_uid: "imp_1", amount: -5, checksum: 1000 }, RangeError],
    ["fractional amount", { imp_uid: "imp_1", amount: 10.5, checksum: 1000 }, RangeError],
    ["NaN amount", { imp_uid: "imp_1", amount: Number.NaN, checksum: 1000 }, RangeError],
    ["string amount", { imp_uid: "imp_1", amount: "1000", checksum: 1000 }, TypeError],
    ["missing checksum", { imp_uid: "imp_1", amount: 1000 }, TypeError],
    ["null checksum", { imp_uid: "imp_1", amount: 1000, checksum: null }, TypeError],
    ["amount above checksum", { imp_uid: "imp_1", amount: 1001, checksum: 1000 }, RangeError],
    ["no uid", { amount: 1000, checksum: 1000 }, TypeError],
  ];
  for (const [name, input, ErrorType] of bad) {
    it(`refuses ${name} before any request`, async () => {
      const { fake, client } = setup();
      await expect(client.cancelPayment(input as CancelPaymentInput)).rejects.toBeInstanceOf(ErrorType);
      expect(fake.requests).toHaveLength(0);
      fake.assertDone();
    });
  }
});

describe("billing", () => {
  const customer = {
    customer_uid: "cust/1",
    pg_provider: "nice",
    pg_id: "nictest04m",
    card_name: "신한카드",
    inserted: 1733895332,
    updated: 1733895332,
    sandbox: true,
    something_new: "ok",
  };
  const schedule = {
    customer_uid: "cust/1",
    merchant_uid: "sub_1",
    imp_uid: null,
    schedule_at: 1733999999,
    executed_at: 0,
    revoked_at: 0,
    amount: 9900,
    currency: "KRW",
    schedule_status: "scheduled",
    payment_status: null,
  };

  it("maps the customer and schedule endpoints", async () => {
    const { fake, client } = env();
    fake
      .on("POST", "/subscribe/customers/cust%2F1", ok(customer))
      .on("GET", "/subscribe/customers/cust%2F1", ok(customer))
      .on("POST", "/subscribe/payments/again", ok(payment({ status: "failed", fail_reason: "한도초과", customer_uid: "cust/1" })))
      .on("POST", "/subscribe/payments/schedule", ok([schedule]))
      .on("POST", "/subscribe/payments/unschedule", ok([{ ...schedule, schedule_status: "revoked", revoked_at: 1733890000 }]))
      .on("DELETE", "/subscribe/customers/cust%2F1", ok(customer));

    expect((await client.billing.createCustomer("cust/1", { card_number: "1234-1234-1234-1234", expiry: "2030-01" })).customer_uid).toBe("cust/1");
    expect((await client.billing.getCustomer("cust/1")).pg_provider).toBe("nice");
    const charged = await client.billing.payAgain({ customer_uid: "cust/1", merchant_uid: "sub_0", amount: 9900, name: "Plan" });
    expect(charged.status).toBe("failed"); // a decline is code 0 + status failed, not an error
    const scheduled = await client.billing.schedule({
      customer_uid: "cust/1",
      schedules: [{ merchant_uid: "sub_1", schedule_at: 1733999999, amount: 9900, name: "Plan" }],
    });
    expect(scheduled[0]?.payment_status).toBeNull();
    expect((await client.billing.unschedule({ customer_uid: "cust/1", merchant_uid: ["sub_1"] }))[0]?.schedule_status).toBe("revoked");
    await client.billing.deleteCustomer("cust/1", { reason: "user left" });

    const reqs = fake.apiRequests();
    expect(reqs[0]!.body).toEqual({ card_number: "1234-1234-1234-1234", expiry: "2030-01" });
    expect(reqs[1]!.body).toBeUndefined();
    expect(reqs[5]!.url.searchParams.get("reason")).toBe("user left");
    expect(fake.tokenRequests()).toHaveLength(1);
  });
});
