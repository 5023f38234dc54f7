import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { AppError } from "../../src/domain/errors";
import { queueFrom, type ValidationMessage, type ValidationQueue } from "../../src/domain/messages";
import { receivePortoneWebhook, type PortoneDelivery } from "../../src/services/portone-webhooks";
import { depsFor, type Deps } from "../../src/services/deps";
import { reconcile } from "../../src/services/reconcile";
import { checked, expectError, json, ORIGIN, signUp } from "../helpers/http";
import { createOrder } from "../helpers/orders";
import {
  FOREIGN_SECRET,
  inboxRows,
  inboxRowsWithBody,
  NEW_SECRET,
  OLD_SECRET,
  paymentEvent,
  sendPortone,
  signed,
  type Delivery,
} from "../helpers/portone-webhooks";
import { pay } from "../helpers/sandbox";
import { eventsOf, paymentRow, waitFor, waitForStatus } from "../helpers/wait";

const transitions = async (m: string) => (await eventsOf(m)).map((e) => `${e.from_status}->${e.to_status}:${e.source}`);

/** A paymentId shaped like ours that no order has (the consumer ignores it without a gateway call). */
const strangerId = () => `pay_${crypto.randomUUID().replaceAll("-", "")}`;

/** The queue the service sends to, recorded; each message also goes on to the real queue unless `drop`. */
function recordingQueue(opts: { drop?: boolean; onSend?: (m: ValidationMessage) => Promise<void> } = {}) {
  const real = queueFrom(env.PAYMENT_VALIDATION);
  const sent: ValidationMessage[] = [];
  const queue: ValidationQueue = {
    send: async (m) => {
      await opts.onSend?.(m);
      sent.push(m);
      if (opts.drop) throw new Error("the queue is unavailable");
      await real.send(m);
    },
    sendBatch: async (ms) => {
      for (const m of ms) await queue.send(m);
    },
  };
  return { queue, sent };
}

const asDelivery = (d: Delivery): PortoneDelivery => ({ sourceIp: "192.0.2.1", contentType: "application/json", headers: new Headers(d.headers), body: d.rawBody });

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

async function readyOrder(amount = 15_000) {
  const buyer = await signUp();
  const order = await createOrder(buyer, amount);
  return { buyer, merchantUid: order.merchant_uid as string, amount };
}

