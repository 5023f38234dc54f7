import { and, eq } from "drizzle-orm";
import { rawStatement, runBatch, statement } from "../db/batch";
import { assertPreviousChanged, clearGuard, isLostRace } from "../db/guard";
import { payments, refunds, type PaymentRow, type RefundRow } from "../db/schema";
import type { EventSource, PaymentStatus } from "../domain/payment-state";
import type { IamportFacts } from "../domain/verification";
import type { IamportPayment, IamportPaymentCancel } from "../iamport";
import type { Deps } from "./deps";

// Iamport's cancel_history is the record of what was refunded. These routines bring our refunds table and the
// payment's cancelled amount in line with it, whoever made the cancel (pocketpay, the console, a retry whose
// first answer was lost), without ever counting one cancellation twice.

/** Cancellations made before Iamport gave them ids get a stable stand-in built from what identifies them. */
export const cancellationKey = (c: IamportPaymentCancel) =>
  c.cancellation_id ?? `legacy:${c.cancelled_at}:${c.amount}:${c.pg_tid ?? ""}`;

const refundsOf = (deps: Deps, paymentId: number) =>
  deps.db.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(refunds.id).all();

export interface CancelMatch {
  entry: IamportPaymentCancel;
  /** Our pending refund this entry settles, if any; otherwise the cancel was made outside pocketpay. */
  pending: RefundRow | undefined;
}

/** Pairs each cancellation we have not recorded with a pending refund of ours of the same amount, oldest first. */
export function matchCancellations(history: IamportPaymentCancel[], rows: RefundRow[]): CancelMatch[] {
  const known = new Set(rows.map((r) => r.cancellationId).filter((x) => x !== null));
  const pending = rows.filter((r) => r.status === "pending");
  const used = new Set<number>();
  return [...history]
    .sort((a, b) => a.cancelled_at - b.cancelled_at)
    .filter((c) => !known.has(cancellationKey(c)))
    .map((entry) => {
      const match = pending.find((p) => !used.has(p.id) && p.amount === entry.amount);
      if (match) used.add(match.id);
      return { entry, pending: match };
    });
}

/**
 * Records Iamport's cancellations of a payment the order holds (paid / partially cancelled) in one atomic batch:
 * new refunds rows, settled reservations, the cancelled amount and status, and the timeline event. A concurrent
 * writer makes the compare-and-set fail and the whole batch roll back; the caller's retry re-reads and converges.
 */
export async function recordCancellations(
  deps: Deps,
  order: PaymentRow,
  truth: IamportPayment,
  source: EventSource,
): Promise<"recorded" | "nothing_new" | "lost_race"> {
  const rows = await refundsOf(deps, order.id);
  const matches = matchCancellations(truth.cancel_history, rows);
  if (matches.length === 0 && truth.cancel_amount === order.cancelledAmount) return "nothing_new";

  const now = deps.now();
  const settled = matches.reduce((sum, m) => sum + (m.pending ? m.pending.amount : 0), 0);
  const cancelled = Math.min(truth.cancel_amount, order.amount);
  const to: PaymentStatus = cancelled >= order.amount ? "cancelled" : cancelled > 0 ? "partially_cancelled" : order.status;
  const outside = matches.filter((m) => !m.pending).reduce((sum, m) => sum + m.entry.amount, 0);
  const reason =
    matches.length === 0
      ? `cancelled amount now ${cancelled}`
      : matches
          .map((m) => `${m.pending ? "refund" : "cancelled at Iamport"} ${m.entry.amount} (${cancellationKey(m.entry)})`)
          .join(", ");

  const statements = [
    statement(
      deps.db,
      deps.db
        .update(payments)
        .set({
          status: to,
          cancelledAmount: cancelled,
          reservedAmount: order.reservedAmount - settled,
          cancelledAt: truth.cancelled_at ? truth.cancelled_at * 1000 : now,
          updatedAt: now,
        })
        .where(
          and(
            eq(payments.id, order.id),
            eq(payments.status, order.status),
            eq(payments.cancelledAmount, order.cancelledAmount),
            eq(payments.reservedAmount, order.reservedAmount),
          ),
        ),
    ),
    assertPreviousChanged(deps.db),
    rawStatement(
      deps.db,
      "INSERT INTO payment_events (payment_id, from_status, to_status, source, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      order.id,
      order.status,
      to,
      source,
      reason,
      now,
    ),
    ...matches.map((m) =>
      statement(
        deps.db,
        m.pending
          ? deps.db
              .update(refunds)
              .set({ status: "succeeded", cancellationId: cancellationKey(m.entry), updatedAt: now })
              .where(and(eq(refunds.id, m.pending.id), eq(refunds.status, "pending")))
          : deps.db
              .insert(refunds)
              .values({
                paymentId: order.id,
                amount: m.entry.amount,
                reason: m.entry.reason ?? "cancelled at Iamport",
                requestedBy: null,
                source: "iamport",
                status: "succeeded",
                cancellationId: cancellationKey(m.entry),
                createdAt: m.entry.cancelled_at * 1000,
                updatedAt: now,
              })
              .onConflictDoNothing(),
      ),
    ),
    clearGuard(deps.db),
  ];
  try {
    await runBatch(deps.db, statements);
  } catch (e) {
    if (isLostRace(e)) return "lost_race";
    throw e;
  }
  if (outside > 0) {
    console.log(JSON.stringify({ level: "info", event: "outside_cancel_recorded", merchant_uid: order.merchantUid, amount: outside }));
  }
  return "recorded";
}

/** validatePayment's entry: re-read Iamport's full record (the facts carry no history) and record it. */
export async function syncCancellations(deps: Deps, order: PaymentRow, source: EventSource) {
  const truth = await deps.iamport.getPayment(order.impUid!);
  const result = await recordCancellations(deps, order, truth, source);
  // Losing the race means someone else recorded a newer state; the queue's retry re-validates from scratch.
  if (result === "lost_race") throw new Error("payment changed while recording cancellations; retrying");
}

/**
 * Refunds money Iamport holds that the order must not keep (a rejected payment, a duplicate, a payment made
 * after the order was cancelled). The checksum is Iamport's own balance, so a repeat of this call after a
 * success is refused by Iamport instead of refunding twice.
 */
export async function refundAtIamport(
  deps: Deps,
  order: PaymentRow,
  truth: IamportFacts,
  amount: number,
  reason: string,
  source: EventSource,
) {
  const after = await deps.iamport.cancelPayment({
    imp_uid: truth.impUid,
    amount,
    checksum: truth.amount - truth.cancelAmount,
    reason: reason.slice(0, 250),
  });
  const now = deps.now();
  const known = new Set((await refundsOf(deps, order.id)).map((r) => r.cancellationId));
  const fresh = after.cancel_history.filter((c) => !known.has(cancellationKey(c)));
  if (fresh.length === 0) return;
  await runBatch(
    deps.db,
    fresh.map((c) =>
      statement(
        deps.db,
        deps.db
          .insert(refunds)
          .values({
            paymentId: order.id,
            amount: c.amount,
            reason,
            requestedBy: null,
            source,
            status: "succeeded",
            cancellationId: cancellationKey(c),
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing(),
      ),
    ),
  );
}
