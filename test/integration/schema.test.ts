import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signUp } from "../helpers/http";
import { createOrder } from "../helpers/orders";

// The database itself refuses rows that break the money rules, whatever code path writes them.
const run = (sql: string, ...params: unknown[]) => env.DB.prepare(sql).bind(...params).run();

describe("constraints in D1", () => {
  it("refuses a cancelled-plus-reserved amount above the paid amount, and negative amounts", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 10_000);
    await expect(run("UPDATE payments SET cancelled_amount = 10001 WHERE merchant_uid = ?", order.merchant_uid)).rejects.toThrow(/CHECK/);
    await expect(
      run("UPDATE payments SET cancelled_amount = 6000, reserved_amount = 4001 WHERE merchant_uid = ?", order.merchant_uid),
    ).rejects.toThrow(/CHECK/);
    await expect(run("UPDATE payments SET reserved_amount = -1 WHERE merchant_uid = ?", order.merchant_uid)).rejects.toThrow(/CHECK/);
    await run("UPDATE payments SET cancelled_amount = 6000, reserved_amount = 4000 WHERE merchant_uid = ?", order.merchant_uid);
  });

  it("refuses a non-positive amount, an unknown status and a merchant_uid over 40 characters", async () => {
    const buyer = await signUp();
    const insert = (merchantUid: string, amount: number, status: string) =>
      run(
        "INSERT INTO payments (merchant_uid, user_id, name, amount, status, created_at, updated_at) VALUES (?, ?, 'x', ?, ?, 0, 0)",
        merchantUid,
        buyer.user.id,
        amount,
        status,
      );
    await expect(insert("pay_zero", 0, "ready")).rejects.toThrow(/CHECK/);
    await expect(insert("pay_status", 100, "refunded")).rejects.toThrow(/CHECK/);
    await expect(insert(`pay_${"x".repeat(37)}`, 100, "ready")).rejects.toThrow(/CHECK/);
  });

  it("keeps merchant_uid and imp_uid unique", async () => {
    const buyer = await signUp();
    const a = await createOrder(buyer, 1_000);
    const b = await createOrder(buyer, 1_000);
    await expect(run("UPDATE payments SET merchant_uid = ? WHERE merchant_uid = ?", a.merchant_uid, b.merchant_uid)).rejects.toThrow(/UNIQUE/);
    await run("UPDATE payments SET imp_uid = 'imp_555555555555' WHERE merchant_uid = ?", a.merchant_uid);
    await expect(run("UPDATE payments SET imp_uid = 'imp_555555555555' WHERE merchant_uid = ?", b.merchant_uid)).rejects.toThrow(/UNIQUE/);
  });

  it("refuses a password hash claiming more iterations than deployed Workers allow", async () => {
    const { user } = await signUp();
    await expect(run("UPDATE users SET password_iterations = 100001 WHERE id = ?", user.id)).rejects.toThrow(/CHECK/);
  });

  it("never counts one Iamport cancellation twice", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 1_000);
    const id = (await env.DB.prepare("SELECT id FROM payments WHERE merchant_uid = ?").bind(order.merchant_uid).first<{ id: number }>())!.id;
    const refund = () =>
      run(
        "INSERT INTO refunds (payment_id, amount, reason, source, status, cancellation_id, created_at, updated_at) VALUES (?, 100, 'r', 'iamport', 'succeeded', 'CANCEL0000000000001X', 0, 0)",
        id,
      );
    await refund();
    await expect(refund()).rejects.toThrow(/UNIQUE/);
  });
});

describe("the state machine at the write", () => {
  it("refuses a transition that is not in the table, changing nothing", async () => {
    const { applyTransition } = await import("../../src/db/payments");
    const { createDb } = await import("../../src/db/client");
    const buyer = await signUp();
    const order = await createOrder(buyer, 1_000);
    const row = (await env.DB.prepare("SELECT id FROM payments WHERE merchant_uid = ?").bind(order.merchant_uid).first<{ id: number }>())!;
    const attempt = (from: "ready" | "cancelled", to: "partially_cancelled" | "paid") =>
      applyTransition(createDb(env.DB), { paymentId: row.id, from, to, source: "system", reason: "test", now: Date.now() });
    // A typed 409 (invalid_state), so a request that reaches one answers 409, never 500.
    await expect(attempt("ready", "partially_cancelled")).rejects.toMatchObject({ status: 409, code: "invalid_state" });
    await expect(attempt("cancelled", "paid")).rejects.toMatchObject({ status: 409, code: "invalid_state", details: { from: "cancelled", to: "paid" } });
    const after = await env.DB.prepare("SELECT status, (SELECT count(*) FROM payment_events WHERE payment_id = ?) AS events FROM payments WHERE id = ?")
      .bind(row.id, row.id)
      .first<{ status: string; events: number }>();
    expect(after).toEqual({ status: "ready", events: 0 });
  });
});
