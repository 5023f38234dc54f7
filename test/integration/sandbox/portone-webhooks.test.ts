import { describe, expect, it } from "vitest";
import { newPaymentId, v2, V2, v2Pay, v2Webhooks } from "../../helpers/portone-sandbox";
import { signaturesValid } from "../../helpers/standard-webhooks";
import { waitFor } from "../../helpers/wait";

// The V2 sandbox's webhooks: Standard Webhooks headers checked here with an independent HMAC, and the retry
// schedule (up to 5 retries) driven by __control/webhooks/run, never by waiting. Secret rotation and retries that
// the shared clock sends are in test/integration/clock/portone-webhooks.test.ts (they change shared state).

/** A path on the app that answers 404: deliveries there fail, so the sandbox retries. */
const UNREACHABLE = "http://pocketpay/__sandbox-test/no-webhook-receiver-here";

const firstAttemptDone = (paymentId: string) =>
  waitFor("the first attempt to finish", async () => {
    const [w] = await v2Webhooks({ payment_id: paymentId });
    return w && w.status !== "sending" ? w : undefined;
  });

describe("PortOne V2 sandbox: signed webhooks", () => {
  it("signs every delivery with the configured whsec_ secret over id.timestamp.body (Standard Webhooks v1)", async () => {
    const id = newPaymentId("signed");
    const paid = await v2Pay({ payment_id: id, amount: 4500 });
    const w = await firstAttemptDone(id);
    expect(w.webhook_id).toMatch(/^msg_[0-9a-f]{32}$/);
    const d = w.deliveries[0]!;
    expect(d.webhook_timestamp).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(d.webhook_timestamp) - Date.now() / 1000)).toBeLessThan(300);
    expect(d.webhook_signature).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(await signaturesValid(V2.webhookSecret, w.webhook_id, d.webhook_timestamp, w.body, d.webhook_signature)).toEqual([true]);
    // The check can fail: another body, id, timestamp or secret does not verify.
    const tampered = w.body.replace(String(paid.paymentId), "someone-else");
    expect(await signaturesValid(V2.webhookSecret, w.webhook_id, d.webhook_timestamp, tampered, d.webhook_signature)).toEqual([false]);
    expect(await signaturesValid(V2.webhookSecret, "msg_other", d.webhook_timestamp, w.body, d.webhook_signature)).toEqual([false]);
    expect(await signaturesValid(V2.webhookSecret, w.webhook_id, String(Number(d.webhook_timestamp) + 1), w.body, d.webhook_signature)).toEqual([false]);
    expect(await signaturesValid("whsec_" + btoa("another secret"), w.webhook_id, d.webhook_timestamp, w.body, d.webhook_signature)).toEqual([false]);
    expect(JSON.parse(w.body)).toEqual({
      type: "Transaction.Paid",
      timestamp: expect.any(String),
      data: { paymentId: id, storeId: V2.storeId, transactionId: paid.txId },
    });
  });

  it("sends duplicates with the same webhook-id (what a receiver de-duplicates on), and none when lost", async () => {
    const id = newPaymentId("dup");
    await v2Pay({ payment_id: id, amount: 1000, webhook: { duplicates: 3 } });
    const w = await firstAttemptDone(id);
    expect(w.deliveries.filter((d) => d.attempt === 1)).toHaveLength(3);
    expect((await v2Webhooks({ payment_id: id }))).toHaveLength(1);

    const lost = newPaymentId("lost");
    await v2Pay({ payment_id: lost, amount: 1000, webhook: "none" });
    expect(await v2Webhooks({ payment_id: lost })).toEqual([]);
    expect((await v2("GET", `/payments/${lost}`)).json.status).toBe("PAID");
  });
});

describe("PortOne V2 sandbox: webhook retries", () => {
  it("retries a failed delivery 5 times (1, 2, 4, 8, 16 minutes apart), same webhook-id and body, then gives up", async () => {
    const id = newPaymentId("retry");
    await v2Pay({ payment_id: id, amount: 2000, notice_url: UNREACHABLE } as never);
    const first = await firstAttemptDone(id);
    expect(first).toMatchObject({ status: "pending", attempts: 1 });
    expect(first.deliveries[0]!.response_status).toBe(404);
    const sentAt = Number(first.deliveries[0]!.webhook_timestamp);

    // Not yet due a second before its time; due at it.
    const due = Math.floor(first.next_attempt_at! / 1000);
    expect(due - sentAt).toBeGreaterThanOrEqual(59);
    expect(due - sentAt).toBeLessThanOrEqual(61);
    const early = await v2("POST", "/__control/webhooks/run", { until: due - 2, payment_id: id });
    expect(early.json.ran).toEqual([]);

    const gaps: number[] = [];
    let last = first;
    for (let attempt = 2; attempt <= 6; attempt++) {
      const before = last.next_attempt_at!;
      const run = await v2("POST", "/__control/webhooks/run", { until: Math.ceil(before / 1000) + 1, payment_id: id });
      expect(run.json.ran).toEqual([{ webhook_id: first.webhook_id, attempt, outcome: attempt < 6 ? "pending" : "failed" }]);
      [last] = await v2Webhooks({ payment_id: id }) as [typeof first];
      if (last.next_attempt_at) gaps.push(Math.round((last.next_attempt_at - before) / 60_000));
    }
    // Each wait is measured from the attempt, which the test runs early (until, not the clock): compare the delays.
    expect(last).toMatchObject({ status: "failed", attempts: 6, next_attempt_at: null });
    expect(new Set(last.deliveries.map((d) => d.attempt))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    for (const d of last.deliveries) {
      expect(await signaturesValid(V2.webhookSecret, last.webhook_id, d.webhook_timestamp, last.body, d.webhook_signature)).toEqual([true]);
    }
    expect(last.body).toBe(first.body);
    // Nothing more is ever sent.
    expect((await v2("POST", "/__control/webhooks/run", { until: 4_000_000_000, payment_id: id })).json.ran).toEqual([]);
    expect(gaps.length).toBe(4);
  });

  it("stops retrying once a delivery succeeds (the resend of a payment goes to its notice URL too)", async () => {
    const id = newPaymentId("resend");
    await v2Pay({ payment_id: id, amount: 2000, notice_url: UNREACHABLE } as never);
    const first = await firstAttemptDone(id);
    expect(first.status).toBe("pending");
    // The console's re-send: a new message (new webhook-id) for the current status.
    const resent = await v2("POST", "/__control/webhook", { payment_id: id });
    expect(resent.status).toBe(200);
    expect(resent.json.webhook_id).not.toBe(first.webhook_id);
    const both = await waitFor("the resend's first attempt", async () => {
      const list = await v2Webhooks({ payment_id: id });
      return list.length === 2 && list.every((w) => w.status !== "sending") ? list : undefined;
    });
    expect(JSON.parse(both[1]!.body).type).toBe("Transaction.Paid");
  });
});
