import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findPaymentByMerchantUid } from "../../src/db/payments";
import { completePayment } from "../../src/services/complete-payment";
import { depsFor, type Deps } from "../../src/services/deps";
import { awaitOutcome } from "../../src/services/status-watch";
import { validatePayment } from "../../src/services/validate-payment";
import { watchFrom, type StatusWatch } from "../../src/watch/channel";
import type { PaymentWatch } from "../../src/watch/payment-watch";
import { call, expectError, json, signUp } from "../helpers/http";
import { createOrder, sendWebhook } from "../helpers/orders";
import { fault, pay } from "../helpers/sandbox";
import { eventsOf, paymentRow, waitFor, waitForStatus } from "../helpers/wait";

// Learning a payment's outcome without polling: complete?wait and GET ?wait park on the payment's watch (a Durable
// Object) until validation announces the outcome, then answer; the queue still validates.

const completeWith = (token: string, merchantUid: string, impUid: string, query = "") =>
  call("POST", `/api/payments/${merchantUid}/complete${query}`, { token, body: { imp_uid: impUid } });

async function paidOrder(amount: number, webhook: "none" | "once" = "none") {
  const buyer = await signUp();
  const order = await createOrder(buyer, amount);
  const paid = await pay({ merchant_uid: order.merchant_uid, amount, webhook });
  return { buyer, merchantUid: order.merchant_uid as string, impUid: paid.imp_uid! };
}

describe("POST /api/payments/:merchant_uid/complete?wait=N", () => {
  it("answers 200 with the payment as validation left it when the outcome comes within the bound", async () => {
    const { buyer, merchantUid, impUid } = await paidOrder(5_100);
    const res = await completeWith(buyer.token, merchantUid, impUid, "?wait=10");
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ merchant_uid: merchantUid, imp_uid: impUid, status: "paid", amount: 5_100, method: "card" });
    expect(body.paid_at).toEqual(expect.any(String));
    // The queue validated it, once: the answer only reports what validation did.
    expect((await eventsOf(merchantUid)).filter((e) => e.to_status === "paid")).toHaveLength(1);
  });

  it("answers 202 with the payment still ready when validation takes longer than the bound, and validation still ends it", async () => {
    const { buyer, merchantUid, impUid } = await paidOrder(5_200);
    // Iamport's first answer is a 500: the consumer retries 5 s later, well after the bound.
    await fault({ path: `/payments/${impUid}`, method: "GET", kind: "http_500", times: 1 });
    const res = await completeWith(buyer.token, merchantUid, impUid, "?wait=1");
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ merchant_uid: merchantUid, imp_uid: impUid, status: "ready" });
    await waitForStatus(merchantUid, "paid");
  });

  it("answers 200 at once when validation already ended it (the webhook came first)", async () => {
    const { buyer, merchantUid, impUid } = await paidOrder(5_300, "once");
    await waitForStatus(merchantUid, "paid");
    const res = await completeWith(buyer.token, merchantUid, impUid, "?wait=10");
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe("paid");
  });

  it("still answers 202 at once without ?wait", async () => {
    const { buyer, merchantUid, impUid } = await paidOrder(5_400);
    const res = await completeWith(buyer.token, merchantUid, impUid);
    expect(res.status).toBe(202);
    expect((await json(res)).status).toBe("ready");
  });

  it("refuses a wait that is not a whole number of seconds from 0 to 25, and records nothing", async () => {
    const { buyer, merchantUid, impUid } = await paidOrder(5_500);
    for (const wait of ["26", "-1", "1.5", "soon"]) {
      const err = await expectError(await completeWith(buyer.token, merchantUid, impUid, `?wait=${wait}`), 400, "invalid_request");
      expect(err.details.fields[0].field).toBe("wait");
    }
    expect((await paymentRow(merchantUid)).imp_uid).toBeNull();
  });
});

