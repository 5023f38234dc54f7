import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { observeIamportCalls } from "../../src/services/deps";
import { call, expectError, json, signUp } from "../helpers/http";
import { createOrder } from "../helpers/orders";
import { fault } from "../helpers/sandbox";
import { appIamport } from "../helpers/iamport";
import { waitFor } from "../helpers/wait";

const ordersOf = async (userId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM payments WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n;

afterEach(() => observeIamportCalls(undefined));

describe("POST /api/payments", () => {
  it("pins the amount at Iamport before answering", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 4_500, "Croissant");
    const pinned = await appIamport().getPrepared(order.merchant_uid);
    expect(pinned).toMatchObject({ merchant_uid: order.merchant_uid, amount: 4_500 });
  });

  it.each([
    [{ amount: 1000 }, "name"],
    [{ name: "", amount: 1000 }, "name"],
    [{ name: "x".repeat(41), amount: 1000 }, "name"],
    [{ name: "Tea" }, "amount"],
    [{ name: "Tea", amount: 99 }, "amount"],
    [{ name: "Tea", amount: 1000.5 }, "amount"],
    [{ name: "Tea", amount: "1000" }, "amount"],
    [{ name: "Tea", amount: -5000 }, "amount"],
    [{ name: "Tea", amount: 10_000_001 }, "amount"],
    [{ name: "Tea", amount: null }, "amount"],
    [{ name: "\u0000", amount: 1000 }, "name"],
    [{ name: "Tea\u0007", amount: 1000 }, "name"],
    [{ name: "Te\ba", amount: 1000 }, "name"],
    [{ name: "\u001b[31mTea", amount: 1000 }, "name"],
    [{ name: "Tea\u202Eeet", amount: 1000 }, "name"],
    [{ name: "Tea\nCake", amount: 1000 }, "name"],
    [{ name: "Tea", amount: 1000, extra: "x".repeat(5_000) }, "extra"],
    [{ name: "Tea", amount: 1000, user_id: "someone-else" }, "user_id"],
  ])("refuses %j with 400 naming %s, writing nothing and calling no one", async (body, field) => {
    const buyer = await signUp();
    const calls: unknown[] = [];
    observeIamportCalls((c) => calls.push(c));
    const error = await expectError(await call("POST", "/api/payments", { token: buyer.token, body }), 400, "invalid_request");
    expect(error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(await ordersOf(buyer.user.id)).toBe(0);
    expect(calls).toEqual([]);
  });

  it("names both the bad text and the unknown field of the issue's body", async () => {
    const buyer = await signUp();
    const res = await call("POST", "/api/payments", { token: buyer.token, body: { name: "\u0000", amount: 1000, extra: "x".repeat(5 * 1024) } });
    const error = await expectError(res, 400, "invalid_request");
    expect(error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(["extra", "name"]);
    expect(error.message).toContain("U+0000");
    expect(await ordersOf(buyer.user.id)).toBe(0);
  });

  it("stores the name trimmed and hands Iamport names cut at character boundaries within its limits", async () => {
    // 15 letters and an emoji: 17 UTF-16 units, which a cut at 16 units would split into a lone surrogate.
    const buyer = await signUp({ name: "Kimminjiparkseo🎁" });
    const name = `${"x".repeat(39)}🎁`; // 40 characters, 41 units
    const order = await createOrder(buyer, 5_000, `  ${name}  `);
    expect(order.name).toBe(name);
    const params = order.checkout.params;
    expect(params.buyer_name).toBe("Kimminjiparkseo");
    expect(params.name).toBe("x".repeat(39));
    for (const text of [params.buyer_name, params.name]) expect(text).not.toMatch(/[\ud800-\udfff]/);
    expect(params.buyer_name.length).toBeLessThanOrEqual(16);
    expect(params.name.length).toBeLessThanOrEqual(40);
  });

  it("needs a session", async () => {
    await expectError(await call("POST", "/api/payments", { body: { name: "Tea", amount: 1000 } }), 401, "unauthorized");
  });

  it("answers a repeat with the same Idempotency-Key with the first response and one prepare call", async () => {
    const buyer = await signUp();
    const calls: Array<{ kind: string; path: string }> = [];
    observeIamportCalls((c) => calls.push(c));
    const headers = { "idempotency-key": `order-${crypto.randomUUID()}` };
    const first = await createOrder(buyer, 8_000, "Bagel", headers);
    const second = await createOrder(buyer, 8_000, "Bagel", headers);
    expect(second).toEqual(first);
    expect(await ordersOf(buyer.user.id)).toBe(1);
    expect(calls.filter((c) => c.path === "/payments/prepare")).toHaveLength(1);
  });

  it("gives 5 concurrent double-clicks with one key one order", async () => {
    const buyer = await signUp();
    const headers = { "idempotency-key": `dbl-${crypto.randomUUID()}` };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => call("POST", "/api/payments", { token: buyer.token, body: { name: "Tea", amount: 3000 }, headers })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const bodies = await Promise.all(responses.filter((r) => r.status === 201).map(json));
    expect(new Set(bodies.map((b) => b.merchant_uid)).size).toBe(1);
    expect(await ordersOf(buyer.user.id)).toBe(1);
  });

  it("answers 422 to the same key with another body", async () => {
    const buyer = await signUp();
    const headers = { "idempotency-key": `k-${crypto.randomUUID()}` };
    await createOrder(buyer, 8_000, "Bagel", headers);
    const res = await call("POST", "/api/payments", { token: buyer.token, body: { name: "Bagel", amount: 9_000 }, headers });
    await expectError(res, 422, "idempotency_key_reused");
    expect(await ordersOf(buyer.user.id)).toBe(1);
  });

  it("keys are per user: another user's same key is a different request", async () => {
    const a = await signUp();
    const b = await signUp();
    const headers = { "idempotency-key": `shared-${crypto.randomUUID()}` };
    const first = await createOrder(a, 5_000, "Tea", headers);
    const second = await createOrder(b, 5_000, "Tea", headers);
    expect(second.merchant_uid).not.toBe(first.merchant_uid);
  });

  it("answers 503 when Iamport is unreachable, leaves no order, and a retry with the same key succeeds", async () => {
    const buyer = await signUp();
    const amount = 50_000 + Math.floor(Math.random() * 40_000);
    await fault({ path: "/payments/prepare", method: "POST", kind: "http_500", times: 1, match: `"amount":${amount}` });
    const headers = { "idempotency-key": `retry-${crypto.randomUUID()}` };
    const failed = await call("POST", "/api/payments", { token: buyer.token, body: { name: "Cake", amount }, headers });
    await expectError(failed, 503, "gateway_unavailable");
    expect(await ordersOf(buyer.user.id)).toBe(0);
    // The fault was used up by that one call (faults are shared, so none is cleared wholesale).
    const retried = await createOrder(buyer, amount, "Cake", headers);
    expect(retried.status).toBe("ready");
    expect(await ordersOf(buyer.user.id)).toBe(1);
  });

  it("keeps the key's body after a failure: another body is 422, the same body runs again", async () => {
    const buyer = await signUp();
    const amount = 50_000 + Math.floor(Math.random() * 40_000);
    await fault({ path: "/payments/prepare", method: "POST", kind: "http_500", times: 1, match: `"amount":${amount}` });
    const headers = { "idempotency-key": `fp-${crypto.randomUUID()}` };
    await expectError(await call("POST", "/api/payments", { token: buyer.token, body: { name: "Cake", amount }, headers }), 503);
    const other = await call("POST", "/api/payments", { token: buyer.token, body: { name: "Cake", amount: amount + 100 }, headers });
    await expectError(other, 422, "idempotency_key_reused");
    expect(await ordersOf(buyer.user.id)).toBe(0);
    const retried = await createOrder(buyer, amount, "Cake", headers);
    expect(retried.amount).toBe(amount);
    // And after the success, another body is still 422.
    await expectError(await call("POST", "/api/payments", { token: buyer.token, body: { name: "Pie", amount }, headers }), 422, "idempotency_key_reused");
    expect(await ordersOf(buyer.user.id)).toBe(1);
  });

  it("refuses another body with 422 while the first request with the key is still running", async () => {
    const buyer = await signUp();
    const amount = 50_000 + Math.floor(Math.random() * 40_000);
    await fault({ path: "/payments/prepare", method: "POST", kind: "latency", latency_ms: 1_000, times: 1, match: `"amount":${amount}` });
    const headers = { "idempotency-key": `running-${crypto.randomUUID()}` };
    const first = call("POST", "/api/payments", { token: buyer.token, body: { name: "Slow", amount }, headers });
    // The slow first request holds the claim; wait until it is stored before racing it.
    await waitFor("claim stored", async () =>
      env.DB.prepare("SELECT 1 FROM idempotency_keys WHERE user_id = ? AND key = ?").bind(buyer.user.id, headers["idempotency-key"]).first(),
    );
    const other = await call("POST", "/api/payments", { token: buyer.token, body: { name: "Slow", amount: amount + 1 }, headers });
    await expectError(other, 422, "idempotency_key_reused");
    expect((await first).status).toBe(201);
    expect(await ordersOf(buyer.user.id)).toBe(1);
  });

  it("rejects a malformed Idempotency-Key", async () => {
    const buyer = await signUp();
    const res = await call("POST", "/api/payments", {
      token: buyer.token,
      body: { name: "Tea", amount: 1000 },
      headers: { "idempotency-key": "x".repeat(300) },
    });
    await expectError(res, 400, "invalid_idempotency_key");
    expect(await ordersOf(buyer.user.id)).toBe(0);
  });
});

describe("GET /api/payments", () => {
  it("lists only the caller's payments, newest first, with a cursor and a status filter", async () => {
    const buyer = await signUp();
    const other = await signUp();
    await createOrder(other, 1000);
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createOrder(buyer, 1000 + i, `Item ${i}`));
    const page1 = await json(await call("GET", "/api/payments?limit=2", { token: buyer.token }));
    expect(page1.items.map((p: any) => p.merchant_uid)).toEqual([made[4].merchant_uid, made[3].merchant_uid]);
    const page2 = await json(await call("GET", `/api/payments?limit=2&cursor=${page1.next_cursor}`, { token: buyer.token }));
    expect(page2.items.map((p: any) => p.merchant_uid)).toEqual([made[2].merchant_uid, made[1].merchant_uid]);
    const page3 = await json(await call("GET", `/api/payments?limit=2&cursor=${page2.next_cursor}`, { token: buyer.token }));
    expect(page3.items).toHaveLength(1);
    expect(page3.next_cursor).toBeNull();
    const paid = await json(await call("GET", "/api/payments?status=paid", { token: buyer.token }));
    expect(paid.items).toEqual([]);
  });

  it.each(["status=bogus", "limit=0", "limit=101", "limit=abc", "cursor=-1", "cursor=abc"])("refuses %s with 400", async (q) => {
    const buyer = await signUp();
    await expectError(await call("GET", `/api/payments?${q}`, { token: buyer.token }), 400, "invalid_request");
  });
});

