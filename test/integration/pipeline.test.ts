import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IamportRefusalError } from "../../src/iamport";
import { depsFor } from "../../src/services/deps";
import { completePayment } from "../../src/services/complete-payment";
import { reconcile } from "../../src/services/reconcile";
import type { ValidationMessage } from "../../src/domain/messages";
import { call, checked, expectError, json, signUp } from "../helpers/http";
import { complete, createOrder, sendWebhook } from "../helpers/orders";
import { fault, pay } from "../helpers/sandbox";
import { deliver } from "../helpers/queue";
import { appIamport, gatewayOver } from "../helpers/iamport";
import { eventsOf, paymentRow, waitFor, waitForInboxDrained, waitForStatus } from "../helpers/wait";
import { atGateway, cancelFault, lookupFault, payInWindow, report, reportThrough, resendWebhook as resendAtGateway, sendHint, storedCopies, storedDelivery, webhookMessage } from "../helpers/gateway";
import { onV1 } from "../helpers/gateway-under-test";

// Runs once per gateway (vitest.config.ts V2_SUITES). The buyer's and the gateway's steps go through
// helpers/gateway.ts; what exists on Iamport V1 only (its unsigned and form-encoded webhooks, the imp_uid the
// browser's report records, its token and error codes, the sandbox's underpaying switch) says so with runIf(onV1).

const transitions = async (m: string) => (await eventsOf(m)).map((e) => `${e.from_status}->${e.to_status}`);

/** An order the buyer paid in the gateway's window; `impUid` is the gateway's id of the attempt (V2: its txId). */
async function paidOrder(amount = 12_000, webhook: Parameters<typeof pay>[0]["webhook"] = "none") {
  const buyer = await signUp();
  const order = await createOrder(buyer, amount);
  const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount, webhook });
  expect(paid.success).toBe(true);
  return { buyer, order, impUid: paid.gatewayId!, merchantUid: order.merchant_uid as string };
}

describe("duplicate and reordered deliveries", () => {
  it("gives 20 duplicate webhooks delivered one after another exactly one transition and one event", async () => {
    const { impUid, merchantUid } = await paidOrder();
    for (let i = 0; i < 20; i++) {
      const res = await sendHint(merchantUid, impUid, "paid");
      expect(res.status).toBe(200);
    }
    await waitForInboxDrained(merchantUid, 20);
    expect((await paymentRow(merchantUid)).status).toBe("paid");
    expect(await transitions(merchantUid)).toEqual(["ready->paid"]);
  });

  it("gives 20 duplicate webhooks delivered all at once exactly one transition and one event", async () => {
    const { impUid, merchantUid } = await paidOrder(12_000, { duplicates: 20 });
    await waitForInboxDrained(merchantUid, storedCopies(20));
    expect((await paymentRow(merchantUid)).status).toBe("paid");
    expect(await transitions(merchantUid)).toEqual(["ready->paid"]);
    // And the same 20 straight into the consumer at once, bypassing the queue's batching.
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => deliver({ imp_uid: impUid, merchant_uid: merchantUid, source: "webhook" })),
    );
    expect(outcomes.every((o) => o.acked)).toBe(true);
    expect(await transitions(merchantUid)).toEqual(["ready->paid"]);
  });

  it("ends paid once when the webhook comes before the browser's complete", async () => {
    const { buyer, impUid, merchantUid } = await paidOrder(9_900, "once");
    await waitForStatus(merchantUid, "paid");
    const res = await report(buyer, merchantUid, impUid);
    expect(res.status).toBe(202);
    expect((await json(res)).status).toBe("paid");
    expect(await transitions(merchantUid)).toEqual(["ready->paid"]);
  });

  it("ends paid once when the webhook comes after the browser's complete", async () => {
    const { buyer, impUid, merchantUid } = await paidOrder(9_800, "none");
    expect((await report(buyer, merchantUid, impUid)).status).toBe(202);
    await waitForStatus(merchantUid, "paid");
    await resendAtGateway({ merchant_uid: merchantUid, gatewayId: impUid });
    await waitForInboxDrained(merchantUid, 1);
    expect(await transitions(merchantUid)).toEqual(["ready->paid"]);
  });

  it("ends paid once when the webhook and the complete race", async () => {
    const { buyer, impUid, merchantUid } = await paidOrder(9_700, "none");
    const [completed] = await Promise.all([
      report(buyer, merchantUid, impUid),
      resendAtGateway({ merchant_uid: merchantUid, gatewayId: impUid, duplicates: 3 }),
      deliver({ imp_uid: impUid, merchant_uid: merchantUid, source: "webhook" }),
    ]);
    expect(completed.status).toBe(202);
    await waitForInboxDrained(merchantUid, storedCopies(3));
    await waitForStatus(merchantUid, "paid");
    expect(await transitions(merchantUid)).toEqual(["ready->paid"]);
  });

  it.runIf(onV1)("accepts form-encoded webhooks the same as JSON", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 7_000);
    const paid = await pay({ merchant_uid: order.merchant_uid, amount: 7_000, webhook: "once", webhook_format: "form" });
    await waitForStatus(order.merchant_uid, "paid");
    const row = await env.DB.prepare("SELECT content_type, valid FROM webhook_inbox WHERE imp_uid = ?").bind(paid.imp_uid).first<any>();
    expect(row).toEqual({ content_type: "application/x-www-form-urlencoded", valid: 1 });
  });
});

