import { describe, expect, it } from "vitest";
import { newPaymentId, v2, V2, v2IssueKey, v2Pay, v2Webhooks } from "../../helpers/portone-sandbox";
import { fault } from "../../helpers/sandbox";
import { waitFor } from "../../helpers/wait";

// The PortOne V2 sandbox's REST subset: every route's success and refusal, with V2's statuses and `{type, message}`
// bodies (server-sdk codegen/openapi.json). Webhook signing and retries: portone-webhooks.test.ts.

const charge = (paymentId: string, billingKey: string, total = 9900, extra: Record<string, unknown> = {}) =>
  v2("POST", `/payments/${paymentId}/billing-key`, { billingKey, orderName: "정기결제", amount: { total }, currency: "KRW", ...extra });

describe("PortOne V2 sandbox: authentication", () => {
  it("refuses a missing, wrong or non-PortOne Authorization header with 401 UNAUTHORIZED", async () => {
    const id = newPaymentId("auth");
    for (const auth of [false, "PortOne wrong-secret", `Bearer ${V2.apiSecret}`, `PortOne ${V2.apiSecret}x`, "PortOne"] as const) {
      const res = await v2("GET", `/payments/${id}`, undefined, auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.json.type).toBe("UNAUTHORIZED");
      expect(typeof res.json.message).toBe("string");
    }
    // The right secret gets through to the route, which does not know the payment.
    const ok = await v2("GET", `/payments/${id}`);
    expect(ok.status).toBe(404);
    expect(ok.json.type).toBe("PAYMENT_NOT_FOUND");
  });

  it("answers an unknown path 404 in V2's shape, not 401", async () => {
    const res = await v2("GET", "/no-such-route", undefined, false);
    expect(res.status).toBe(404);
    expect(res.json.type).toBe("NOT_FOUND");
  });
});