describe("GET /api/payments/:merchant_uid", () => {
  it("answers another user's payment with the same 404 as a missing one", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const order = await createOrder(owner);
    const theirs = await expectError(await call("GET", `/api/payments/${order.merchant_uid}`, { token: stranger.token }), 404);
    const missing = await expectError(await call("GET", `/api/payments/pay_${"0".repeat(32)}`, { token: stranger.token }), 404);
    expect(theirs).toEqual(missing);
    await expectError(await call("GET", "/api/payments/not-an-id", { token: stranger.token }), 404);
  });
});

describe("Idempotency-Key claims", () => {
  const claim = async (userId: string, key: string, body: { name: string; amount: number }, createdAt: number) => {
    const hash = await sha256Hex(JSON.stringify([body.name, body.amount]));
    await env.DB.prepare(
      "INSERT INTO idempotency_keys (user_id, scope, key, request_hash, created_at) VALUES (?, 'POST /api/payments', ?, ?, ?)",
    )
      .bind(userId, key, hash, createdAt)
      .run();
  };

  it("answers 409 while the first request with the key is still running, creating nothing", async () => {
    const buyer = await signUp();
    const body = { name: "Tea", amount: 2_000 };
    const key = `busy-${crypto.randomUUID()}`;
    await claim(buyer.user.id, key, body, Date.now());
    const res = await call("POST", "/api/payments", { token: buyer.token, body, headers: { "idempotency-key": key } });
    await expectError(res, 409, "request_in_progress");
    expect(await ordersOf(buyer.user.id)).toBe(0);
  });

  it("lets a retry take over a claim whose request died, once", async () => {
    const buyer = await signUp();
    const body = { name: "Tea", amount: 2_000 };
    const key = `dead-${crypto.randomUUID()}`;
    await claim(buyer.user.id, key, body, Date.now() - 5 * 60_000);
    const headers = { "idempotency-key": key };
    const first = await createOrder(buyer, body.amount, body.name, headers);
    expect(await createOrder(buyer, body.amount, body.name, headers)).toEqual(first);
    expect(await ordersOf(buyer.user.id)).toBe(1);
  });
});