describe("verification against the gateway", () => {
  it("rejects a payment smaller than the order and cancels it at the gateway with the exact amount", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 30_000);
    const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount: 300, tampered: true, webhook: "none" });
    expect(paid.success).toBe(true);
    expect((await report(buyer, order.merchant_uid, paid.gatewayId!)).status).toBe(202);
    const row = await waitForStatus(order.merchant_uid, "rejected");
    expect(row.fail_reason).toContain("amount mismatch");
    expect(await transitions(order.merchant_uid)).toEqual(["ready->rejected"]);
    const refunded = await waitFor("refund at the gateway", async () => {
      const p = await atGateway(order.merchant_uid, paid.gatewayId!);
      return p.status === "cancelled" ? p : undefined;
    });
    expect(refunded).toMatchObject({ amount: 300, cancelledAmount: 300, cancels: [300] });
    const detail = await json(await call("GET", `/api/payments/${order.merchant_uid}`, { token: buyer.token }));
    expect(detail.refunds).toMatchObject([{ amount: 300, status: "succeeded" }]);
    // A repeat delivery neither transitions again nor refunds twice.
    expect(await deliver(webhookMessage(order.merchant_uid, paid.gatewayId!))).toMatchObject({ acked: true });
    expect((await atGateway(order.merchant_uid, paid.gatewayId!)).cancels).toEqual([300]);
    expect(await transitions(order.merchant_uid)).toEqual(["ready->rejected"]);
  });

  it("still refunds a rejected payment when the first cancel fails, on the message's retry", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 30_000);
    const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount: 500, tampered: true, webhook: "none" });
    expect(paid.success).toBe(true);
    await cancelFault({ merchant_uid: order.merchant_uid, gatewayId: paid.gatewayId!, kind: "http_500", times: 1 });
    const hint = webhookMessage(order.merchant_uid, paid.gatewayId!, "paid");
    expect(await deliver(hint, 1)).toMatchObject({ retried: true });
    expect((await paymentRow(order.merchant_uid)).status).toBe("rejected");
    expect((await atGateway(order.merchant_uid, paid.gatewayId!)).cancelledAmount).toBe(0);
    expect(await deliver(hint, 2)).toMatchObject({ acked: true });
    expect(await atGateway(order.merchant_uid, paid.gatewayId!)).toMatchObject({ status: "cancelled", cancelledAmount: 500, cancels: [500] });
    expect(await transitions(order.merchant_uid)).toEqual(["ready->rejected"]);
  });

  it("records a declined card as failed with the gateway's reason", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 5_000);
    const declined = await payInWindow({ merchant_uid: order.merchant_uid, amount: 5_000, outcome: "failed" });
    expect(declined.success).toBe(false);
    await report(buyer, order.merchant_uid, declined.gatewayId!);
    const row = await waitForStatus(order.merchant_uid, "failed");
    expect(row.fail_reason).toBeTruthy();
    expect(await transitions(order.merchant_uid)).toEqual(["ready->failed"]);
  });

  it("changes nothing for a forged webhook naming another user's order", async () => {
    const victim = await signUp();
    const victimOrder = await createOrder(victim, 50_000);
    const { impUid: attackerImp, merchantUid: attackerOrder } = await paidOrder(100);
    const res = await sendHint(victimOrder.merchant_uid, attackerImp, "paid");
    expect(res.status).toBe(200);
    await waitForInboxDrained(victimOrder.merchant_uid, 1);
    const victimRow = await paymentRow(victimOrder.merchant_uid);
    expect(victimRow).toMatchObject({ status: "ready", imp_uid: null });
    expect(await eventsOf(victimOrder.merchant_uid)).toEqual([]);
    // V1 looks the named imp_uid up: the payment is real, so it settles its own order, and only that. V2 looks the
    // named paymentId up (the victim's, unpaid): the attacker's transactionId is never consulted.
    expect((await paymentRow(attackerOrder)).status).toBe(onV1 ? "paid" : "ready");
  });

  it("changes nothing for an unknown payment or a 'paid' claim about an unpaid order", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 20_000);
    // Nothing paid at the gateway: V1 a made-up imp_uid; V2 a made-up txId under the order's paymentId, which PortOne
    // holds pre-registered only.
    await sendHint(order.merchant_uid, onV1 ? "imp_999999999999" : crypto.randomUUID(), "paid");
    let claims = 1;
    if (onV1) {
      // An attempt Iamport holds unpaid (V2's sandbox holds no unpaid attempt: a closed window stores nothing).
      const unpaid = await pay({ merchant_uid: order.merchant_uid, amount: 20_000, outcome: "ready" });
      await sendWebhook({ imp_uid: unpaid.imp_uid, merchant_uid: order.merchant_uid, status: "paid" });
      claims = 2;
    }
    // A claim about an order pocketpay never had (an id of the right shape): nothing is created for it.
    const stranger = `pay_${crypto.randomUUID().replaceAll("-", "")}`;
    await sendHint(stranger, onV1 ? "imp_999999999998" : crypto.randomUUID(), "paid");
    await waitForInboxDrained(order.merchant_uid, claims);
    await waitForInboxDrained(stranger, 1);
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ status: "ready", imp_uid: null });
    expect(await eventsOf(order.merchant_uid)).toEqual([]);
    expect(await paymentRow(stranger)).toBeNull();
  });

  // V2's own version (a stale or made-up txId) is in pipeline-happy.test.ts.
  it.runIf(onV1)("does not let a browser's wrong imp_uid block the real payment", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 6_000);
    const bogus = "imp_123456789012";
    expect((await complete(buyer, order.merchant_uid, bogus)).status).toBe(202);
    await waitFor("bogus imp_uid forgotten", async () => (await paymentRow(order.merchant_uid)).imp_uid === null);
    const paid = await pay({ merchant_uid: order.merchant_uid, amount: 6_000, webhook: "once" });
    const row = await waitForStatus(order.merchant_uid, "paid");
    expect(row.imp_uid).toBe(paid.imp_uid);
  });
});

