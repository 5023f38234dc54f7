import { and, asc, eq, getTableColumns, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "./client";
import { owedRefunds, payments } from "./schema";

/**
 * Records that we owe the buyer what Iamport holds of `impUid`, before the cancel is sent. A second decision about
 * the same payment (a retry, another hint) keeps the first row: its age drives the re-check schedule.
 */
export const recordOwedRefund = (
  db: Db,
  row: { impUid: string; paymentId: number; amount: number; reason: string; now: number; firstCheckAt: number },
) =>
  db
    .insert(owedRefunds)
    .values({
      impUid: row.impUid,
      paymentId: row.paymentId,
      amount: row.amount,
      reason: row.reason,
      createdAt: row.now,
      nextCheckAt: row.firstCheckAt,
    })
    .onConflictDoUpdate({
      target: owedRefunds.impUid,
      // Owed again after it was settled (a console un-cancel cannot happen, but a partial refund can leave more):
      // reopen it without moving its age.
      set: { resolvedAt: null },
      setWhere: sql`${owedRefunds.resolvedAt} IS NOT NULL`,
    })
    .run();

/** Iamport holds nothing more of this payment: the debt is paid. */
export const resolveOwedRefund = (db: Db, impUid: string, now: number) =>
  db
    .update(owedRefunds)
    .set({ resolvedAt: now })
    .where(and(eq(owedRefunds.impUid, impUid), isNull(owedRefunds.resolvedAt)))
    .run();

/**
 * Open debts whose next comparison with Iamport is due (by the partial index on next_check_at), with their order's
 * merchant_uid (a gateway may look payments up by it).
 */
export const dueOwedRefunds = (db: Db, now: number, limit: number) =>
  db
    .select({ ...getTableColumns(owedRefunds), merchantUid: payments.merchantUid })
    .from(owedRefunds)
    .innerJoin(payments, eq(payments.id, owedRefunds.paymentId))
    .where(and(isNull(owedRefunds.resolvedAt), lte(owedRefunds.nextCheckAt, now)))
    .orderBy(asc(owedRefunds.nextCheckAt))
    .limit(limit)
    .all();

/** Writes each row's outcome of one sweep (resolved, or its next check), in one round trip. */
export async function updateOwedRefunds(
  db: Db,
  rows: Array<{ impUid: string; resolvedAt: number | null; nextCheckAt: number }>,
) {
  if (rows.length === 0) return;
  const [first, ...rest] = rows.map((r) =>
    db
      .update(owedRefunds)
      .set({ resolvedAt: r.resolvedAt, nextCheckAt: r.nextCheckAt, checks: sql`${owedRefunds.checks} + 1` })
      .where(and(eq(owedRefunds.impUid, r.impUid), isNull(owedRefunds.resolvedAt))),
  );
  await db.batch([first!, ...rest]);
}
