import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ValidationMessage } from "../../src/domain/messages";
import { completePayment } from "../../src/services/complete-payment";
import { depsFor, type Deps } from "../../src/services/deps";
import { reconcile } from "../../src/services/reconcile";
import { receiveWebhook } from "../../src/services/webhooks";
import { signUp } from "../helpers/http";
import { createOrder } from "../helpers/orders";
import { deliver } from "../helpers/queue";
import { consoleCancel, pay } from "../helpers/sandbox";
import { eventsOf, paymentRow, waitFor, waitForStatus } from "../helpers/wait";

// Coalescing of validation hints (src/db/validation-hints.ts): a hint that finds a validation of its imp_uid
// waiting queues no message of its own. These tests hold the messages (a queue that only records them) and
// deliver them to the real consumer by hand, so every interleaving is chosen, not left to the queue's timing.

/** Deps whose queue records the messages instead of sending them. */
function holding(): { deps: Deps; sent: ValidationMessage[] } {
  const sent: ValidationMessage[] = [];
  const queue = {
    send: async (m: ValidationMessage) => void sent.push(m),
    sendBatch: async (ms: ValidationMessage[]) => void sent.push(...ms),
  };
  return { deps: depsFor(env, { queue }), sent };
}

async function paidAtIamport(amount: number) {
  const buyer = await signUp();
  const order = await createOrder(buyer, amount);
  const paid = await pay({ merchant_uid: order.merchant_uid, amount, webhook: "none" });
  expect(paid.success).toBe(true);
  return { buyer, impUid: paid.imp_uid!, merchantUid: order.merchant_uid as string };
}

const webhook = (deps: Deps, hint: { imp_uid: string; merchant_uid: string; status: string; cancellation_id?: string }) =>
  receiveWebhook(deps, { sourceIp: "52.78.100.19", contentType: "application/json", body: JSON.stringify(hint) });

const browserReport = (deps: Deps, a: { buyer: { user: { id: string } }; merchantUid: string; impUid: string }) =>
  completePayment(deps, { userId: a.buyer.user.id, merchantUid: a.merchantUid, impUid: a.impUid, source: "browser" });

const deliveries = (merchantUid: string) =>
  env.DB.prepare("SELECT id, processed_at, error FROM webhook_inbox WHERE merchant_uid = ? ORDER BY id")
    .bind(merchantUid)
    .all<{ id: number; processed_at: number | null; error: string | null }>()
    .then((r) => r.results);

const transitions = async (m: string) => (await eventsOf(m)).map((e) => `${e.from_status}->${e.to_status}`);

