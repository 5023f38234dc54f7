import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { countingD1, newUsage } from "../../src/lib/metrics";
import { depsFor } from "../../src/services/deps";
import { validatePayment } from "../../src/services/validate-payment";
import { completePayment } from "../../src/services/complete-payment";
import { oneOff, orderItems } from "../helpers/catalogue";
import { call, signUp } from "../helpers/http";
import { complete, createOrder, sendWebhook } from "../helpers/orders";
import { pay } from "../helpers/sandbox";
import { appIamport } from "../helpers/iamport";
import { waitForStatus } from "../helpers/wait";

// The hot paths' costs are part of their contract (issue 7's targets); these fail if a change adds a round trip.
const roundTrips = (res: Response) => Number(res.headers.get("x-d1-round-trips"));

describe("D1 round trips per request", () => {
  it("creates a catalogue order in 2 (session + prices in one batch; order + lines) and completes it in 2", async () => {
    const buyer = await signUp();
    const tea = await oneOff(3_000, "Tea");
    const scone = await oneOff(2_500, "Scone");
    const res = await orderItems(buyer, [
      { price_id: tea.priceId, quantity: 2 },
      { price_id: scone.priceId, quantity: 1 },
    ]);
    expect(res.status).toBe(201);
    expect(roundTrips(res)).toBe(2);
    const order = await res.json<{ merchant_uid: string; amount: number }>();
    expect(order.amount).toBe(8_500);
    const paid = await pay({ merchant_uid: order.merchant_uid, amount: 8_500, webhook: "none" });
    const done = await complete(buyer, order.merchant_uid, paid.imp_uid!);
    expect(done.status).toBe(202);
    expect(roundTrips(done)).toBe(2);
  });

  it("creates a custom-amount order in 2 (session; insert)", async () => {
    const buyer = await signUp();
    const res = await call("POST", "/api/payments", { token: buyer.token, body: { name: "Tea", amount: 3_000 } });
    expect(res.status).toBe(201);
    expect(roundTrips(res)).toBe(2);
  });

  it("lists the public catalogue and quotes a cart in 1", async () => {
    const tea = await oneOff(3_000, "Tea");
    const list = await call("GET", "/api/products");
    expect(list.status).toBe(200);
    expect(roundTrips(list)).toBe(1);
    const quote = await call("POST", "/api/payments/quote", { body: { items: [{ price_id: tea.priceId, quantity: 2 }] } });
    expect(quote.status).toBe(200);
    expect(roundTrips(quote)).toBe(1);
  });

  it("answers the payment detail, with its line items, in 1 (the session in the detail's batch), and in 2 after a wait", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 3_100);
    const res = await call("GET", `/api/payments/${order.merchant_uid}`, { token: buyer.token });
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBe(1);
    // Still ready after a 1-second wait: read again, session included, in one more round trip.
    const waited = await call("GET", `/api/payments/${order.merchant_uid}?wait=1`, { token: buyer.token });
    expect(waited.status).toBe(200);
    expect(roundTrips(waited)).toBe(2);
  });

  it("stores a webhook in 1", async () => {
    const res = await sendWebhook({ imp_uid: "imp_100000000001", merchant_uid: `pay_${"1".repeat(32)}`, status: "paid" });
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBe(1);
  });
});

describe("Iamport calls per validated payment", () => {
  it("looks the payment up once when both the browser and the webhook report it", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 4_000);
    const paid = await pay({ merchant_uid: order.merchant_uid, amount: 4_000, webhook: "none" });
    const usage = newUsage();
    const deps = depsFor(env, { usage, db: createDb(countingD1(env.DB, usage)) });
    // Warm the shared token so the count is of payment lookups only.
    await appIamport().getToken();
    usage.iamportToken = 0;
    const hint = { merchant_uid: order.merchant_uid, imp_uid: paid.imp_uid! };
    // The browser's report, with its queue message held back so this test alone validates the payment.
    const heldQueue = { send: async () => {}, sendBatch: async () => {} };
    await completePayment(depsFor(env, { queue: heldQueue }), { userId: buyer.user.id, merchantUid: order.merchant_uid, impUid: paid.imp_uid!, source: "browser" });
    await validatePayment(deps, { ...hint, source: "browser" });
    await validatePayment(deps, { ...hint, source: "webhook", hint_status: "paid" });
    await waitForStatus(order.merchant_uid, "paid");
    expect(usage.iamportApi).toBe(1);
    expect(usage.iamportToken).toBe(0);
    // And a webhook claiming a cancel is never skipped: it is news only Iamport can confirm.
    await validatePayment(deps, { ...hint, source: "webhook", hint_status: "cancelled" });
    expect(usage.iamportApi).toBe(2);
  });
});