describe("PortOne V2 sandbox: pre-registration and lookup", () => {
  it("pays another amount than the pre-registered one only when told to skip the check (skip_prepare_check, as V1's)", async () => {
    const id = newPaymentId("skip");
    expect((await v2("POST", `/payments/${id}/pre-register`, { totalAmount: 30000, currency: "KRW" })).status).toBe(200);
    expect((await v2Pay({ payment_id: id, amount: 300, webhook: "none" })).code).toBe("FAILURE_TYPE_PROCESS");
    const under = await v2Pay({ payment_id: id, amount: 300, webhook: "none", skip_prepare_check: true });
    expect(under.code).toBeUndefined();
    expect((await v2("GET", `/payments/${id}`)).json).toMatchObject({ status: "PAID", transactionId: under.txId, amount: { total: 300, paid: 300 } });
    // The switch skips the amount check only: a paid paymentId is still taken.
    expect((await v2Pay({ payment_id: id, amount: 30000, webhook: "none", skip_prepare_check: true })).code).toBe("FAILURE_TYPE_PROCESS");
  });

  it("pre-registers an amount; the window refuses another amount and stores nothing; the right one is PAID", async () => {
    const id = newPaymentId("pre");
    const pre = await v2("POST", `/payments/${id}/pre-register`, { storeId: V2.storeId, totalAmount: 12000, currency: "KRW" });
    expect(pre.status).toBe(200);
    expect(pre.json).toEqual({});

    const wrong = await v2Pay({ payment_id: id, amount: 13000 });
    expect(wrong.code).toBe("FAILURE_TYPE_PROCESS");
    expect(wrong.txId).toBeUndefined();
    expect((await v2("GET", `/payments/${id}`)).status).toBe(404);

    const paid = await v2Pay({ payment_id: id, amount: 12000 });
    expect(paid.code).toBeUndefined();
    expect(paid).toMatchObject({ transactionType: "PAYMENT", paymentId: id });

    const got = await v2("GET", `/payments/${id}?storeId=${V2.storeId}`);
    expect(got.status).toBe(200);
    const p = got.json;
    expect(p).toMatchObject({
      status: "PAID",
      id,
      transactionId: paid.txId,
      storeId: V2.storeId,
      version: "V2",
      currency: "KRW",
      amount: { total: 12000, taxFree: 0, paid: 12000, cancelled: 0, discount: 0 },
      channel: { type: "TEST", key: V2.channelKey, pgProvider: "INICIS_V2" },
      method: { type: "PaymentMethodCard" },
      cancellations: [],
    });
    expect(p.amount.vat + p.amount.supply).toBe(12000);
    for (const t of [p.requestedAt, p.updatedAt, p.statusChangedAt, p.paidAt]) expect(new Date(t).toISOString()).toBe(t);
    expect(typeof p.pgTxId).toBe("string");

    // Pre-registering a paid paymentId is refused.
    const again = await v2("POST", `/payments/${id}/pre-register`, { totalAmount: 1 });
    expect(again.status).toBe(409);
    expect(again.json.type).toBe("ALREADY_PAID");
  });

  it("refuses a malformed body with 400 INVALID_REQUEST naming the field, and another store with 403 FORBIDDEN", async () => {
    const id = newPaymentId("bad");
    const bad = await v2("POST", `/payments/${id}/pre-register`, { totalAmount: "12000" });
    expect(bad.status).toBe(400);
    expect(bad.json.type).toBe("INVALID_REQUEST");
    expect(bad.json.message).toContain("totalAmount");
    const notJson = await v2("POST", `/payments/${id}/pre-register`, "{oops");
    expect(notJson.status).toBe(400);
    expect(notJson.json.type).toBe("INVALID_REQUEST");
    const store = await v2("GET", `/payments/${id}?storeId=store-someone-else`);
    expect(store.status).toBe(403);
    expect(store.json.type).toBe("FORBIDDEN");
  });

  it("records a declined window payment FAILED with its failure, and lets the same paymentId be tried again", async () => {
    const id = newPaymentId("decl");
    const declined = await v2Pay({ payment_id: id, amount: 5000, outcome: "failed" });
    expect(declined).toMatchObject({ transactionType: "PAYMENT", paymentId: id, code: "FAILURE_TYPE_PG", pgCode: "3011" });
    const failed = (await v2("GET", `/payments/${id}`)).json;
    expect(failed).toMatchObject({ status: "FAILED", failure: { pgCode: "3011", pgMessage: "카드 한도 초과" } });
    expect(new Date(failed.failedAt).toISOString()).toBe(failed.failedAt);

    const closed = await v2Pay({ payment_id: id, amount: 5000, outcome: "closed" });
    expect(closed.code).toBe("FAILURE_TYPE_PG");
    expect((await v2("GET", `/payments/${id}`)).json.status).toBe("FAILED");

    const paid = await v2Pay({ payment_id: id, amount: 5000 });
    expect(paid.code).toBeUndefined();
    const now = (await v2("GET", `/payments/${id}`)).json;
    expect(now.status).toBe("PAID");
    expect(now.transactionId).toBe(paid.txId);
    expect(now.transactionId).not.toBe(failed.transactionId);
    // A paid paymentId cannot be paid again.
    expect((await v2Pay({ payment_id: id, amount: 5000 })).code).toBe("FAILURE_TYPE_PROCESS");
  });

  it("lists payments with GET /payments?requestBody (status filter, time window, pages)", async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    const paid = newPaymentId("list");
    const failed = newPaymentId("list");
    await v2Pay({ payment_id: paid, amount: 1000 });
    await v2Pay({ payment_id: failed, amount: 1000, outcome: "failed" });
    const until = new Date(Date.now() + 60_000).toISOString();
    const q = (body: unknown) => v2("GET", `/payments?requestBody=${encodeURIComponent(JSON.stringify(body))}`);
    const onlyFailed = await q({ filter: { from: start, until, status: ["FAILED"] }, page: { number: 0, size: 1000 } });
    expect(onlyFailed.status).toBe(200);
    const ids = onlyFailed.json.items.map((p: { id: string }) => p.id);
    expect(ids).toContain(failed);
    expect(ids).not.toContain(paid);
    expect(onlyFailed.json.page).toMatchObject({ number: 0, size: 1000 });
    expect(onlyFailed.json.page.totalCount).toBeGreaterThanOrEqual(1);
    const bad = await q({ filter: { status: ["NOPE"] } });
    expect(bad.status).toBe(400);
    expect(bad.json.type).toBe("INVALID_REQUEST");
  });
});

