import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { depsFor, observeIamportCalls } from "../../src/services/deps";
import { reconcile } from "../../src/services/reconcile";
import { adminUser, call, expectError, json, signUp, type TestUser } from "../helpers/http";
import { createOrder } from "../helpers/orders";
import { fault } from "../helpers/sandbox";
import { atGateway, cancelFault, consoleCancel, payInWindow, report } from "../helpers/gateway";
import { onV1 } from "../helpers/gateway-under-test";
import { eventsOf, paymentRow, waitFor, waitForStatus } from "../helpers/wait";

// Runs once per gateway (vitest.config.ts V2_SUITES): our books against the gateway's record, through
// helpers/gateway.ts. What depends on Iamport V1's own errors (its token, HTTP 200 with code -1) says runIf(onV1).

// A fresh administrator per test: each admin's refunds are rate limited (60 a minute).
let admin: TestUser;
beforeEach(async () => {
  admin = await adminUser();
});
afterEach(() => observeIamportCalls(undefined));

async function paidPayment(amount: number) {
  const buyer = await signUp();
  const order = await createOrder(buyer, amount);
  const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount, webhook: "none" });
  await report(buyer, order.merchant_uid, paid.gatewayId!);
  await waitForStatus(order.merchant_uid, "paid");
  return { buyer, merchantUid: order.merchant_uid as string, impUid: paid.gatewayId! };
}

const refund = (merchantUid: string, body: unknown, headers: Record<string, string> = {}, who = admin) =>
  call("POST", `/api/payments/${merchantUid}/refunds`, { token: who.token, body, headers });

const refundRows = async (merchantUid: string) =>
  (
    await env.DB.prepare(
      "SELECT r.* FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.merchant_uid = ? ORDER BY r.id",
    )
      .bind(merchantUid)
      .all<any>()
  ).results;

/** Our books agree with the gateway's: cancelled amount, refunds recorded, nothing reserved, never over the amount. */
async function expectConsistent(merchantUid: string, impUid: string) {
  const row = await paymentRow(merchantUid);
  const atIamport = await atGateway(merchantUid, impUid);
  const succeeded = (await refundRows(merchantUid)).filter((r) => r.status === "succeeded");
  expect(row.cancelled_amount).toBe(atIamport.cancelledAmount);
  expect(succeeded.reduce((s, r) => s + r.amount, 0)).toBe(atIamport.cancelledAmount);
  expect(new Set(succeeded.map((r) => r.cancellation_id)).size).toBe(atIamport.cancels.length);
  expect(row.cancelled_amount).toBeLessThanOrEqual(row.amount);
  expect(row.reserved_amount).toBe(0);
  return { row, atIamport };
}

describe("who may refund", () => {
  it("refuses the buyer (403) and an anonymous caller (401), changing nothing", async () => {
    const { buyer, merchantUid, impUid } = await paidPayment(10_000);
    await expectError(await refund(merchantUid, { amount: 1000, reason: "x" }, {}, buyer), 403, "forbidden");
    await expectError(await call("POST", `/api/payments/${merchantUid}/refunds`, { body: { amount: 1000, reason: "x" } }), 401);
    expect((await atGateway(merchantUid, impUid)).cancelledAmount).toBe(0);
    expect(await refundRows(merchantUid)).toEqual([]);
  });
});