describe("coalescing validation hints", () => {
  it("answers a webhook that arrives while the browser's message waits with that message, and marks its delivery", async () => {
    const order = await paidAtIamport(11_100);
    const { deps, sent } = holding();
    await browserReport(deps, order);
    await webhook(deps, { imp_uid: order.impUid, merchant_uid: order.merchantUid, status: "paid" });
    expect(sent).toEqual([{ merchant_uid: order.merchantUid, imp_uid: order.impUid, source: "browser" }]);
    expect(await deliveries(order.merchantUid)).toEqual([expect.objectContaining({ processed_at: null })]);

    expect((await deliver(sent[0])).acked).toBe(true);
    expect((await paymentRow(order.merchantUid)).status).toBe("paid");
    expect(await transitions(order.merchantUid)).toEqual(["ready->paid"]);
    expect(await deliveries(order.merchantUid)).toEqual([expect.objectContaining({ processed_at: expect.any(Number), error: null })]);
  });

  it("answers the browser's report with the webhook's waiting message", async () => {
    const order = await paidAtIamport(11_200);
    const { deps, sent } = holding();
    await webhook(deps, { imp_uid: order.impUid, merchant_uid: order.merchantUid, status: "paid" });
    await browserReport(deps, order);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ source: "webhook", imp_uid: order.impUid });
    await deliver(sent[0]);
    expect(await transitions(order.merchantUid)).toEqual(["ready->paid"]);
  });

  it("queues a message for a webhook that arrives after the consumer started, even during its Iamport lookup", async () => {
    const order = await paidAtIamport(11_300);
    const { deps, sent } = holding();
    await browserReport(deps, order);
    expect(sent).toHaveLength(1);
    // The webhook lands while the consumer is asking the gateway: the pending validation was already cleared.
    const real = depsFor(env);
    const during: Deps = {
      ...real,
      // The real gateway (its other methods through the prototype), with a lookup that lets the webhook in first.
      gateway: Object.assign(Object.create(real.gateway) as Deps["gateway"], {
        getPayment: async (...args: Parameters<Deps["gateway"]["getPayment"]>) => {
          await webhook(deps, { imp_uid: order.impUid, merchant_uid: order.merchantUid, status: "paid" });
          return real.gateway.getPayment(...args);
        },
      }),
    };
    expect((await deliver(sent[0], 1, during)).acked).toBe(true);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ source: "webhook", imp_uid: order.impUid, inbox_id: expect.any(Number) });
    // Its delivery waits for its own message, which changes nothing more.
    expect(await deliveries(order.merchantUid)).toEqual([expect.objectContaining({ processed_at: null })]);
    await deliver(sent[1]);
    expect(await deliveries(order.merchantUid)).toEqual([expect.objectContaining({ processed_at: expect.any(Number) })]);
    expect(await transitions(order.merchantUid)).toEqual(["ready->paid"]);
  });

  it("looks up a cancel that rode on a waiting 'paid' message, though the order already records the payment", async () => {
    const order = await paidAtIamport(11_400);
    const { deps, sent } = holding();
    await browserReport(deps, order);
    await deliver(sent[0]);
    expect((await paymentRow(order.merchantUid)).status).toBe("paid");
    // A repeated 'paid' webhook queues a message (nothing waits now); a console cancel's webhook rides on it. Alone,
    // that message would be skipped as already settled; the rider makes its run ask Iamport.
    await webhook(deps, { imp_uid: order.impUid, merchant_uid: order.merchantUid, status: "paid" });
    expect(sent).toHaveLength(2);
    await consoleCancel({ imp_uid: order.impUid, webhook: false });
    await webhook(deps, { imp_uid: order.impUid, merchant_uid: order.merchantUid, status: "cancelled" });
    expect(sent).toHaveLength(2);
    await deliver(sent[1]);
    expect((await paymentRow(order.merchantUid)).status).toBe("cancelled");
    expect(await transitions(order.merchantUid)).toEqual(["ready->paid", "paid->cancelled"]);
    expect((await deliveries(order.merchantUid)).every((d) => d.processed_at !== null)).toBe(true);
  });

  it("never lets a hint about another imp_uid ride on a waiting message", async () => {
    const order = await paidAtIamport(11_500);
    const { deps, sent } = holding();
    await browserReport(deps, order);
    await webhook(deps, { imp_uid: "imp_000000000001", merchant_uid: order.merchantUid, status: "paid" });
    expect(sent.map((m) => m.imp_uid)).toEqual([order.impUid, "imp_000000000001"]);
  });

  it("releases the claim of a message that could not be sent, so the next hint queues its own", async () => {
    const order = await paidAtIamport(11_600);
    const broken = {
      send: async () => {
        throw new Error("queue unavailable");
      },
      sendBatch: async () => {
        throw new Error("queue unavailable");
      },
    };
    await browserReport(depsFor(env, { queue: broken }), order);
    const { deps, sent } = holding();
    await webhook(deps, { imp_uid: order.impUid, merchant_uid: order.merchantUid, status: "paid" });
    expect(sent).toHaveLength(1);
    await deliver(sent[0]);
    expect(await transitions(order.merchantUid)).toEqual(["ready->paid"]);
  });

  it("leaves the riders of a lost message to the reconciler: the order and its delivery are sent again", async () => {
    const order = await paidAtIamport(11_700);
    const { deps, sent } = holding();
    await browserReport(deps, order);
    await webhook(deps, { imp_uid: order.impUid, merchant_uid: order.merchantUid, status: "paid" });
    expect(sent).toHaveLength(1); // and it is lost: never delivered
    const report = await reconcile(depsFor(env, { now: () => Date.now() + 10 * 60_000 }));
    expect(report.stuck_payments).toBeGreaterThanOrEqual(1);
    expect(report.unprocessed_deliveries).toBeGreaterThanOrEqual(1);
    await waitForStatus(order.merchantUid, "paid");
    await waitFor("delivery processed", async () => (await deliveries(order.merchantUid)).every((d) => d.processed_at !== null));
    expect(await transitions(order.merchantUid)).toEqual(["ready->paid"]);
  });

  it("gives duplicate hints in any order and any number one transition, with every delivery processed", async () => {
    const order = await paidAtIamport(11_800);
    const { deps, sent } = holding();
    const hint = { imp_uid: order.impUid, merchant_uid: order.merchantUid, status: "paid" };
    await Promise.all([webhook(deps, hint), browserReport(deps, order), webhook(deps, hint), webhook(deps, hint)]);
    expect(sent).toHaveLength(1);
    await Promise.all([webhook(deps, hint), browserReport(deps, order)]);
    expect(sent).toHaveLength(1);
    // Delivered twice (the queue delivers at least once) and out of order with a late webhook.
    await Promise.all([deliver(sent[0]), deliver(sent[0])]);
    await webhook(deps, hint);
    for (const m of sent.slice(1)) await deliver(m);
    expect(await transitions(order.merchantUid)).toEqual(["ready->paid"]);
    expect((await deliveries(order.merchantUid)).every((d) => d.processed_at !== null)).toBe(true);
  });
});