describe("PortOne V2 sandbox: cancel", () => {
  it("cancels partly (PARTIAL_CANCELLED), checks currentCancellableAmount, refuses too much, then cancels the rest", async () => {
    const id = newPaymentId("cancel");
    await v2Pay({ payment_id: id, amount: 10000 });

    const mismatch = await v2("POST", `/payments/${id}/cancel`, { amount: 3000, reason: "부분 환불", currentCancellableAmount: 9000 });
    expect(mismatch.status).toBe(409);
    expect(mismatch.json.type).toBe("CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN");
    expect((await v2("GET", `/payments/${id}`)).json.amount.cancelled).toBe(0);

    const part = await v2("POST", `/payments/${id}/cancel`, { amount: 3000, reason: "부분 환불", currentCancellableAmount: 10000 });
    expect(part.status).toBe(200);
    expect(part.json.cancellation).toMatchObject({ status: "SUCCEEDED", totalAmount: 3000, reason: "부분 환불", trigger: "API" });
    expect(typeof part.json.cancellation.id).toBe("string");
    const after = (await v2("GET", `/payments/${id}`)).json;
    expect(after.status).toBe("PARTIAL_CANCELLED");
    expect(after.amount.cancelled).toBe(3000);
    expect(after.cancellations.map((x: { id: string }) => x.id)).toEqual([part.json.cancellation.id]);

    const tooMuch = await v2("POST", `/payments/${id}/cancel`, { amount: 7001, reason: "초과" });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.json.type).toBe("CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT");

    // No amount: the whole remaining balance.
    const rest = await v2("POST", `/payments/${id}/cancel`, { reason: "전액 환불", currentCancellableAmount: 7000 });
    expect(rest.status).toBe(200);
    expect(rest.json.cancellation.totalAmount).toBe(7000);
    expect(rest.json.cancellation.id).not.toBe(part.json.cancellation.id);
    const done = (await v2("GET", `/payments/${id}`)).json;
    expect(done).toMatchObject({ status: "CANCELLED", amount: { total: 10000, cancelled: 10000 } });
    expect(done.cancellations).toHaveLength(2);
    expect(new Date(done.cancelledAt).toISOString()).toBe(done.cancelledAt);

    const again = await v2("POST", `/payments/${id}/cancel`, { reason: "또" });
    expect(again.status).toBe(409);
    expect(again.json.type).toBe("PAYMENT_ALREADY_CANCELLED");
  });

  it("refuses an unknown payment (404), an unpaid one (409 PAYMENT_NOT_PAID) and a missing reason (400)", async () => {
    const unknown = await v2("POST", `/payments/${newPaymentId("nope")}/cancel`, { reason: "x" });
    expect(unknown.status).toBe(404);
    expect(unknown.json.type).toBe("PAYMENT_NOT_FOUND");
    const failed = newPaymentId("unpaid");
    await v2Pay({ payment_id: failed, amount: 1000, outcome: "failed" });
    const notPaid = await v2("POST", `/payments/${failed}/cancel`, { reason: "x" });
    expect(notPaid.status).toBe(409);
    expect(notPaid.json.type).toBe("PAYMENT_NOT_PAID");
    const noReason = await v2("POST", `/payments/${failed}/cancel`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.json.type).toBe("INVALID_REQUEST");
  });

  it("lets only one of two concurrent full cancels through: money is never refunded twice", async () => {
    const id = newPaymentId("race");
    await v2Pay({ payment_id: id, amount: 8000 });
    const results = await Promise.all([1, 2, 3].map(() => v2("POST", `/payments/${id}/cancel`, { reason: "동시", currentCancellableAmount: 8000 })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(409);
      expect(["PAYMENT_ALREADY_CANCELLED", "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN"]).toContain(r.json.type);
    }
    const p = (await v2("GET", `/payments/${id}`)).json;
    expect(p.amount.cancelled).toBe(8000);
    expect(p.cancellations).toHaveLength(1);
  });
});

