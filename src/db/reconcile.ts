import { and, asc, eq, gt, inArray, isNotNull, lt, lte, sql } from "drizzle-orm";
import { chunksForStatement } from "./chunk";
import type { Db } from "./client";
import { payments, refunds } from "./schema";

// The reconciler's reads and bookkeeping writes. Each read is bounded (`limit`) and each write that binds a list
// is chunked under D1's parameter limit.

/**
 * Orders still `ready` past the grace period, unpaid for less than `pollForMs`, each polled at most every
 * max(grace, age / 4) so abandoned orders cost little; the longest-waiting first.
 */
export function stuckOrders(db: Db, a: { now: number; graceMs: number; pollForMs: number; limit: number }) {
  const lastTouched = sql`coalesce(${payments.validationQueuedAt}, ${payments.createdAt})`;
  return db
    .select({ id: payments.id, merchantUid: payments.merchantUid, impUid: payments.impUid })
    .from(payments)
    .where(
      and(
        eq(payments.status, "ready"),
        gt(payments.createdAt, a.now - a.pollForMs),
        sql`${lastTouched} < ${a.now} - max(${a.graceMs}, (${a.now} - ${payments.createdAt}) / 4)`,
      ),
    )
    .orderBy(asc(lastTouched))
    .limit(a.limit)
    .all();
}

/** Records that these orders were sent for validation now (one statement per chunk of ids). */
export async function markValidationQueued(db: Db, ids: number[], now: number) {
  for (const chunk of chunksForStatement(ids, 1)) {
    await db.update(payments).set({ validationQueuedAt: now }).where(inArray(payments.id, chunk)).run();
  }
}

/** Payments with a refund whose outcome is still unknown after `before`. */
export const paymentsWithStaleRefunds = (db: Db, before: number, limit: number) =>
  db
    .selectDistinct({ merchantUid: payments.merchantUid, impUid: payments.impUid })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(and(eq(refunds.status, "pending"), lt(refunds.updatedAt, before), isNotNull(payments.impUid)))
    .limit(limit)
    .all();

/** Payments whose scheduled re-check against Iamport is due (by the partial index on next_recheck_at). */
export const dueRechecks = (db: Db, now: number, limit: number) =>
  db
    .select({
      id: payments.id,
      merchantUid: payments.merchantUid,
      impUid: payments.impUid,
      status: payments.status,
      amount: payments.amount,
      cancelledAmount: payments.cancelledAmount,
      paidAt: payments.paidAt,
    })
    .from(payments)
    .where(and(isNotNull(payments.nextRecheckAt), lte(payments.nextRecheckAt, now)))
    .orderBy(asc(payments.nextRecheckAt))
    .limit(limit)
    .all();

/** Moves each payment to its next re-check (null: never again), in one round trip. */
export async function scheduleRechecks(db: Db, next: Array<{ id: number; at: number | null }>) {
  if (next.length === 0) return;
  const [first, ...rest] = next.map((n) => db.update(payments).set({ nextRecheckAt: n.at }).where(eq(payments.id, n.id)));
  await db.batch([first!, ...rest]);
}