describe("the queue consumer", () => {
  it("retries the gateway's transport failures with a growing delay, then ends paid", async () => {
    const { impUid, merchantUid } = await paidOrder(11_000);
    await lookupFault({ merchant_uid: merchantUid, gatewayId: impUid, kind: "http_500", times: 3 });
    const message = { imp_uid: impUid, merchant_uid: merchantUid, source: "webhook" as const };
    const results = [];
    for (let attempt = 1; attempt <= 4; attempt++) results.push(await deliver(message, attempt));
    expect(results.slice(0, 3).map((r) => [r.retried, r.delaySeconds])).toEqual([
      [true, 5],
      [true, 10],
      [true, 20],
    ]);
    expect(results[3]).toMatchObject({ acked: true, retried: false });
    expect((await paymentRow(merchantUid)).status).toBe("paid");
    expect(await transitions(merchantUid)).toEqual(["ready->paid"]);
  });

  it("treats a malformed gateway answer and a timeout as transient", async () => {
    const { impUid, merchantUid } = await paidOrder(11_100);
    const message = { imp_uid: impUid, merchant_uid: merchantUid, source: "webhook" as const };
    await lookupFault({ merchant_uid: merchantUid, gatewayId: impUid, kind: "malformed", times: 1 });
    expect(await deliver(message, 1)).toMatchObject({ retried: true, delaySeconds: 5 });
    // The sandbox holds the answer longer than the app's gateway timeout (1.5 s in tests).
    await lookupFault({ merchant_uid: merchantUid, gatewayId: impUid, kind: "timeout", latency_ms: 3_000, times: 1 });
    expect(await deliver(message, 2)).toMatchObject({ retried: true, delaySeconds: 10 });
    expect((await paymentRow(merchantUid)).status).toBe("ready");
    expect(await deliver(message, 3)).toMatchObject({ acked: true, retried: false });
    expect((await paymentRow(merchantUid)).status).toBe("paid");
  });

  it.runIf(onV1)("retries a lookup Iamport refused twice with 401 (even after a fresh token), then ends paid", async () => {
    const { impUid, merchantUid } = await paidOrder(11_150);
    await fault({ path: `/payments/${impUid}`, method: "GET", kind: "unauthorized", times: 2 });
    const message = { imp_uid: impUid, merchant_uid: merchantUid, source: "webhook" as const };
    expect(await deliver(message, 1)).toMatchObject({ retried: true, acked: false, delaySeconds: 5 });
    expect((await paymentRow(merchantUid)).status).toBe("ready");
    expect(await deliver(message, 2)).toMatchObject({ acked: true, retried: false });
    expect((await paymentRow(merchantUid)).status).toBe("paid");
  });

  it.runIf(onV1)("retries Iamport's temporary error (HTTP 200, code -1) with the growing delay instead of acknowledging it", async () => {
    const { impUid, merchantUid } = await paidOrder(11_200);
    const inboxId = await storedDelivery(merchantUid, impUid);
    await fault({ path: `/payments/${impUid}`, method: "GET", kind: "code_error", times: 2 });
    const message = { imp_uid: impUid, merchant_uid: merchantUid, source: "webhook" as const, inbox_id: inboxId };
    expect(await deliver(message, 1)).toMatchObject({ retried: true, delaySeconds: 5 });
    expect(await deliver(message, 2)).toMatchObject({ retried: true, delaySeconds: 10 });
    const inbox = () => env.DB.prepare("SELECT processed_at FROM webhook_inbox WHERE id = ?").bind(inboxId).first<any>();
    expect((await inbox()).processed_at).toBeNull();
    expect(await deliver(message, 3)).toMatchObject({ acked: true });
    expect((await paymentRow(merchantUid)).status).toBe("paid");
    expect((await inbox()).processed_at).toBeGreaterThan(0);
  });

  // V1 only: PortOne V2 has no final refusal of a lookup. Its adapter treats every refused GET other than
  // PAYMENT_NOT_FOUND as temporary (src/gateway/portone-v2/errors.ts classifyV2Refusal), retried like a 5xx.
  it.runIf(onV1)("acknowledges and records a final refusal instead of retrying it", async () => {
    const { impUid, merchantUid } = await paidOrder(11_250);
    const inboxId = await storedDelivery(merchantUid, impUid);
    const real = depsFor(env);
    // HTTP 400: a request Iamport will never accept as sent (the sandbox has no such fault).
    const refusing = {
      ...real,
      gateway: gatewayOver({
        ...appIamport(),
        getPayment: async () => {
          throw new IamportRefusalError({ method: "GET", path: `/payments/${impUid}`, code: -1, iamportMessage: "잘못된 요청", httpStatus: 400 });
        },
      }),
    };
    const message = { imp_uid: impUid, merchant_uid: merchantUid, source: "webhook" as const, inbox_id: inboxId };
    expect(await deliver(message, 1, refusing)).toMatchObject({ acked: true, retried: false });
    const row = await env.DB.prepare("SELECT processed_at, error FROM webhook_inbox WHERE id = ?").bind(inboxId).first<any>();
    expect(row.processed_at).toBeGreaterThan(0);
    expect(row.error).toContain("HTTP 400");
    expect((await paymentRow(merchantUid)).status).toBe("ready");
  });

  it.each([[{}], [{ source: "nobody" }], ["not json at all"], [{ merchant_uid: 42, source: "webhook" }]])(
    "acknowledges a poison message %j without touching anything",
    async (body) => {
      expect(await deliver(body)).toMatchObject({ acked: true, retried: false });
    },
  );
});