describe("PortOne V2 sandbox: billing keys", () => {
  it("issues a key, charges it, answers ALREADY_PAID for a repeated paymentId and charges once", async () => {
    const issued = await v2IssueKey();
    expect(issued.code).toBeUndefined();
    const key = issued.billingKey!;
    expect(key).toMatch(/^billing-key-/);

    const info = await v2("GET", `/billing-keys/${key}?storeId=${V2.storeId}`);
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ status: "ISSUED", billingKey: key, storeId: V2.storeId, methods: [{ type: "BillingKeyPaymentMethodCard", card: { number: "411111*********1" } }] });
    expect(new Date(info.json.issuedAt).toISOString()).toBe(info.json.issuedAt);

    const id = newPaymentId("renew");
    const first = await charge(id, key, 9900);
    expect(first.status).toBe(200);
    expect(typeof first.json.payment.pgTxId).toBe("string");
    expect(new Date(first.json.payment.paidAt).toISOString()).toBe(first.json.payment.paidAt);
    const p = (await v2("GET", `/payments/${id}`)).json;
    expect(p).toMatchObject({ status: "PAID", billingKey: key, amount: { total: 9900, paid: 9900 }, pgTxId: first.json.payment.pgTxId });

    const repeat = await charge(id, key, 9900);
    expect(repeat.status).toBe(409);
    expect(repeat.json.type).toBe("ALREADY_PAID");
    const uses = (await v2("GET", `/__control/billing-keys/${key}/payments`)).json;
    expect(uses.paid).toBe(1);
    expect((await v2("GET", `/payments/${id}`)).json.transactionId).toBe(p.transactionId);
  });

  it("charges exactly once when the same paymentId is charged concurrently", async () => {
    const key = (await v2IssueKey()).billingKey!;
    const id = newPaymentId("concurrent");
    const results = await Promise.all([1, 2, 3, 4].map(() => charge(id, key, 5000)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expect([r.status, r.json.type]).toEqual([409, "ALREADY_PAID"]);
    expect((await v2("GET", `/__control/billing-keys/${key}/payments`)).json.paid).toBe(1);
  });

  it("answers a decline with 502 PG_PROVIDER (pgCode, pgMessage) and records the payment FAILED", async () => {
    const key = (await v2IssueKey("5555-5555-5555-0051")).billingKey!;
    const id = newPaymentId("decline");
    const res = await charge(id, key, 9900);
    expect(res.status).toBe(502);
    expect(res.json).toMatchObject({ type: "PG_PROVIDER", pgCode: "3011", pgMessage: "카드 한도 초과" });
    expect(typeof res.json.message).toBe("string");
    const p = (await v2("GET", `/payments/${id}`)).json;
    expect(p).toMatchObject({ status: "FAILED", billingKey: key, failure: { pgCode: "3011" } });
  });

  it("refuses a card that fails authentication (ending 0002) or is expired: no key", async () => {
    const refused = await v2IssueKey("4000-0000-0000-0002");
    expect(refused.billingKey).toBeUndefined();
    expect(refused.code).toBe("FAILURE_TYPE_PG");
    const expired = await v2IssueKey("4111-1111-1111-1111", "2001-01");
    expect(expired.billingKey).toBeUndefined();
  });

  it("deletes a key once (then BILLING_KEY_ALREADY_DELETED), shows it DELETED and refuses charging it", async () => {
    const key = (await v2IssueKey()).billingKey!;
    const del = await v2("DELETE", `/billing-keys/${key}?storeId=${V2.storeId}`);
    expect(del.status).toBe(200);
    expect(new Date(del.json.deletedAt).toISOString()).toBe(del.json.deletedAt);
    const info = (await v2("GET", `/billing-keys/${key}`)).json;
    expect(info).toMatchObject({ status: "DELETED", billingKey: key, deletedAt: del.json.deletedAt });
    const again = await v2("DELETE", `/billing-keys/${key}`);
    expect(again.status).toBe(409);
    expect(again.json.type).toBe("BILLING_KEY_ALREADY_DELETED");
    const id = newPaymentId("deleted");
    const res = await charge(id, key);
    expect(res.status).toBe(409);
    expect(res.json.type).toBe("BILLING_KEY_ALREADY_DELETED");
    expect((await v2("GET", `/payments/${id}`)).status).toBe(404);
  });

  it("lists one customer's keys with GET /billing-keys?requestBody (status filter), behind the API secret", async () => {
    const customer = `cus_${crypto.randomUUID().replace(/-/g, "")}`;
    const issue = async () => (await v2("POST", "/__control/billing-key", { card_number: "4111-1111-1111-1111", expiry: "2099-12", customer_id: customer })).json.billingKey as string;
    const [a, b] = [await issue(), await issue()];
    const other = (await v2IssueKey()).billingKey!;
    await v2("DELETE", `/billing-keys/${a}`);
    const q = (body: unknown, auth = true) => v2("GET", `/billing-keys?requestBody=${encodeURIComponent(JSON.stringify(body))}`, undefined, auth);
    const all = await q({ filter: { customerId: customer }, page: { number: 0, size: 100 } });
    expect(all.status).toBe(200);
    expect(all.json.items.map((k: { billingKey: string }) => k.billingKey).sort()).toEqual([a, b].sort());
    expect(all.json.items.find((k: { billingKey: string }) => k.billingKey === a)).toMatchObject({ status: "DELETED", customer: { id: customer } });
    expect(all.json.page).toMatchObject({ number: 0, size: 100, totalCount: 2 });
    const issued = await q({ filter: { storeId: V2.storeId, customerId: customer, status: ["ISSUED"] } });
    expect(issued.json.items.map((k: { billingKey: string }) => k.billingKey)).toEqual([b]);
    expect(issued.json.items.map((k: { billingKey: string }) => k.billingKey)).not.toContain(other);
    expect((await q({ filter: { customerId: customer } }, false)).status).toBe(401);
    const bad = await q({ filter: { status: ["NOPE"] } });
    expect(bad.status).toBe(400);
    expect(bad.json.type).toBe("INVALID_REQUEST");
  });

  it("switches a key's card to declining and back (control route); an unknown key is 404", async () => {
    const key = (await v2IssueKey()).billingKey!;
    expect((await v2("POST", `/__control/billing-keys/${key}/card`, { declines: true })).json).toEqual({ billing_key: key, declines: true });
    expect((await charge(newPaymentId("switch"), key)).json.type).toBe("PG_PROVIDER");
    await v2("POST", `/__control/billing-keys/${key}/card`, { declines: false });
    expect((await charge(newPaymentId("switch"), key)).status).toBe(200);
    expect((await v2("POST", "/__control/billing-keys/billing-key-unknown/card", { declines: true })).status).toBe(404);
  });

  it("answers 404 BILLING_KEY_NOT_FOUND for an unknown key on every route", async () => {
    const key = `billing-key-${crypto.randomUUID()}`;
    for (const res of [await v2("GET", `/billing-keys/${key}`), await v2("DELETE", `/billing-keys/${key}`), await charge(newPaymentId("nokey"), key)]) {
      expect(res.status).toBe(404);
      expect(res.json.type).toBe("BILLING_KEY_NOT_FOUND");
    }
    const bad = await v2("POST", `/payments/${newPaymentId("nobody")}/billing-key`, { billingKey: key });
    expect(bad.status).toBe(400);
    expect(bad.json.type).toBe("INVALID_REQUEST");
  });
});