describe("POST /webhooks/portone: a verified delivery", () => {
  it("is stored before its 200, and its validation looks the payment up and settles the order once", async () => {
    const { merchantUid, amount } = await readyOrder();
    // The buyer paid; the gateway's own record is what the validation reads (its V1 webhook is left out).
    expect((await pay({ merchant_uid: merchantUid, amount, webhook: "none" })).success).toBe(true);
    const delivery = await signed(paymentEvent("Transaction.Paid", merchantUid));

    const res = await sendPortone(delivery);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ received: true });
    // Stored by the time the answer came, with what it named.
    const [row, ...more] = await inboxRows(delivery.webhookId);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ merchant_uid: merchantUid, status: "Transaction.Paid", valid: 1, body: delivery.rawBody, imp_uid: null });

    await waitForStatus(merchantUid, "paid");
    expect(await transitions(merchantUid)).toEqual(["ready->paid:webhook"]);
    await waitFor("the delivery to be marked processed", async () => (await inboxRows(delivery.webhookId))[0]?.processed_at !== null);
  });

  it("changes nothing by itself: a signed Transaction.Paid for an order nobody paid leaves it ready", async () => {
    const { merchantUid } = await readyOrder();
    const delivery = await signed(paymentEvent("Transaction.Paid", merchantUid));
    expect((await sendPortone(delivery)).status).toBe(200);
    await waitFor("the delivery to be processed", async () => (await inboxRows(delivery.webhookId))[0]?.processed_at !== null);
    expect((await paymentRow(merchantUid)).status).toBe("ready");
    expect(await eventsOf(merchantUid)).toEqual([]);
  });

  it("answers a retry of the same webhook-id 200 and stores nothing new, however the copies arrive", async () => {
    const { merchantUid, amount } = await readyOrder(16_000);
    expect((await pay({ merchant_uid: merchantUid, amount, webhook: "none" })).success).toBe(true);
    const delivery = await signed(paymentEvent("Transaction.Paid", merchantUid));
    const answers = [await sendPortone(delivery), ...(await Promise.all([1, 2, 3, 4].map(() => sendPortone(delivery))))];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await inboxRows(delivery.webhookId)).toHaveLength(1);
    await waitForStatus(merchantUid, "paid");
    expect(await transitions(merchantUid)).toEqual(["ready->paid:webhook"]);
  });

  it("is accepted signed with either configured secret (our rotation) or among other signatures (PortOne's)", async () => {
    for (const signature of ["old", "new", "both"] as const) {
      const body = paymentEvent("Transaction.Paid", strangerId());
      const withOld = await signed(body, { secret: OLD_SECRET });
      const withNew = await signed(body, { secret: NEW_SECRET, webhookId: withOld.webhookId, timestampSeconds: Number(withOld.headers["webhook-timestamp"]) });
      const foreign = await signed(body, { secret: FOREIGN_SECRET, webhookId: withOld.webhookId, timestampSeconds: Number(withOld.headers["webhook-timestamp"]) });
      const header =
        signature === "old"
          ? withOld.headers["webhook-signature"]!
          : signature === "new"
            ? withNew.headers["webhook-signature"]!
            : `${foreign.headers["webhook-signature"]} ${withNew.headers["webhook-signature"]}`;
      const res = await sendPortone({ ...withOld, headers: { ...withOld.headers, "webhook-signature": header } });
      expect(res.status, signature).toBe(200);
      expect(await inboxRows(withOld.webhookId), signature).toHaveLength(1);
    }
  });
});

describe("POST /webhooks/portone: refused deliveries store nothing", () => {
  /** A delivery for a fresh order, with a marker in its body to find any row it left. */
  async function fresh(opts: Parameters<typeof signed>[1] = {}) {
    const marker = crypto.randomUUID();
    const body = paymentEvent("Transaction.Paid", strangerId(), { marker });
    return { marker, delivery: await signed(body, opts) };
  }

  async function expectRefused(d: { rawBody: string; headers: Record<string, string> }, marker: string, reason: string) {
    const error = await expectError(await sendPortone(d), 401, "invalid_signature");
    expect(error.details.reason).toBe(reason);
    expect(await inboxRowsWithBody(marker)).toEqual([]);
    return error;
  }

  it("refuses one signed with a secret we do not have", async () => {
    const { marker, delivery } = await fresh({ secret: FOREIGN_SECRET });
    await expectRefused(delivery, marker, "no_matching_signature");
  });

  it("refuses a body changed after signing", async () => {
    const { marker, delivery } = await fresh();
    const tampered = delivery.rawBody.replace('"Transaction.Paid"', '"Transaction.Cancelled"');
    expect(tampered).not.toBe(delivery.rawBody);
    await expectRefused({ ...delivery, rawBody: tampered }, marker, "no_matching_signature");
  });

  it("refuses one signed an hour ago, or an hour ahead", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const [timestampSeconds, reason] of [[now - 3600, "timestamp_too_old"], [now + 3600, "timestamp_too_new"]] as const) {
      const { marker, delivery } = await fresh({ timestampSeconds });
      await expectRefused(delivery, marker, reason);
    }
  });

  it("refuses one missing any of the three headers, naming it", async () => {
    for (const header of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
      const { marker, delivery } = await fresh();
      const { [header]: _gone, ...rest } = delivery.headers;
      const error = await expectRefused({ ...delivery, headers: rest }, marker, "missing_header");
      expect(error.details.header).toBe(header);
    }
  });

  it("refuses a malformed signature header", async () => {
    const { marker, delivery } = await fresh();
    const mac = delivery.headers["webhook-signature"]!.slice(3);
    for (const signature of [mac, `v2,${mac}`, "v1,***"]) {
      await expectRefused({ ...delivery, headers: { ...delivery.headers, "webhook-signature": signature } }, marker, "no_v1_signature");
    }
  });

  it("answers 400 for a malformed body that verifies, keeping one copy for inspection and acting on none", async () => {
    const marker = crypto.randomUUID();
    for (const body of [`{"type": "Transaction.Paid", "marker": "${marker}-1"`, { type: "Transaction.Paid", marker: `${marker}-2`, data: { transactionId: "t" } }]) {
      const delivery = await signed(body);
      await expectError(await sendPortone(delivery), 400, "invalid_webhook");
      await expectError(await sendPortone(delivery), 400, "invalid_webhook");
      const rows = await inboxRows(delivery.webhookId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ valid: 0 });
      expect(rows[0].processed_at).not.toBeNull();
    }
  });

  it("refuses every delivery with 503 config_error where no secret is set, storing nothing", async () => {
    const { marker, delivery } = await fresh();
    const req = new Request(`${ORIGIN}/webhooks/portone`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": "192.0.2.9", ...delivery.headers },
      body: delivery.rawBody,
    });
    const ctx = createExecutionContext();
    const res = await checked(req, await createApp().fetch(req, { ...env, PORTONE_WEBHOOK_SECRET: "" }, ctx));
    await waitOnExecutionContext(ctx);
    const error = await expectError(res, 503, "config_error");
    expect(error.message).not.toContain(OLD_SECRET);
    expect(await inboxRowsWithBody(marker)).toEqual([]);
  });
});