describe("the reconciler", () => {
  const later = (minutes: number) => () => Date.now() + minutes * 60_000;
  /** The app's real queue, recording every message the reconciler sends through it. */
  const recordingQueue = () => {
    const sent: ValidationMessage[] = [];
    const real = depsFor(env).queue;
    const queue = {
      send: async (m: ValidationMessage) => {
        sent.push(m);
        await real.send(m);
      },
      sendBatch: async (ms: ValidationMessage[]) => {
        sent.push(...ms);
        await real.sendBatch(ms);
      },
    };
    return { sent, queue };
  };

  it("finds a payment paid at the gateway with no webhook and no complete call", async () => {
    const { merchantUid } = await paidOrder(13_000, "none");
    const report = await reconcile(depsFor(env, { now: later(10) }));
    expect(report.stuck_payments).toBeGreaterThanOrEqual(1);
    await waitForStatus(merchantUid, "paid");
    expect(await transitions(merchantUid)).toEqual(["ready->paid"]);
    const events = await eventsOf(merchantUid);
    expect(events[0].source).toBe("reconciler");
  });

  it("recovers a queue send that failed after the write", async () => {
    const { buyer, impUid, merchantUid } = await paidOrder(13_100, "none");
    const brokenQueue = {
      send: async () => {
        throw new Error("queue unavailable");
      },
      sendBatch: async () => {
        throw new Error("queue unavailable");
      },
    };
    await reportThrough(depsFor(env, { queue: brokenQueue }), { userId: buyer.user.id, merchantUid, gatewayId: impUid });
    // V1 records the reported imp_uid; V2 binds the transactionId only once PortOne has answered.
    expect(await paymentRow(merchantUid)).toMatchObject({ status: "ready", imp_uid: onV1 ? impUid : null });
    // Not yet: inside the grace period the reconciler leaves it alone.
    const { sent, queue } = recordingQueue();
    const early = await reconcile(depsFor(env, { queue }));
    expect(early.failed).toEqual([]);
    expect(sent.map((m) => m.merchant_uid)).not.toContain(merchantUid);
    expect(await paymentRow(merchantUid)).toMatchObject({ status: "ready" });
    await reconcile(depsFor(env, { queue, now: later(10) }));
    expect(sent.map((m) => m.merchant_uid)).toContain(merchantUid);
    await waitForStatus(merchantUid, "paid");
  });

  it("re-enqueues a stored webhook delivery that was never processed", async () => {
    const { impUid, merchantUid } = await paidOrder(13_200, "none");
    const inboxId = await storedDelivery(merchantUid, impUid);
    const { sent, queue } = recordingQueue();
    const report = await reconcile(depsFor(env, { queue, now: later(10) }));
    expect(report.unprocessed_deliveries).toBeGreaterThanOrEqual(1);
    // The delivery itself is sent again (V1 by imp_uid, V2 by paymentId), not only the order found stuck.
    expect(sent).toContainEqual(expect.objectContaining({ merchant_uid: merchantUid, inbox_id: inboxId, source: "reconciler" }));
    await waitFor("delivery processed", async () =>
      (await env.DB.prepare("SELECT processed_at FROM webhook_inbox WHERE id = ?").bind(inboxId).first<any>())?.processed_at,
    );
    await waitForStatus(merchantUid, "paid");
  });
});