describe("bad amounts are refused before any Iamport call", () => {
  it.each([[0], [-1000], [1000.5], ["1000"], [null], [undefined], [Number.MAX_SAFE_INTEGER + 2]])(
    "refuses amount %j with 400",
    async (amount) => {
      const { merchantUid } = await paidPayment(10_000);
      const calls: unknown[] = [];
      observeIamportCalls((c) => calls.push(c));
      await expectError(await refund(merchantUid, { amount, reason: "damaged" }), 400, "invalid_request");
      expect(calls).toEqual([]);
      expect(await refundRows(merchantUid)).toEqual([]);
    },
  );

  it("refuses more than the refundable balance with 409, and a missing reason with 400", async () => {
    const { merchantUid } = await paidPayment(10_000);
    const calls: unknown[] = [];
    observeIamportCalls((c) => calls.push(c));
    const error = await expectError(await refund(merchantUid, { amount: 10_001, reason: "too much" }), 409, "amount_exceeds_refundable");
    expect(error.details.refundable_amount).toBe(10_000);
    await expectError(await refund(merchantUid, { amount: 100 }), 400, "invalid_request");
    expect(calls).toEqual([]);
    expect(await paymentRow(merchantUid)).toMatchObject({ reserved_amount: 0, cancelled_amount: 0, status: "paid" });
  });

  it("refuses control or direction-override characters in the reason, and unknown fields, before any Iamport call", async () => {
    const { merchantUid } = await paidPayment(10_000);
    const calls: unknown[] = [];
    observeIamportCalls((c) => calls.push(c));
    for (const [body, field] of [
      [{ amount: 1000, reason: "damaged\u0000" }, "reason"],
      [{ amount: 1000, reason: "refund \u202Eevil" }, "reason"],
      [{ amount: 1000, reason: "ok", checksum: 0 }, "checksum"],
    ] as const) {
      const error = await expectError(await refund(merchantUid, body), 400, "invalid_request");
      expect(error.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    }
    expect(calls).toEqual([]);
    expect(await refundRows(merchantUid)).toEqual([]);
    // A reason may span lines.
    expect((await refund(merchantUid, { amount: 1000, reason: "box crushed\nitem scratched" })).status).toBe(201);
  });

  it("refuses to refund an order that was never paid", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 5_000);
    await expectError(await refund(order.merchant_uid, { amount: 5_000, reason: "x" }), 409, "invalid_state");
    await expectError(await refund(`pay_${"f".repeat(32)}`, { amount: 5_000, reason: "x" }), 404, "not_found");
  });
});

describe("full and partial refunds", () => {
  it("refunds partially, then the rest, with an explicit amount and checksum each time", async () => {
    const { merchantUid, impUid } = await paidPayment(10_000);
    const sent: Array<{ path: string }> = [];
    observeIamportCalls((c) => sent.push(c));
    const first = await refund(merchantUid, { amount: 3_000, reason: "one item returned" });
    expect(first.status).toBe(201);
    const body = await json(first);
    expect(body.refund).toMatchObject({ amount: 3_000, status: "succeeded", reason: "one item returned" });
    expect(body.refund.cancellation_id).toBeTruthy();
    expect(body.payment).toMatchObject({ status: "partially_cancelled", cancelled_amount: 3_000, refundable_amount: 7_000 });

    const second = await json(await refund(merchantUid, { amount: 7_000, reason: "the rest" }));
    expect(second.payment).toMatchObject({ status: "cancelled", cancelled_amount: 10_000, refundable_amount: 0 });
    expect((await atGateway(merchantUid, impUid)).cancels).toEqual([3_000, 7_000]);
    expect((await eventsOf(merchantUid)).map((e) => `${e.from_status}->${e.to_status}`)).toEqual([
      "ready->paid",
      "paid->partially_cancelled",
      "partially_cancelled->cancelled",
    ]);
    await expectError(await refund(merchantUid, { amount: 1, reason: "more" }), 409, "invalid_state");
    await expectConsistent(merchantUid, impUid);
  });

  it("lets exactly one of 10 concurrent full refunds succeed; the others get 409", async () => {
    const { merchantUid, impUid } = await paidPayment(25_000);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => refund(merchantUid, { amount: 25_000, reason: `attempt ${i}` })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    expect((await atGateway(merchantUid, impUid)).cancels).toHaveLength(1);
    await expectConsistent(merchantUid, impUid);
  });

  it("never exceeds the paid amount over hundreds of seeded random partial refunds", async () => {
    // mulberry32: a fixed seed, so a failure replays exactly.
    let seed = 20261125;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    let attempts = 0;
    for (const amount of [100_000, 33_333, 7_777, 1_000_000]) {
      const { merchantUid, impUid } = await paidPayment(amount);
      for (let step = 0; step < 60; step++) {
        // Each admin's refunds are limited to 60 a minute: a colleague takes over every 25 steps.
        if (step % 25 === 0) admin = await adminUser();
        const row = await paymentRow(merchantUid);
        const balance = row.amount - row.cancelled_amount;
        // Mostly small parts of the balance, sometimes most of it, sometimes more than is left, sometimes two at once.
        const ask = () => {
          const roll = random();
          const share = roll < 0.7 ? random() * 0.15 : roll < 0.85 ? random() : 1 + random() * 0.5;
          return Math.max(1, Math.floor(balance * share));
        };
        const pair = random() < 0.25;
        const results = await Promise.all(
          (pair ? [ask(), ask()] : [ask()]).map((a) => refund(merchantUid, { amount: a, reason: `step ${step}` })),
        );
        attempts += results.length;
        for (const r of results) expect([201, 409]).toContain(r.status);
        await expectConsistent(merchantUid, impUid);
        if ((await paymentRow(merchantUid)).status === "cancelled") break;
      }
    }
    expect(attempts).toBeGreaterThanOrEqual(150);
    // Hundreds of refunds through the sandbox: slow on a loaded machine, so it gets more than the default 30 s.
  }, 180_000);
});

