import { and, eq } from "drizzle-orm";
import { rawStatement, runBatch, statement } from "./batch";
import type { Db } from "./client";
import { assertPreviousChanged, clearGuard, isLostRace } from "./guard";
import type { EventSource, PaymentStatus } from "../domain/payment-state";
import { insertEventIfChanged, refuseUnlisted } from "./payments";
import { payments, refunds, type PaymentRow, type RefundRow } from "./schema";

export const refundsOf = (db: Db, paymentId: number) =>
  db.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(refunds.id).all();

export const findRefund = (db: Db, id: number) => db.select().from(refunds).where(eq(refunds.id, id)).get();

export const findRefundByKey = (db: Db, paymentId: number, key: string) =>
  db
    .select()
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), eq(refunds.idempotencyKey, key)))
    .get();

export interface Reservation {
  paymentId: number;
  amount: number;
  reason: string;
  requestedBy: string;
  idempotencyKey: string | null;
  now: number;
}

/**
 * Reserves the amount on the payment and records the pending refund, in one atomic batch. The reservation is a
 * single conditional UPDATE: the payment must hold money, have no other refund in flight, and have at least
 * `amount` left, so no interleaving of requests can ever reserve more than was paid. The pending row stores
 * the balance it was reserved against, which is the checksum sent to Iamport.
 * Returns the pending refund, or undefined when the conditions did not hold.
 */
export async function reserveRefund(db: Db, r: Reservation): Promise<RefundRow | undefined> {
  try {
    await runBatch(db, [
      rawStatement(
        db,
        `UPDATE payments SET reserved_amount = reserved_amount + ?, updated_at = ?
         WHERE id = ? AND status IN ('paid', 'partially_cancelled') AND reserved_amount = 0
           AND amount - cancelled_amount >= ?`,
        r.amount,
        r.now,
        r.paymentId,
        r.amount,
      ),
      assertPreviousChanged(db),
      rawStatement(
        db,
        `INSERT INTO refunds (payment_id, amount, reason, requested_by, source, status, checksum, idempotency_key, created_at, updated_at)
         SELECT id, ?, ?, ?, 'admin', 'pending', amount - cancelled_amount, ?, ?, ? FROM payments WHERE id = ?`,
        r.amount,
        r.reason,
        r.requestedBy,
        r.idempotencyKey,
        r.now,
        r.now,
        r.paymentId,
      ),
      clearGuard(db),
    ]);
  } catch (e) {
    if (isLostRace(e)) return undefined;
    throw e;
  }
  return db
    .select()
    .from(refunds)
    .where(and(eq(refunds.paymentId, r.paymentId), eq(refunds.status, "pending")))
    .get();
}

/**
 * Iamport refused the refund, or it is known never to have happened: the row fails and its reservation is
 * released, together, and only if the row was still pending (a sync may have settled it meanwhile).
 * The idempotency key is freed so the client may try again with it.
 */
export async function failRefund(db: Db, refund: RefundRow, reason: string, now: number): Promise<boolean> {
  try {
    await runBatch(db, [
      statement(
        db,
        db
          .update(refunds)
          .set({ status: "failed", failReason: reason.slice(0, 500), idempotencyKey: null, updatedAt: now })
          .where(and(eq(refunds.id, refund.id), eq(refunds.status, "pending"))),
      ),
      assertPreviousChanged(db),
      rawStatement(
        db,
        "UPDATE payments SET reserved_amount = reserved_amount - ?, updated_at = ? WHERE id = ?",
        refund.amount,
        now,
        refund.paymentId,
      ),
      clearGuard(db),
    ]);
    return true;
  } catch (e) {
    if (isLostRace(e)) return false;
    throw e;
  }
}

export const pendingRefundsOf = (db: Db, paymentId: number) =>
  db
    .select()
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, "pending")))
    .all();

export interface CancellationRecord {
  /** Iamport's cancellation_id (or a stand-in for old entries without one). */
  key: string;
  amount: number;
  reason: string;
  at: number;
  /** Our pending refund this cancellation settles; undefined for a cancel made outside pocketpay. */
  pendingRefund: RefundRow | undefined;
}

/**
 * Records cancellations of a payment in one atomic batch: its cancelled amount and status as a compare-and-set
 * on the state the caller read (status, cancelled and reserved amounts), the timeline event, settled pending
 * refunds and rows for outside cancels (unique per cancellation id, so never counted twice). If another writer
 * moved the payment first, the guard rolls the whole batch back.
 */
export async function applyCancellations(
  db: Db,
  a: {
    payment: PaymentRow;
    to: PaymentStatus;
    cancelledAmount: number;
    cancelledAt: number;
    source: EventSource;
    reason: string;
    now: number;
    cancellations: CancellationRecord[];
  },
): Promise<"recorded" | "lost_race"> {
  const p = a.payment;
  refuseUnlisted(p.status, a.to);
  const settled = a.cancellations.reduce((sum, c) => sum + (c.pendingRefund ? c.pendingRefund.amount : 0), 0);
  try {
    await runBatch(db, [
      statement(
        db,
        db
          .update(payments)
          .set({
            status: a.to,
            cancelledAmount: a.cancelledAmount,
            reservedAmount: p.reservedAmount - settled,
            cancelledAt: a.cancelledAt,
            updatedAt: a.now,
          })
          .where(
            and(
              eq(payments.id, p.id),
              eq(payments.status, p.status),
              eq(payments.cancelledAmount, p.cancelledAmount),
              eq(payments.reservedAmount, p.reservedAmount),
            ),
          ),
      ),
      assertPreviousChanged(db),
      insertEventIfChanged(db, { paymentId: p.id, from: p.status, to: a.to, source: a.source, reason: a.reason, now: a.now }),
      ...a.cancellations.map((c) =>
        statement(
          db,
          c.pendingRefund
            ? db
                .update(refunds)
                .set({ status: "succeeded", cancellationId: c.key, updatedAt: a.now })
                .where(and(eq(refunds.id, c.pendingRefund.id), eq(refunds.status, "pending")))
            : db
                .insert(refunds)
                .values({
                  paymentId: p.id,
                  amount: c.amount,
                  reason: c.reason,
                  requestedBy: null,
                  source: "iamport",
                  status: "succeeded",
                  cancellationId: c.key,
                  createdAt: c.at,
                  updatedAt: a.now,
                })
                .onConflictDoNothing(),
        ),
      ),
      clearGuard(db),
    ]);
    return "recorded";
  } catch (e) {
    if (isLostRace(e)) return "lost_race";
    throw e;
  }
}

/** Rows for refunds already made at Iamport (e.g. of a rejected payment); a repeat of a known one is ignored. */
export async function insertRefundRecords(db: Db, rows: Array<typeof refunds.$inferInsert>) {
  if (rows.length === 0) return;
  await runBatch(
    db,
    rows.map((row) => statement(db, db.insert(refunds).values(row).onConflictDoNothing())),
  );
}