describe("GET /api/payments/:merchant_uid?wait=N", () => {
  it("reads the session in the detail's batch and hands nothing out without a live one", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 6_050);
    const path = `/api/payments/${order.merchant_uid}`;
    expect((await call("GET", path, { token: buyer.token })).status).toBe(200);
    await expectError(await call("GET", path), 401, "unauthorized");
    await expectError(await call("GET", path, { token: "A".repeat(43) }), 401, "unauthorized");
    await expectError(await call("GET", `/api/payments/not-a-payment`), 401, "unauthorized");
    await expectError(await call("GET", `/api/payments/not-a-payment`, { token: buyer.token }), 404, "not_found");
    expect((await call("POST", "/api/auth/logout", { token: buyer.token })).status).toBe(204);
    const revoked = await call("GET", `${path}?wait=5`, { token: buyer.token });
    await expectError(revoked, 401, "unauthorized");
  });

  it("answers as soon as validation announces the outcome, with the payment read again", async () => {
    const { buyer, merchantUid, impUid } = await paidOrder(6_100);
    // The buyer's page is waiting before anything reports the payment.
    const waiting = call("GET", `/api/payments/${merchantUid}?wait=20`, { token: buyer.token });
    await completeWith(buyer.token, merchantUid, impUid);
    const res = await waiting;
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.status).toBe("paid");
    expect(body.events.map((e: { to: string }) => e.to)).toContain("paid");
  });

  it("answers the payment as it is after the bound when nothing changes", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 6_200);
    const res = await call("GET", `/api/payments/${order.merchant_uid}?wait=1`, { token: buyer.token });
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe("ready");
  });

  it("answers a payment whose outcome is known at once", async () => {
    const { buyer, merchantUid } = await paidOrder(6_300, "once");
    await waitForStatus(merchantUid, "paid");
    const res = await call("GET", `/api/payments/${merchantUid}?wait=25`, { token: buyer.token });
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe("paid");
  });

  it("wakes when the owner cancels the unpaid order", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 6_400);
    const waiting = call("GET", `/api/payments/${order.merchant_uid}?wait=20`, { token: buyer.token });
    expect((await call("POST", `/api/payments/${order.merchant_uid}/cancel`, { token: buyer.token })).status).toBe(200);
    expect((await json(await waiting)).status).toBe("cancelled");
  });

  it("checks the session again after waiting: a session revoked meanwhile gets 401, not the payment", async () => {
    const { buyer, merchantUid, impUid } = await paidOrder(6_500);
    const waiting = call("GET", `/api/payments/${merchantUid}?wait=20`, { token: buyer.token });
    expect((await call("POST", "/api/auth/logout", { token: buyer.token })).status).toBe(204);
    // Iamport's webhook settles it; the waiting request wakes with a dead session.
    expect((await sendWebhook({ imp_uid: impUid, merchant_uid: merchantUid, status: "paid" })).status).toBe(200);
    await expectError(await waiting, 401, "unauthorized");
    await waitForStatus(merchantUid, "paid");
  });

  it("keeps other users' payments a 404, waiting or not, and their waits mark nothing", async () => {
    const { merchantUid } = await paidOrder(6_600);
    const stranger = await signUp();
    await expectError(await call("GET", `/api/payments/${merchantUid}?wait=5`, { token: stranger.token }), 404, "not_found");
    expect((await paymentRow(merchantUid)).watched_at).toBeNull();
  });

  it("refuses a malformed wait with 400 naming it", async () => {
    const { buyer, merchantUid } = await paidOrder(6_700);
    const err = await expectError(await call("GET", `/api/payments/${merchantUid}?wait=100`, { token: buyer.token }), 400, "invalid_request");
    expect(err.details.fields).toEqual([expect.objectContaining({ field: "wait" })]);
  });
});