describe("receivePortoneWebhook", () => {
  const depsAt = (nowMs: number, queue: ValidationQueue): Deps => depsFor(env, { now: () => nowMs, queue });

  it("enqueues exactly one validation message per delivery, only after storing it", async () => {
    const { merchantUid } = await readyOrder();
    const delivery = await signed(paymentEvent("Transaction.Paid", merchantUid));
    const { queue, sent } = recordingQueue({
      onSend: async () => {
        expect(await inboxRows(delivery.webhookId), "stored before it is queued").toHaveLength(1);
      },
    });
    const deps = depsAt(Date.now(), queue);
    const first = await receivePortoneWebhook(deps, asDelivery(delivery));
    expect(first).toMatchObject({ result: "queued", merchantUid });
    const [row] = await inboxRows(delivery.webhookId);
    expect(sent).toEqual([{ merchant_uid: merchantUid, source: "webhook", inbox_id: row.id, hint_status: "paid" }]);

    const again = await Promise.all([1, 2, 3].map(() => receivePortoneWebhook(deps, asDelivery(delivery))));
    expect(again).toEqual([{ result: "duplicate" }, { result: "duplicate" }, { result: "duplicate" }]);
    expect(sent).toHaveLength(1);
    expect(await inboxRows(delivery.webhookId)).toHaveLength(1);
  });

  it("stores one copy and sends one message when the same delivery arrives five times at once", async () => {
    const delivery = await signed(paymentEvent("Transaction.Failed", strangerId()));
    const { queue, sent } = recordingQueue();
    const deps = depsAt(Date.now(), queue);
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => receivePortoneWebhook(deps, asDelivery(delivery))));
    expect(outcomes.filter((o) => o.result === "queued")).toHaveLength(1);
    expect(outcomes.filter((o) => o.result === "duplicate")).toHaveLength(4);
    expect(sent).toHaveLength(1);
    expect(await inboxRows(delivery.webhookId)).toHaveLength(1);
  });

  it("judges the timestamp by the clock it is given: 300 s either side is accepted, 301 s is refused", async () => {
    const t = 1_800_000_000;
    const { queue, sent } = recordingQueue();
    for (const [nowSeconds, expected] of [[t + 300, "queued"], [t - 300, "queued"], [t + 301, "timestamp_too_old"], [t - 301, "timestamp_too_new"]] as const) {
      const delivery = await signed(paymentEvent("Transaction.Paid", strangerId()), { timestampSeconds: t });
      const deps = depsAt(nowSeconds * 1000, queue);
      if (expected === "queued") {
        expect((await receivePortoneWebhook(deps, asDelivery(delivery))).result).toBe("queued");
      } else {
        const error = await refusal(receivePortoneWebhook(deps, asDelivery(delivery)));
        expect([error.status, error.code, (error.details as { reason: string }).reason]).toEqual([401, "invalid_signature", expected]);
        expect(await inboxRows(delivery.webhookId)).toEqual([]);
      }
    }
    expect(sent).toHaveLength(2);
  });

  it("acknowledges and stores events that cannot change a payment, or not ours, and queues nothing for them", async () => {
    const { merchantUid } = await readyOrder();
    const { queue, sent } = recordingQueue();
    const deps = depsAt(Date.now(), queue);
    const events = [
      paymentEvent("Transaction.Ready", merchantUid),
      paymentEvent("Transaction.PayPending", merchantUid),
      paymentEvent("Transaction.CancelPending", merchantUid),
      paymentEvent("Transaction.DisputeCreated", merchantUid),
      { type: "BillingKey.Issued", timestamp: new Date().toISOString(), data: { billingKey: "billing-key-1", storeId: "s" } },
      { type: "Settlement.Something.New", data: { anything: [1, 2] }, extra: true },
      paymentEvent("Transaction.Paid", "order-from-another-system-42"),
    ];
    for (const event of events) {
      const delivery = await signed(event);
      const outcome = await receivePortoneWebhook(deps, asDelivery(delivery));
      expect(outcome.result, event.type).toBe("ignored");
      const [row] = await inboxRows(delivery.webhookId);
      expect(row, event.type).toMatchObject({ valid: 1, status: event.type });
      expect(row.processed_at, event.type).not.toBeNull();
      expect(row.error, event.type).toMatch(/^ignored: |^not a pocketpay paymentId$/);
    }
    expect(sent).toEqual([]);
  });

  it("names a cancel's cancellationId and claims cancelled, so the validation always looks it up", async () => {
    const { merchantUid } = await readyOrder();
    const { queue, sent } = recordingQueue();
    const deps = depsAt(Date.now(), queue);
    for (const type of ["Transaction.Cancelled", "Transaction.PartialCancelled"]) {
      await receivePortoneWebhook(deps, asDelivery(await signed(paymentEvent(type, merchantUid, { cancellationId: `cxl-${type}` }))));
    }
    expect(sent.map((m) => [m.hint_status, m.cancellation_id])).toEqual([
      ["cancelled", "cxl-Transaction.Cancelled"],
      ["cancelled", "cxl-Transaction.PartialCancelled"],
    ]);
  });

  it("keeps a delivery whose message was lost, and the reconciler queues it again by its paymentId", async () => {
    const { merchantUid } = await readyOrder();
    const received = Date.now() - 10 * 60_000;
    const lost = recordingQueue({ drop: true });
    const delivery = await signed(paymentEvent("Transaction.Paid", merchantUid), { timestampSeconds: Math.floor(received / 1000) });
    // The queue failing does not fail the delivery: it is stored, and that is what PortOne needs to hear.
    expect((await receivePortoneWebhook(depsAt(received, lost.queue), asDelivery(delivery))).result).toBe("queued");
    const [row] = await inboxRows(delivery.webhookId);
    expect(row.processed_at).toBeNull();

    const { queue, sent } = recordingQueue();
    await reconcile(depsFor(env, { queue, now: () => Date.now() }));
    expect(sent.filter((m) => m.inbox_id === row.id)).toEqual([{ merchant_uid: merchantUid, source: "reconciler", inbox_id: row.id }]);
  });
});
