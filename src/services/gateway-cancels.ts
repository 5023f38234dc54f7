import { recordOwedRefund, resolveOwedRefund } from "../db/owed-refunds";
import { applyCancellations, insertRefundRecords, refundsOf } from "../db/refunds";
import type { PaymentRow, RefundRow } from "../db/schema";
import type { EventSource, PaymentStatus } from "../domain/payment-state";
import { firstOwedRefundCheckAt } from "../domain/recheck";
import type { GatewayFacts } from "../domain/verification";
import type { GatewayCancel, GatewayPayment } from "../gateway/types";
import type { Deps } from "./deps";

// The gateway's list of a payment's cancellations is the record of what was refunded. These routines bring our
// refunds table and the payment's cancelled amount in line with it, whoever made the cancel (pocketpay, the
// console, a retry whose first answer was lost), without ever counting one cancellation twice. Each cancellation
// is known by its stable id at the gateway (GatewayCancel.id), which the refunds table stores as cancellation_id.

export interface CancelMatch {
  entry: GatewayCancel;
  /** Our pending refund this entry settles, if any; otherwise the cancel was made outside pocketpay. */
  pending: RefundRow | undefined;
}

/** Pairs each cancellation we have not recorded with a pending refund of ours of the same amount, oldest first. */
export function matchCancellations(history: readonly GatewayCancel[], rows: RefundRow[]): CancelMatch[] {
  const known = new Set(rows.map((r) => r.cancellationId).filter((x) => x !== null));
  const pending = rows.filter((r) => r.status === "pending");
  const used = new Set<number>();
  return [...history]
    .sort((a, b) => a.cancelledAtMs - b.cancelledAtMs)
    .filter((c) => !known.has(c.id))
    .map((entry) => {
      const match = pending.find((p) => !used.has(p.id) && p.amount === entry.amount);
      if (match) used.add(match.id);
      return { entry, pending: match };
    });
}

/**
 * Records the gateway's cancellations of a payment the order holds (paid / partially cancelled) in one atomic batch:
 * new refunds rows, settled reservations, the cancelled amount and status, and the timeline event. A concurrent
 * writer makes the compare-and-set fail and the whole batch roll back; the caller's retry re-reads and converges.
 */
export async function recordCancellations(
  deps: Deps,
  order: PaymentRow,
  truth: GatewayPayment,
  source: EventSource,
): Promise<"recorded" | "nothing_new" | "lost_race"> {
  const rows = await refundsOf(deps.db, order.id);
  const matches = matchCancellations(truth.cancels, rows);
  if (matches.length === 0 && truth.cancelledAmount === order.cancelledAmount) return "nothing_new";

  const now = deps.now();
  const cancelled = Math.min(truth.cancelledAmount, order.amount);
  const to: PaymentStatus = cancelled >= order.amount ? "cancelled" : cancelled > 0 ? "partially_cancelled" : order.status;
  const outside = matches.filter((m) => !m.pending).reduce((sum, m) => sum + m.entry.amount, 0);
  const reason =
    matches.length === 0
      ? `cancelled amount now ${cancelled}`
      : matches
          // Stored reasons are read back by src/i18n/reasons.ts: the wording stays as it was.
          .map((m) => `${m.pending ? "refund" : "cancelled at Iamport"} ${m.entry.amount} (${m.entry.id})`)
          .join(", ");

  const result = await applyCancellations(deps.db, {
    payment: order,
    to,
    cancelledAmount: cancelled,
    cancelledAt: truth.cancelledAtMs ?? now,
    source,
    reason,
    now,
    cancellations: matches.map((m) => ({
      key: m.entry.id,
      amount: m.entry.amount,
      reason: m.entry.reason ?? "cancelled at Iamport",
      at: m.entry.cancelledAtMs,
      pendingRefund: m.pending,
    })),
  });
  if (result === "lost_race") return result;
  if (outside > 0) {
    console.log(JSON.stringify({ level: "info", event: "outside_cancel_recorded", merchant_uid: order.merchantUid, amount: outside }));
  }
  return "recorded";
}

/** validatePayment's entry: records the cancellations in the gateway's record it just read (no second lookup). */
export async function syncCancellations(deps: Deps, order: PaymentRow, truth: GatewayPayment, source: EventSource) {
  const result = await recordCancellations(deps, order, truth, source);
  // Losing the race means someone else recorded a newer state; the queue's retry re-validates from scratch.
  if (result === "lost_race") throw new Error("payment changed while recording cancellations; retrying");
}

/**
 * Refunds money the gateway holds that the order must not keep (a rejected payment, a duplicate, a payment made
 * after the order was cancelled). The remaining balance sent is the gateway's own, so a repeat of this call after
 * a success is refused by the gateway instead of refunding twice.
 */
export async function refundAtGateway(
  deps: Deps,
  order: PaymentRow,
  truth: GatewayFacts,
  amount: number,
  reason: string,
  source: EventSource,
) {
  // Written first: whatever becomes of the cancel (refused for good, never answered), the reconciler keeps asking
  // the gateway until it holds nothing more of this payment.
  const owedAt = deps.now();
  await recordOwedRefund(deps.db, {
    impUid: truth.gatewayId,
    paymentId: order.id,
    amount,
    reason: reason.slice(0, 250),
    now: owedAt,
    firstCheckAt: firstOwedRefundCheckAt(owedAt),
  });
  const after = await deps.gateway.cancel({
    gatewayId: truth.gatewayId,
    merchantUid: truth.merchantUid,
    amount,
    remainingBalance: truth.amount - truth.cancelledAmount,
    reason: reason.slice(0, 250),
  });
  const now = deps.now();
  const known = new Set((await refundsOf(deps.db, order.id)).map((r) => r.cancellationId));
  await insertRefundRecords(
    deps.db,
    after.cancels
      .filter((c) => !known.has(c.id))
      .map((c) => ({
        paymentId: order.id,
        amount: c.amount,
        reason,
        requestedBy: null,
        source,
        status: "succeeded" as const,
        cancellationId: c.id,
        createdAt: now,
        updatedAt: now,
      })),
  );
  if (after.amount - after.cancelledAmount <= 0) await resolveOwedRefund(deps.db, truth.gatewayId, now);
}