describe("idempotent retries and an unreachable Iamport", () => {
  it("answers a repeat with the same key with the first refund, and 422 for another body", async () => {
    const { merchantUid, impUid } = await paidPayment(10_000);
    const headers = { "idempotency-key": `refund-${crypto.randomUUID()}` };
    const a = await json(await refund(merchantUid, { amount: 2_000, reason: "dup" }, headers));
    const b = await json(await refund(merchantUid, { amount: 2_000, reason: "dup" }, headers));
    expect(b).toEqual(a);
    expect((await atGateway(merchantUid, impUid)).cancels).toHaveLength(1);
    await expectError(await refund(merchantUid, { amount: 3_000, reason: "dup" }, headers), 422, "idempotency_key_reused");
  });

  it("keeps the reservation when Iamport's answer is lost, and a retry with the key neither refunds twice nor loses it", async () => {
    const { merchantUid, impUid } = await paidPayment(10_000);
    await cancelFault({ merchant_uid: merchantUid, gatewayId: impUid, kind: "timeout", latency_ms: 3_000, processed: true });
    const headers = { "idempotency-key": `lost-${crypto.randomUUID()}` };
    await expectError(await refund(merchantUid, { amount: 4_000, reason: "lost answer" }, headers), 503, "gateway_unavailable");
    // Iamport did refund; we hold the reservation and a pending row until we know.
    expect((await atGateway(merchantUid, impUid)).cancelledAmount).toBe(4_000);
    // On V2 PortOne's cancel webhook may already have settled it from PortOne's record; either way the 4,000 is
    // counted exactly once, reserved or cancelled.
    const held = await paymentRow(merchantUid);
    expect(held.reserved_amount + held.cancelled_amount).toBe(4_000);
    if (onV1) expect(held).toMatchObject({ reserved_amount: 4_000, cancelled_amount: 0 });
    if (held.reserved_amount > 0) {
      expect(await expectError(await refund(merchantUid, { amount: 1_000, reason: "other" }), 409, "refund_in_progress")).toBeTruthy();
    }

    const retried = await refund(merchantUid, { amount: 4_000, reason: "lost answer" }, headers);
    expect(retried.status).toBe(201);
    expect((await json(retried)).payment).toMatchObject({ status: "partially_cancelled", cancelled_amount: 4_000 });
    expect((await atGateway(merchantUid, impUid)).cancels).toHaveLength(1);
    await expectConsistent(merchantUid, impUid);
  });

  it("refuses the key with another body after a timeout (422), and finishes the first refund with the first body", async () => {
    const { merchantUid, impUid } = await paidPayment(10_000);
    await cancelFault({ merchant_uid: merchantUid, gatewayId: impUid, kind: "timeout", latency_ms: 3_000, processed: true });
    const headers = { "idempotency-key": `swap-${crypto.randomUUID()}` };
    await expectError(await refund(merchantUid, { amount: 1_000, reason: "first" }, headers), 503, "gateway_unavailable");
    await expectError(await refund(merchantUid, { amount: 2_000, reason: "first" }, headers), 422, "idempotency_key_reused");
    await expectError(await refund(merchantUid, { amount: 1_000, reason: "changed" }, headers), 422, "idempotency_key_reused");
    const done = await json(await refund(merchantUid, { amount: 1_000, reason: "first" }, headers));
    expect(done.refund).toMatchObject({ amount: 1_000, status: "succeeded" });
    await expectError(await refund(merchantUid, { amount: 2_000, reason: "first" }, headers), 422, "idempotency_key_reused");
    expect((await atGateway(merchantUid, impUid)).cancels).toHaveLength(1);
    await expectConsistent(merchantUid, impUid);
  });

  it("refuses the key with another body after a refused refund (422); the same body may run again", async () => {
    const { merchantUid, impUid } = await paidPayment(10_000);
    await cancelFault({ merchant_uid: merchantUid, gatewayId: impUid, kind: "code_error", times: 1 });
    const headers = { "idempotency-key": `failed-${crypto.randomUUID()}` };
    await expectError(await refund(merchantUid, { amount: 3_000, reason: "r" }, headers), 503);
    expect((await refundRows(merchantUid)).map((r) => r.status)).toEqual(["failed"]);
    await expectError(await refund(merchantUid, { amount: 9_000, reason: "r" }, headers), 422, "idempotency_key_reused");
    expect((await json(await refund(merchantUid, { amount: 3_000, reason: "r" }, headers))).refund.status).toBe("succeeded");
    await expectConsistent(merchantUid, impUid);
  });

  it("retries a refund that never reached Iamport once, with the same key", async () => {
    const { merchantUid, impUid } = await paidPayment(10_000);
    await cancelFault({ merchant_uid: merchantUid, gatewayId: impUid, kind: "http_500", times: 1 });
    const headers = { "idempotency-key": `down-${crypto.randomUUID()}` };
    await expectError(await refund(merchantUid, { amount: 2_500, reason: "down" }, headers), 503, "gateway_unavailable");
    expect((await atGateway(merchantUid, impUid)).cancelledAmount).toBe(0);
    expect((await json(await refund(merchantUid, { amount: 2_500, reason: "down" }, headers))).refund.status).toBe("succeeded");
    await expectConsistent(merchantUid, impUid);
  });

  it("answers Iamport's temporary refusal of a cancel with 503 and releases the reservation; the same key then succeeds", async () => {
    const { merchantUid, impUid } = await paidPayment(10_000);
    await cancelFault({ merchant_uid: merchantUid, gatewayId: impUid, kind: "code_error", times: 1 });
    const headers = { "idempotency-key": `temp-${crypto.randomUUID()}` };
    await expectError(await refund(merchantUid, { amount: 1_500, reason: "temporary" }, headers), 503, "gateway_unavailable");
    expect(await paymentRow(merchantUid)).toMatchObject({ reserved_amount: 0, cancelled_amount: 0, status: "paid" });
    expect((await refundRows(merchantUid)).map((r) => r.status)).toEqual(["failed"]);
    expect((await json(await refund(merchantUid, { amount: 1_500, reason: "temporary" }, headers))).refund.status).toBe("succeeded");
    await expectConsistent(merchantUid, impUid);
  });

  it.runIf(onV1)("answers 503, never 500, when Iamport refuses the cancel and then the lookup that would settle it", async () => {
    const { merchantUid, impUid } = await paidPayment(10_000);
    await cancelFault({ merchant_uid: merchantUid, gatewayId: impUid, kind: "code_error", times: 1 });
    await fault({ path: `/payments/${impUid}`, method: "GET", kind: "unauthorized", times: 2 });
    const headers = { "idempotency-key": `unknown-${crypto.randomUUID()}` };
    await expectError(await refund(merchantUid, { amount: 2_000, reason: "unconfirmed" }, headers), 503, "gateway_unavailable");
    // Unconfirmed either way: the reservation stays until Iamport's record settles it.
    expect(await paymentRow(merchantUid)).toMatchObject({ reserved_amount: 2_000, cancelled_amount: 0 });
    expect((await atGateway(merchantUid, impUid)).cancelledAmount).toBe(0);
    expect((await json(await refund(merchantUid, { amount: 2_000, reason: "unconfirmed" }, headers))).refund.status).toBe("succeeded");
    await expectConsistent(merchantUid, impUid);
  });

  it("lets the reconciler settle refunds whose outcome is unknown, both ways", async () => {
    const landed = await paidPayment(10_000);
    const lost = await paidPayment(10_000);
    await cancelFault({ merchant_uid: landed.merchantUid, gatewayId: landed.impUid, kind: "timeout", latency_ms: 3_000, processed: true });
    await cancelFault({ merchant_uid: lost.merchantUid, gatewayId: lost.impUid, kind: "http_500", times: 1 });
    await expectError(await refund(landed.merchantUid, { amount: 6_000, reason: "r" }), 503);
    await expectError(await refund(lost.merchantUid, { amount: 6_000, reason: "r" }), 503);

    await reconcile(depsFor(env, { now: () => Date.now() + 10 * 60_000 }));
    await waitFor("refunds settled", async () => {
      const rows = [...(await refundRows(landed.merchantUid)), ...(await refundRows(lost.merchantUid))];
      return rows.every((r) => r.status !== "pending");
    });
    expect((await refundRows(landed.merchantUid))[0]).toMatchObject({ status: "succeeded", amount: 6_000 });
    expect((await refundRows(lost.merchantUid))[0]).toMatchObject({ status: "failed" });
    await expectConsistent(landed.merchantUid, landed.impUid);
    await expectConsistent(lost.merchantUid, lost.impUid);
    expect((await paymentRow(lost.merchantUid)).status).toBe("paid");
  });
});