describe("PortOne V2 sandbox: faults (shared with V1)", () => {
  it("fails a V2 call with V2's bodies, and never lets a V1 fault hit a V2 path", async () => {
    const id = newPaymentId("fault");
    // A V1 fault on /payments matching this id: V2's GET is untouched.
    await fault({ path: "/payments", kind: "http_500", match: id });
    expect((await v2("GET", `/payments/${id}`)).status).toBe(404);
    await v2("DELETE", "/__control/faults");

    await v2("POST", "/__control/faults", { path: "/payments", kind: "http_500", match: id });
    const five = await v2("GET", `/payments/${id}`);
    expect(five.status).toBe(500);
    expect(five.json.type).toBe("INTERNAL_SERVER_ERROR");
    await v2("POST", "/__control/faults", { path: "/payments", kind: "unauthorized", match: id });
    expect((await v2("GET", `/payments/${id}`)).json.type).toBe("UNAUTHORIZED");
    await v2("POST", "/__control/faults", { path: "/payments", kind: "malformed", match: id });
    const broken = await v2("GET", `/payments/${id}`);
    expect(broken.status).toBe(200);
    expect(broken.json).toBeUndefined();
    // Consumed: the next call is answered normally.
    expect((await v2("GET", `/payments/${id}`)).json.type).toBe("PAYMENT_NOT_FOUND");
  });

  it("charges and loses the answer (timeout, processed): the lookup shows PAID and a repeat is ALREADY_PAID", async () => {
    const key = (await v2IssueKey()).billingKey!;
    const id = newPaymentId("lost");
    const armed = await v2("POST", "/__control/faults", { path: `/payments/${id}/billing-key`, kind: "timeout", processed: true, latency_ms: 10 });
    expect(armed.status).toBe(201);
    expect(armed.json.fault.path).toBe(`/payments/${id}/billing-key`);
    const lost = await charge(id, key);
    expect(lost.status).toBe(504);
    expect((await v2("GET", `/payments/${id}`)).json.status).toBe("PAID");
    const repeat = await charge(id, key);
    expect(repeat.json.type).toBe("ALREADY_PAID");
    expect((await v2("GET", `/__control/billing-keys/${key}/payments`)).json.paid).toBe(1);
  });
});

