import { recordOwedRefund, resolveOwedRefund } from "../db/owed-refunds";
import { applyCancellations, insertRefundRecords, refundsOf } from "../db/refunds";
import type { PaymentRow, RefundRow } from "../db/schema";
import type { EventSource, PaymentStatus } from "../domain/payment-state";
import { firstOwedRefundCheckAt } from "../domain/recheck";
import type { IamportFacts } from "../domain/verification";
import type { IamportPayment, IamportPaymentCancel } from "../iamport";
import type { Deps } from "./deps";

// Iamport's cancel_history is the record of what was refunded. These routines bring our refunds table and the
// payment's cancelled amount in line with it, whoever made the cancel (pocketpay, the console, a retry whose
// first answer was lost), without ever counting one cancellation twice.

/** Cancellations made before Iamport gave them ids get a stable stand-in built from what identifies them. */
export const cancellationKey = (c: IamportPaymentCancel) =>
  c.cancellation_id ?? `legacy:${c.cancelled_at}:${c.amount}:${c.pg_tid ?? ""}`;

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
  const rows = await refundsOf(deps.db, order.id);
  const matches = matchCancellations(truth.cancel_history, rows);
  if (matches.length === 0 && truth.cancel_amount === order.cancelledAmount) return "nothing_new";

  const now = deps.now();
  const cancelled = Math.min(truth.cancel_amount, order.amount);
  const to: PaymentStatus = cancelled >= order.amount ? "cancelled" : cancelled > 0 ? "partially_cancelled" : order.status;
  const outside = matches.filter((m) => !m.pending).reduce((sum, m) => sum + m.entry.amount, 0);
  const reason =
    matches.length === 0
      ? `cancelled amount now ${cancelled}`
      : matches
          .map((m) => `${m.pending ? "refund" : "cancelled at Iamport"} ${m.entry.amount} (${cancellationKey(m.entry)})`)
          .join(", ");

  const result = await applyCancellations(deps.db, {
    payment: order,
    to,
    cancelledAmount: cancelled,
    cancelledAt: truth.cancelled_at ? truth.cancelled_at * 1000 : now,
    source,
    reason,
    now,
    cancellations: matches.map((m) => ({
      key: cancellationKey(m.entry),
      amount: m.entry.amount,
      reason: m.entry.reason ?? "cancelled at Iamport",
      at: m.entry.cancelled_at * 1000,
      pendingRefund: m.pending,
    })),
  });
  if (result === "lost_race") return result;
  if (outside > 0) {
    console.log(JSON.stringify({ level: "info", event: "outside_cancel_recorded", merchant_uid: order.merchantUid, amount: outside }));
  }
  return "recorded";
}

/** validatePayment's entry: records the cancellations in the Iamport record it just read (no second lookup). */
export async function syncCancellations(deps: Deps, order: PaymentRow, truth: IamportPayment, source: EventSource) {
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
  // Written first: whatever becomes of the cancel (refused for good, never answered), the reconciler keeps asking
  // Iamport until it holds nothing more of this payment.
  const owedAt = deps.now();
  await recordOwedRefund(deps.db, {
    impUid: truth.impUid,
    paymentId: order.id,
    amount,
    reason: reason.slice(0, 250),
    now: owedAt,
    firstCheckAt: firstOwedRefundCheckAt(owedAt),
  });
  const after = await deps.iamport.cancelPayment({
    imp_uid: truth.impUid,
    amount,
    checksum: truth.amount - truth.cancelAmount,
    reason: reason.slice(0, 250),
  });
  const now = deps.now();
  const known = new Set((await refundsOf(deps.db, order.id)).map((r) => r.cancellationId));
  await insertRefundRecords(
    deps.db,
    after.cancel_history
      .filter((c) => !known.has(cancellationKey(c)))
      .map((c) => ({
        paymentId: order.id,
        amount: c.amount,
        reason,
        requestedBy: null,
        source,
        status: "succeeded" as const,
        cancellationId: cancellationKey(c),
        createdAt: now,
        updatedAt: now,
      })),
  );
  if (after.amount - after.cancel_amount <= 0) await resolveOwedRefund(deps.db, truth.impUid, now);
}
