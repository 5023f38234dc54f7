import { describe, expect, it } from "vitest";
import { call, json, signUp } from "../helpers/http";
import { complete, createOrder } from "../helpers/orders";
import { inspect, pay, resendWebhook, webhooksFor } from "../helpers/sandbox";
import { eventsOf, waitFor, waitForInboxDrained, waitForStatus } from "../helpers/wait";

describe("the happy path", () => {
  it("creates, pays, completes and ends paid with one event, verified against Iamport", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 15_000, "Latte");
    expect(order).toMatchObject({ status: "ready", amount: 15_000, currency: "KRW", imp_uid: null });
    expect(order.merchant_uid).toMatch(/^pay_[0-9a-f]{32}$/);
    expect(order.checkout.imp_code).toBe("imp00000000");
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

    // The webhook is held back until the browser's report is answered, so that answer is the report's own.
    const paid = await pay({ merchant_uid: order.merchant_uid, amount: 15_000, webhook: "none" });
    expect(paid.success).toBe(true);
    const res = await complete(buyer, order.merchant_uid, paid.imp_uid!);
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ imp_uid: paid.imp_uid, status: "ready" });

    const row = await waitForStatus(order.merchant_uid, "paid");
    expect(row.method).toBe("card");
    expect(row.paid_at).toBeGreaterThan(0);
    const events = await eventsOf(order.merchant_uid);
    expect(events.map((e) => [e.from_status, e.to_status])).toEqual([["ready", "paid"]]);

    const detail = await json(await call("GET", `/api/payments/${order.merchant_uid}`, { token: buyer.token }));
    expect(detail).toMatchObject({ status: "paid", imp_uid: paid.imp_uid, amount: 15_000 });
    expect(detail.events).toHaveLength(1);
    expect(detail.events[0]).toMatchObject({ from: "ready", to: "paid" });
    expect((await inspect(paid.imp_uid!)).status).toBe("paid");

    // Then Iamport's webhook: the sandbox sends it to the app, which answers 200 and changes nothing.
    await resendWebhook({ imp_uid: paid.imp_uid! });
    await waitFor("webhook delivered", async () => (await webhooksFor(order.merchant_uid)).some((w) => w.outcome === "delivered"));
    await waitForInboxDrained(order.merchant_uid, 1);
    expect((await eventsOf(order.merchant_uid)).map((e) => [e.from_status, e.to_status])).toEqual([["ready", "paid"]]);
  });
});