describe("PortOne V2 sandbox: webhooks on every status change", () => {
  it("sends Transaction.Paid, Transaction.PartialCancelled and Transaction.Cancelled (with cancellationId); skipWebhook sends none", async () => {
    const id = newPaymentId("events");
    const paid = await v2Pay({ payment_id: id, amount: 3000 });
    await v2("POST", `/payments/${id}/cancel`, { amount: 1000, reason: "부분" });
    await v2("POST", `/payments/${id}/cancel`, { amount: 1000, reason: "조용히", skipWebhook: true });
    const full = await v2("POST", `/payments/${id}/cancel`, { reason: "나머지" });
    const hooks = await waitFor("three webhooks attempted", async () => {
      const list = await v2Webhooks({ payment_id: id });
      return list.length === 3 && list.every((w) => w.deliveries.length > 0) ? list : undefined;
    });
    const bodies = hooks.map((w) => JSON.parse(w.body));
    expect(bodies.map((b) => b.type)).toEqual(["Transaction.Paid", "Transaction.PartialCancelled", "Transaction.Cancelled"]);
    for (const b of bodies) {
      expect(b.data).toMatchObject({ paymentId: id, storeId: V2.storeId, transactionId: paid.txId });
      expect(new Date(b.timestamp).toISOString()).toBe(b.timestamp);
    }
    expect(bodies[0].data.cancellationId).toBeUndefined();
    expect(bodies[2].data.cancellationId).toBe(full.json.cancellation.id);
    expect(new Set(hooks.map((w) => w.webhook_id)).size).toBe(3);
  });

  it("sends BillingKey.Issued and BillingKey.Deleted, and Transaction.Failed for a declined charge", async () => {
    const key = (await v2IssueKey("5555-5555-5555-0051")).billingKey!;
    const id = newPaymentId("failhook");
    await charge(id, key);
    await v2("DELETE", `/billing-keys/${key}`);
    const keyHooks = await waitFor("key webhooks", async () => {
      const list = await v2Webhooks({ billing_key: key });
      return list.length === 2 ? list : undefined;
    });
    expect(keyHooks.map((w) => JSON.parse(w.body))).toEqual([
      expect.objectContaining({ type: "BillingKey.Issued", data: { billingKey: key, storeId: V2.storeId } }),
      expect.objectContaining({ type: "BillingKey.Deleted", data: { billingKey: key, storeId: V2.storeId } }),
    ]);
    const payHooks = await waitFor("payment webhook", async () => {
      const list = await v2Webhooks({ payment_id: id });
      return list.length === 1 ? list : undefined;
    });
    expect(JSON.parse(payHooks[0]!.body).type).toBe("Transaction.Failed");
  });
});
