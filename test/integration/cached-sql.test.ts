import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cachedSql } from "../../src/db/cached-sql";
import { createDb } from "../../src/db/client";
import { findPaymentByMerchantUid } from "../../src/db/payments";
import { payments } from "../../src/db/schema";
import { signUp } from "../helpers/http";
import { createOrder } from "../helpers/orders";

// The hot statements' SQL text is built once per isolate (src/db/cached-sql.ts); each use must still carry only
// its own values.

describe("statements whose SQL is built once (cachedSql)", () => {
  const db = createDb(env.DB);
  const byUid = (merchantUid: string) =>
    cachedSql(`test.byUid`, db.select({ id: payments.id }).from(payments).where(eq(payments.merchantUid, sql.placeholder("uid"))), { uid: merchantUid });

  it("binds each use's own values to the one text", () => {
    const a = byUid("pay_a").toSQL();
    const b = byUid("pay_b").toSQL();
    expect(b.sql).toBe(a.sql);
    expect(a.params).toEqual(["pay_a"]);
    expect(b.params).toEqual(["pay_b"]);
  });

  it("refuses a query with a value built into it, which every later use would send", () => {
    const literal = db.select({ id: payments.id }).from(payments).where(eq(payments.merchantUid, "pay_someone_elses"));
    expect(() => cachedSql(`test.literal`, literal, {})).toThrow(/placeholder/);
  });

  it("reads each payment its own row, one after the other and batched", async () => {
    const buyer = await signUp();
    const first = await createOrder(buyer, 1_100);
    const second = await createOrder(buyer, 2_200);
    expect((await findPaymentByMerchantUid(db, first.merchant_uid))?.amount).toBe(1_100);
    expect((await findPaymentByMerchantUid(db, second.merchant_uid))?.amount).toBe(2_200);
    const [a, b] = await db.batch([byUid(first.merchant_uid), byUid(second.merchant_uid)]);
    expect(a[0]!.id).not.toBe(b[0]!.id);
  });
});