describe("announcing an outcome only to a payment someone waits on (payments.watched_at)", () => {
  // The browser's report, with its queue message held back so that the test alone validates the payment.
  const heldQueue = { send: async () => {}, sendBatch: async () => {} };

  async function reportedOrder(amount: number) {
    const { buyer, merchantUid, impUid } = await paidOrder(amount);
    await completePayment(depsFor(env, { queue: heldQueue }), { userId: buyer.user.id, merchantUid, impUid, source: "browser" });
    return { buyer, merchantUid, impUid, hint: { merchant_uid: merchantUid, imp_uid: impUid, source: "browser" as const } };
  }

  /** The real watch, recording what is announced to it. */
  function recordingWatch() {
    const real = watchFrom(env.PAYMENT_WATCH);
    const announced: string[] = [];
    const watch: StatusWatch = {
      waitWhile: real.waitWhile,
      announce: async (merchantUid, a) => {
        announced.push(a.status);
        await real.announce(merchantUid, a);
      },
    };
    return { watch, announced };
  }

  it("makes no Durable Object call for a payment nobody waited on", async () => {
    const { merchantUid, hint } = await reportedOrder(7_100);
    const { watch, announced } = recordingWatch();
    await validatePayment(depsFor(env, { watch }), hint);
    expect((await paymentRow(merchantUid)).status).toBe("paid");
    expect(announced).toEqual([]);
  });

  it("wakes a waiter that arrives after validation read the order and before it changed it", async () => {
    const { buyer, merchantUid, hint } = await reportedOrder(7_200);
    const { watch, announced } = recordingWatch();
    const real = depsFor(env);
    let waiting: Promise<Response> | undefined;
    // Iamport answers while the buyer's page starts waiting: validation read the order (not watched) before, and
    // changes it after, the waiter's mark.
    const gateway = {
      ...real.gateway,
      getPayment: async (ref: Parameters<Deps["gateway"]["getPayment"]>[0]) => {
        const truth = await real.gateway.getPayment(ref);
        waiting = call("GET", `/api/payments/${merchantUid}?wait=20`, { token: buyer.token });
        await waitFor("the waiter's mark", async () => (await paymentRow(merchantUid)).watched_at !== null);
        return truth;
      },
    };
    await validatePayment(depsFor(env, { watch, gateway }), hint);
    expect(announced).toEqual(["paid"]);
    const res = await waiting!;
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe("paid");
  });

  it("answers a waiter whose order changed unannounced between its read and its mark at once, from the mark", async () => {
    const { merchantUid, hint } = await reportedOrder(7_300);
    const stale = (await findPaymentByMerchantUid(depsFor(env).db, merchantUid))!;
    expect(stale).toMatchObject({ status: "ready", watchedAt: null });
    await validatePayment(depsFor(env), hint); // nobody had marked it: nothing announced
    const parked: string[] = [];
    const watch: StatusWatch = {
      waitWhile: async (uid) => (parked.push(uid), null),
      announce: async () => {},
    };
    const settled = await awaitOutcome({ ...depsFor(env), watch }, stale, 20);
    expect(settled).toMatchObject({ status: "paid", payment: { merchant_uid: merchantUid, status: "paid" } });
    expect(parked).toEqual([]);
  });
});

describe("the payment watch (Durable Object)", () => {
  const ns = env.PAYMENT_WATCH as DurableObjectNamespace<PaymentWatch>;
  const watchOf = (name: string) => ns.get(ns.idFromName(name));
  const announcement = (status: string, updatedAt: number) => ({ status, updatedAt, payment: { status } });

  it("answers a waiter that arrives after the change at once, with the change", async () => {
    const w = watchOf(`pay_${crypto.randomUUID()}`);
    await w.announce(announcement("paid", 2));
    expect(await w.waitWhile("ready", 60_000)).toEqual(announcement("paid", 2));
  });

  it("wakes only the waiters whose status changed, and never goes back to an older announcement", async () => {
    const w = watchOf(`pay_${crypto.randomUUID()}`);
    const whileReady = w.waitWhile("ready", 60_000);
    const whilePaid = w.waitWhile("paid", 50);
    await w.announce(announcement("paid", 5));
    expect(await whileReady).toEqual(announcement("paid", 5));
    expect(await whilePaid).toBeNull();
    await w.announce(announcement("failed", 4)); // late and older: ignored
    expect(await w.waitWhile("ready", 60_000)).toEqual(announcement("paid", 5));
  });

  it("times out with null when nothing is announced", async () => {
    expect(await watchOf(`pay_${crypto.randomUUID()}`).waitWhile("ready", 20)).toBeNull();
  });

  it("never fails its callers when the object is unreachable: a waiter waits out its bound, an announcement is dropped", async () => {
    const broken = {
      idFromName: () => ({}),
      get: () => ({
        waitWhile: () => Promise.reject(new Error("object unavailable")),
        announce: () => Promise.reject(new Error("object unavailable")),
      }),
    } as unknown as DurableObjectNamespace<PaymentWatch>;
    const watch = watchFrom(broken);
    const started = Date.now();
    expect(await watch.waitWhile("pay_x", "ready", 30)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    await expect(watch.announce("pay_x", announcement("paid", 1))).resolves.toBeUndefined();
  });
});
