import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ValidationMessage } from "../../src/domain/messages";
import { completeAttempt } from "../../src/services/complete-payment";
import { depsFor } from "../../src/services/deps";
import { call, expectError, json, ORIGIN, signUp } from "../helpers/http";
import { deliver } from "../helpers/queue";
import { createOrder } from "../helpers/orders";
import { atGateway, foreignReportBody, payInWindow, report, resendWebhook, webhookDelivered } from "../helpers/gateway";
import { onV1, onV2 } from "../helpers/gateway-under-test";
import { eventsOf, paymentRow, waitFor, waitForInboxDrained, waitForStatus } from "../helpers/wait";

// Runs once per gateway (vitest.config.ts V2_SUITES): the same buyer, the same pages' requests, the same outcome.

const transitions = async (m: string) => (await eventsOf(m)).map((e) => [e.from_status, e.to_status]);

describe("the happy path", () => {
  it("creates, pays, completes and ends paid with one event, verified against the gateway", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 15_000, "Latte");
    expect(order).toMatchObject({ status: "ready", amount: 15_000, currency: "KRW", imp_uid: null });
    expect(order.merchant_uid).toMatch(/^pay_[0-9a-f]{32}$/);
    if (onV1) {
      expect(order.checkout).toMatchObject({ gateway: "iamport-v1", imp_code: "imp00000000" });
      expect(order.checkout.params).toEqual({
        pg: "html5_inicis",
        pay_method: "card",
        merchant_uid: order.merchant_uid,
        name: "Latte",
        amount: 15_000,
        currency: "KRW",
        buyer_email: buyer.email,
        buyer_name: "Kim Minji",
      });
    } else {
      expect(order.checkout).toMatchObject({ gateway: "portone-v2", sdk_url: env.PORTONE_SDK_URL, redirect_url: `${ORIGIN}/payments/return` });
      expect(order.checkout.request).toEqual({
        storeId: env.PORTONE_STORE_ID,
        channelKey: env.PORTONE_CHANNEL_KEY,
        paymentId: order.merchant_uid,
        orderName: "Latte",
        totalAmount: 15_000,
        currency: "KRW",
        payMethod: "CARD",
        customer: { customerId: buyer.user.id, fullName: "Kim Minji", email: buyer.email },
      });
    }

    // The webhook is held back until the browser's report is answered, so that answer is the report's own.
    const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount: 15_000, webhook: "none" });
    expect(paid.success).toBe(true);
    const res = await report(buyer, order.merchant_uid, paid.gatewayId!);
    expect(res.status).toBe(202);
    // V1 records the reported imp_uid at once; V2's txId is bound only from PortOne's own answer.
    expect(await json(res)).toMatchObject({ imp_uid: onV1 ? paid.gatewayId : null, status: "ready" });

    const row = await waitForStatus(order.merchant_uid, "paid");
    expect(row.method).toBe("card");
    expect(row.paid_at).toBeGreaterThan(0);
    expect(await transitions(order.merchant_uid)).toEqual([["ready", "paid"]]);

    const detail = await json(await call("GET", `/api/payments/${order.merchant_uid}`, { token: buyer.token }));
    expect(detail).toMatchObject({ status: "paid", imp_uid: paid.gatewayId, amount: 15_000 });
    expect(detail.events).toHaveLength(1);
    expect(detail.events[0]).toMatchObject({ from: "ready", to: "paid" });
    expect((await atGateway(order.merchant_uid, paid.gatewayId!)).status).toBe("paid");

    // Then the gateway's webhook: the sandbox sends it to the app, which answers 200 and changes nothing.
    await resendWebhook({ merchant_uid: order.merchant_uid, gatewayId: paid.gatewayId! });
    await waitFor("webhook delivered", () => webhookDelivered(order.merchant_uid));
    await waitForInboxDrained(order.merchant_uid, 1);
    expect(await transitions(order.merchant_uid)).toEqual([["ready", "paid"]]);
  });

  it("answers the verdict from complete?wait once validation settles it", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 7_000);
    const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount: 7_000, webhook: "none" });
    const res = await report(buyer, order.merchant_uid, paid.gatewayId!, 10);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: "paid", imp_uid: paid.gatewayId });
  });

  it("records a declined card as failed, with the gateway's reason", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 5_000);
    const declined = await payInWindow({ merchant_uid: order.merchant_uid, amount: 5_000, outcome: "failed", webhook: "none" });
    expect(declined.success).toBe(false);
    expect(declined.gatewayId).toEqual(expect.any(String));
    expect((await report(buyer, order.merchant_uid, declined.gatewayId!)).status).toBe(202);
    const row = await waitForStatus(order.merchant_uid, "failed");
    expect(row.fail_reason).toEqual(expect.any(String));
    expect(row.fail_reason.length).toBeGreaterThan(0);
  });
});