describe("complete and cancel: bad input changes nothing", () => {
  it("answers another user's order with 404 and leaves it untouched", async () => {
    const { merchantUid, impUid } = await paidOrder(8_000);
    const stranger = await signUp();
    await expectError(await report(stranger, merchantUid, impUid), 404, "not_found");
    expect(await paymentRow(merchantUid)).toMatchObject({ imp_uid: null });
  });

  it.runIf(onV1)("refuses a malformed imp_uid with 400", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer);
    for (const imp_uid of ["", "12345", "imp_", "imp_" + "9".repeat(40), 42]) {
      const res = await call("POST", `/api/payments/${order.merchant_uid}/complete`, { token: buyer.token, body: { imp_uid } });
      await expectError(res, 400, "invalid_request");
    }
    const extra = await call("POST", `/api/payments/${order.merchant_uid}/complete`, {
      token: buyer.token,
      body: { imp_uid: "imp_123456789012", status: "paid" },
    });
    expect((await expectError(extra, 400, "invalid_request")).details.fields).toEqual([{ field: "status", message: "is not a field of this request", code: "unknown_field" }]);
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ imp_uid: null });
  });

  it.runIf(onV1)("does not let a stranger's report of the owner's imp_uid make the owner's own report fail", async () => {
    const { buyer: owner, impUid, merchantUid } = await paidOrder(8_050, "none");
    const stranger = await signUp();
    const theirs = await createOrder(stranger, 8_050);
    // The stranger reports the owner's imp_uid for their own order first (its validation held back, so nothing
    // has asked Iamport yet when the owner reports).
    const held = { send: async () => {}, sendBatch: async () => {} };
    await completePayment(depsFor(env, { queue: held }), { userId: stranger.user.id, merchantUid: theirs.merchant_uid, impUid, source: "browser" });
    expect((await paymentRow(theirs.merchant_uid)).imp_uid).toBe(impUid);

    const res = await complete(owner, merchantUid, impUid);
    expect(res.status).toBe(202);
    expect((await json(res)).merchant_uid).toBe(merchantUid);
    const row = await waitForStatus(merchantUid, "paid");
    expect(row.imp_uid).toBe(impUid);
    // Iamport named the owner's order: the stranger's claim is gone and their order untouched otherwise.
    expect(await paymentRow(theirs.merchant_uid)).toMatchObject({ imp_uid: null, status: "ready" });
    expect(await eventsOf(theirs.merchant_uid)).toEqual([]);

    // Once Iamport has said whose it is, a report binding it to another order is refused and changes nothing.
    await expectError(await complete(stranger, theirs.merchant_uid, impUid), 409, "imp_uid_in_use");
    expect(await paymentRow(theirs.merchant_uid)).toMatchObject({ imp_uid: null, status: "ready" });
  });

  it.runIf(onV1)("answers 409 when a different imp_uid is already recorded", async () => {
    const { buyer, merchantUid, impUid } = await paidOrder(8_100);
    expect((await complete(buyer, merchantUid, impUid)).status).toBe(202);
    await expectError(await complete(buyer, merchantUid, "imp_000000000001"), 409, "imp_uid_mismatch");
    expect((await paymentRow(merchantUid)).imp_uid).toBe(impUid);
  });

  it("lets the owner cancel an unpaid order, and refuses to cancel it twice or once paid", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 2_000);
    const res = await call("POST", `/api/payments/${order.merchant_uid}/cancel`, { token: buyer.token });
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe("cancelled");
    await expectError(await call("POST", `/api/payments/${order.merchant_uid}/cancel`, { token: buyer.token }), 409, "invalid_state");
    expect(await transitions(order.merchant_uid)).toEqual(["ready->cancelled"]);

    const { buyer: b2, merchantUid } = await paidOrder(2_100);
    await expectError(await call("POST", `/api/payments/${merchantUid}/cancel`, { token: b2.token }), 409, "payment_exists");
    await waitForStatus(merchantUid, "paid");
  });

  it("answers a stranger's cancel with 404 and leaves the order open", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const order = await createOrder(owner, 2_150);
    await expectError(await call("POST", `/api/payments/${order.merchant_uid}/cancel`, { token: stranger.token }), 404, "not_found");
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ status: "ready" });
    expect(await eventsOf(order.merchant_uid)).toEqual([]);
  });

  it("refunds a payment made after its order was cancelled", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 2_200);
    expect((await call("POST", `/api/payments/${order.merchant_uid}/cancel`, { token: buyer.token })).status).toBe(200);
    const late = await payInWindow({ merchant_uid: order.merchant_uid, amount: 2_200, webhook: "once" });
    await waitFor("late payment refunded", async () => (await atGateway(order.merchant_uid, late.gatewayId!)).status === "cancelled");
    expect((await paymentRow(order.merchant_uid)).status).toBe("cancelled");
  });
});