describe("cancels made outside pocketpay", () => {
  it("records a console cancel from the webhook's re-query, once, however often it is delivered", async () => {
    const { merchantUid, impUid } = await paidPayment(10_000);
    await consoleCancel({ merchant_uid: merchantUid, gatewayId: impUid, amount: 3_500 });
    await waitForStatus(merchantUid, "partially_cancelled");
    await consoleCancel({ merchant_uid: merchantUid, gatewayId: impUid });
    await waitForStatus(merchantUid, "cancelled");
    await reconcile(depsFor(env, { now: () => Date.now() + 10 * 60_000 }));
    const rows = await refundRows(merchantUid);
    expect(rows.map((r) => [r.amount, r.source, r.status])).toEqual([
      [3_500, "iamport", "succeeded"],
      [6_500, "iamport", "succeeded"],
    ]);
    await expectConsistent(merchantUid, impUid);
  });

  it("ends consistent with Iamport when a refund races a console cancel", async () => {
    for (let round = 0; round < 4; round++) {
      const { merchantUid, impUid } = await paidPayment(10_000);
      const [ours] = await Promise.all([
        refund(merchantUid, { amount: 6_000, reason: "ours" }),
        consoleCancel({ merchant_uid: merchantUid, gatewayId: impUid, amount: 5_000 }).catch((e: unknown) => e),
      ]);
      expect([201, 409, 502]).toContain(ours.status);
      const atIamport = await atGateway(merchantUid, impUid);
      await waitFor("books match the gateway", async () => {
        const row = await paymentRow(merchantUid);
        return row.cancelled_amount === atIamport.cancelledAmount && row.reserved_amount === 0;
      });
      await expectConsistent(merchantUid, impUid);
    }
  });
});