describe("the browser's report", () => {
  it("refuses the other gateway's body with a 400 naming its field, and changes nothing", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 6_000);
    const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount: 6_000, webhook: "none" });
    const body = foreignReportBody(order.merchant_uid, paid.gatewayId!);
    const res = await call("POST", `/api/payments/${order.merchant_uid}/complete`, { token: buyer.token, body });
    const error = await expectError(res, 400, "invalid_request");
    const named = (error.details as { fields: { field: string }[] }).fields.map((f) => f.field);
    expect(named).toEqual(onV2 ? ["imp_uid"] : ["tx_id", "payment_id"]);
    expect(error.message).toContain(onV2 ? "portone-v2" : "iamport-v1");
    const row = await paymentRow(order.merchant_uid);
    expect(row).toMatchObject({ status: "ready", imp_uid: null, validation_queued_at: null, pending_validation_imp_uid: null });
  });

  it("answers a stranger's report with 404 and leaves the order untouched", async () => {
    const buyer = await signUp();
    const stranger = await signUp();
    const order = await createOrder(buyer, 6_000);
    const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount: 6_000, webhook: "none" });
    await expectError(await report(stranger, order.merchant_uid, paid.gatewayId!), 404, "not_found");
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ status: "ready", imp_uid: null, validation_queued_at: null, pending_validation_imp_uid: null });
  });

  it.runIf(onV2)("refuses a malformed txId, and a payment_id that is not the path's, with a 400 naming the field", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 6_000);
    const other = await createOrder(buyer, 6_000);
    const complete = (body: unknown) => call("POST", `/api/payments/${order.merchant_uid}/complete`, { token: buyer.token, body });
    for (const [body, field] of [
      [{ tx_id: "not a txid" }, "tx_id"],
      [{ tx_id: "x".repeat(65) }, "tx_id"],
      [{ payment_id: order.merchant_uid }, "tx_id"],
      [{ payment_id: other.merchant_uid, tx_id: crypto.randomUUID() }, "payment_id"],
      [{ payment_id: "v2-not-ours", tx_id: crypto.randomUUID() }, "payment_id"],
    ] as const) {
      const error = await expectError(await complete(body), 400, "invalid_request");
      expect((error.details as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
    }
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ status: "ready", validation_queued_at: null, pending_validation_imp_uid: null });
  });

  it.runIf(onV2)("does not let a stale txId (an earlier attempt in the window) block the attempt that paid", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 8_000);
    // The first attempt is declined; the buyer tries again in the same window and pays: a new txId.
    const declined = await payInWindow({ merchant_uid: order.merchant_uid, amount: 8_000, outcome: "failed", webhook: "none" });
    const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount: 8_000, webhook: "none" });
    expect(paid.gatewayId).not.toBe(declined.gatewayId);

    // The stale report comes first (and again after): neither is a conflict, and neither decides the outcome.
    expect((await report(buyer, order.merchant_uid, declined.gatewayId!)).status).toBe(202);
    const res = await report(buyer, order.merchant_uid, paid.gatewayId!, 10);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: "paid", imp_uid: paid.gatewayId });
    expect([200, 202]).toContain((await report(buyer, order.merchant_uid, declined.gatewayId!)).status);
    await waitFor("the reports' validations to finish", async () => (await paymentRow(order.merchant_uid)).pending_validation_imp_uid === null);
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ status: "paid", imp_uid: paid.gatewayId });
    expect(await transitions(order.merchant_uid)).toEqual([["ready", "paid"]]);
  });

  it.runIf(onV2)("validates a report whatever txId it names: the outcome is PortOne's answer for the paymentId", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 9_000);
    await payInWindow({ merchant_uid: order.merchant_uid, amount: 9_000, webhook: "none" });
    // A made-up txId neither pays the order by itself nor stops it being validated from PortOne's record.
    const res = await report(buyer, order.merchant_uid, crypto.randomUUID(), 10);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.status).toBe("paid");
    expect(body.imp_uid).not.toBeNull();
  });

  it.runIf(onV2)("a report before the buyer paid changes nothing: the order stays ready until PortOne says paid", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 4_000);
    expect((await report(buyer, order.merchant_uid, crypto.randomUUID())).status).toBe(202);
    await waitFor("the report's validation to finish", async () => (await paymentRow(order.merchant_uid)).pending_validation_imp_uid === null);
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ status: "ready", imp_uid: null });
    expect(await eventsOf(order.merchant_uid)).toEqual([]);
  });

  it.runIf(onV2)("queues one message for repeats of the same report, and one more for a report of another attempt", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 3_000);
    const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount: 3_000, webhook: "none" });
    const sent: ValidationMessage[] = [];
    const deps = depsFor(env, { queue: { send: async (m: ValidationMessage) => void sent.push(m), sendBatch: async (ms: ValidationMessage[]) => void sent.push(...ms) } });
    const attempt = (txId: string) => completeAttempt(deps, { userId: buyer.user.id, merchantUid: order.merchant_uid, txId, source: "browser" });

    await attempt(paid.gatewayId!);
    await attempt(paid.gatewayId!);
    expect(sent).toEqual([{ merchant_uid: order.merchant_uid, imp_uid: paid.gatewayId, source: "browser" }]);
    // Another txId while that message waits (a stale attempt, or a retry the page reports late) is looked up too.
    const stale = crypto.randomUUID();
    await attempt(stale);
    expect(sent.map((m) => m.imp_uid)).toEqual([paid.gatewayId, stale]);

    expect((await deliver(sent[0])).acked).toBe(true);
    expect((await deliver(sent[1])).acked).toBe(true);
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ status: "paid", imp_uid: paid.gatewayId, pending_validation_imp_uid: null });
    expect(await transitions(order.merchant_uid)).toEqual([["ready", "paid"]]);
    // Settled: a further report queues nothing.
    await attempt(paid.gatewayId!);
    expect(sent).toHaveLength(2);
  });

  it.runIf(onV2)("shows the payment page verifying a reported attempt, and payable again once the report is stale", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 3_300);
    const page = async () => (await call("GET", `/payments/${order.merchant_uid}`, { cookie: `pp_session=${buyer.token}` })).text();
    const before = await page();
    expect(before).toContain("data-checkout=");
    expect(before).not.toContain("data-poll");

    // A report whose validation has not answered yet (its message held): the page follows it, offering no payment.
    const held = depsFor(env, { queue: { send: async () => {}, sendBatch: async () => {} } });
    await completeAttempt(held, { userId: buyer.user.id, merchantUid: order.merchant_uid, txId: crypto.randomUUID(), source: "browser" });
    const verifying = await page();
    expect(verifying).toContain("data-poll");
    expect(verifying).not.toContain("data-checkout=");

    // Past the reconciler's grace period with nothing found, the order can be paid again.
    const stale = Date.now() - (Number(env.RECONCILE_AFTER_SECONDS ?? 120) + 60) * 1000;
    await env.DB.prepare("UPDATE payments SET validation_queued_at = ? WHERE merchant_uid = ?").bind(stale, order.merchant_uid).run();
    const again = await page();
    expect(again).toContain("data-checkout=");
    expect(again).not.toContain("data-poll");
  });
});