describe.runIf(onV1)("POST /webhooks/iamport input", () => {
  it("stores a malformed delivery for inspection, answers 400 and acts on nothing", async () => {
    const marker = crypto.randomUUID();
    const res = await call("POST", "/webhooks/iamport", { rawBody: `{"imp_uid": "${marker}"`, headers: { "content-type": "application/json" } });
    await expectError(res, 400, "invalid_webhook");
    const row = await env.DB.prepare("SELECT valid, processed_at, error FROM webhook_inbox WHERE body LIKE ?").bind(`%${marker}%`).first<any>();
    expect(row.valid).toBe(0);
    expect(row.processed_at).toBeGreaterThan(0);
    expect(row.error).toContain("JSON");
    await expectError(await sendWebhook({ imp_uid: "nope", merchant_uid: "x", status: "paid" }), 400, "invalid_webhook");
  });

  it("answers a wrong content type with 415", async () => {
    const res = await call("POST", "/webhooks/iamport", { rawBody: "imp_uid=imp_1", headers: { "content-type": "text/plain" } });
    await expectError(res, 415, "unsupported_media_type");
  });

  it("enforces the optional source-IP allow-list from CF-Connecting-IP only", async () => {
    const { createApp } = await import("../../src/app");
    const app = createApp();
    const restricted = { ...env, WEBHOOK_ALLOWED_IPS: "52.78.100.19" };
    const body = JSON.stringify({ imp_uid: "imp_111111111111", merchant_uid: "pay_x", status: "paid" });
    const post = async (ip: string, extra: Record<string, string> = {}) => {
      const request = new Request("http://localhost/webhooks/iamport", {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": ip, ...extra },
        body,
      });
      const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
      return checked(request, await app.fetch(request.clone(), restricted, ctx));
    };
    expect((await post("203.0.113.9", { "x-forwarded-for": "52.78.100.19" })).status).toBe(403);
    expect((await post("52.78.100.19")).status).toBe(200);
  });
});

describe("the dead-letter queue", () => {
  it("acknowledges exhausted messages, marks their delivery, and leaves the payment for the reconciler", async () => {
    const { createExecutionContext, createMessageBatch, getQueueResult } = await import("cloudflare:test");
    const worker = (await import("../../src/index")).default;
    const { impUid, merchantUid } = await paidOrder(3_300, "none");
    const inboxId = await storedDelivery(merchantUid, impUid);
    const id = crypto.randomUUID();
    const batch = createMessageBatch("pocketpay-payment-validation-dlq", [
      { id, timestamp: new Date(), attempts: 1, body: { ...webhookMessage(merchantUid, impUid), inbox_id: inboxId } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toContain(id);
    const row = await env.DB.prepare("SELECT processed_at, error FROM webhook_inbox WHERE id = ?").bind(inboxId).first<any>();
    expect(row.error).toContain("dead-lettered");
    // Nothing was guessed: the order waits, unchanged, for the reconciler's next look at the gateway.
    expect((await paymentRow(merchantUid)).status).toBe("ready");
    await reconcile(depsFor(env, { now: () => Date.now() + 10 * 60_000 }));
    await waitForStatus(merchantUid, "paid");
  });
});
