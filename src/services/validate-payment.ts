import { isUniqueViolation } from "../db/client";
import { applyTransition, findPaymentByImpUid, findPaymentByMerchantUid, replaceImpUid } from "../db/payments";
import type { PaymentRow } from "../db/schema";
import type { EventSource, PaymentStatus } from "../domain/payment-state";
import { decide, type Decision, type IamportFacts, type OrderFacts } from "../domain/verification";
import { IamportNotFoundError, type IamportPayment } from "../iamport";
import type { ValidationMessage } from "../queue/messages";
import type { Deps } from "./deps";
import { matchCancellations, recordCancellations, refundAtIamport, syncCancellations } from "./iamport-cancels";
import { refunds } from "../db/schema";
import { eq } from "drizzle-orm";
import { failRefund, pendingRefundsOf } from "../db/refunds";

export type ValidationOutcome =
  | { result: "applied"; merchant_uid: string; status: PaymentStatus; steps: string[] }
  | { result: "unchanged"; merchant_uid: string; status: PaymentStatus; detail: string }
  | { result: "ignored"; detail: string };

const MONEY_STATUSES = new Set(["paid", "cancelled"]);

export const factsFrom = (p: IamportPayment): IamportFacts => ({
  impUid: p.imp_uid,
  merchantUid: p.merchant_uid,
  status: p.status,
  amount: p.amount,
  cancelAmount: p.cancel_amount,
  currency: p.currency,
  payMethod: p.pay_method ?? null,
  failReason: p.fail_reason ?? null,
  paidAtMs: p.paid_at ? p.paid_at * 1000 : null,
  cancelledAtMs: p.cancelled_at ? p.cancelled_at * 1000 : null,
  sandbox: p.sandbox ?? null,
});

const orderFacts = (row: PaymentRow): OrderFacts => ({
  merchantUid: row.merchantUid,
  impUid: row.impUid,
  amount: row.amount,
  currency: row.currency,
  status: row.status,
  cancelledAmount: row.cancelledAmount,
  wasPaid: row.paidAt !== null,
});

/**
 * The one routine every hint ends in (browser report, webhook, reconciler). It trusts nothing but Iamport's own
 * record of the payment, checked against the order row we wrote, and applies the outcome with compare-and-set
 * writes, so any number of deliveries in any order give exactly one transition per step.
 * Iamport transport errors propagate (the consumer retries them); refusals propagate too (recorded, not retried).
 */
export async function validatePayment(deps: Deps, msg: ValidationMessage): Promise<ValidationOutcome> {
  let truth: IamportPayment;
  try {
    truth = msg.imp_uid ? await deps.iamport.getPayment(msg.imp_uid) : await deps.iamport.findPayment(msg.merchant_uid!);
  } catch (e) {
    if (!(e instanceof IamportNotFoundError)) throw e;
    if (msg.imp_uid && msg.merchant_uid) await forgetImpUid(deps, msg.merchant_uid, msg.imp_uid);
    return { result: "ignored", detail: "Iamport has no such payment" };
  }

  // The order is the one Iamport names, not the one the hint named.
  if (msg.merchant_uid && msg.merchant_uid !== truth.merchant_uid) {
    await forgetImpUid(deps, msg.merchant_uid, truth.imp_uid);
  }
  let order = await findPaymentByMerchantUid(deps.db, truth.merchant_uid);
  if (!order) return { result: "ignored", detail: "no order of ours has this merchant_uid" };

  const facts = factsFrom(truth);
  const steps: string[] = [];
  const source = msg.source;

  if (order.impUid !== truth.imp_uid) {
    const bound = await bindImpUid(deps, order, facts, source, steps);
    if (bound.kind === "done") return outcome(bound.order, steps, bound.detail);
    order = bound.order;
  }

  // At most a few rounds: "paid" can be followed by a cancel Iamport already holds for the same payment.
  let detail = "";
  for (let round = 0; round < 3; round++) {
    const decision = decide(orderFacts(order), facts, deps.config.APP_ENV !== "production");
    if (decision.kind === "none") {
      detail = decision.reason;
      break;
    }
    await apply(deps, order, facts, decision, source);
    steps.push(decision.kind);
    order = (await findPaymentByMerchantUid(deps.db, order.merchantUid))!;
    if (decision.kind === "refund" || decision.kind === "reject") break;
  }
  if (msg.settle_refunds_before && order.reservedAmount > 0 && (await settleStaleRefunds(deps, order, truth, msg.settle_refunds_before))) {
    steps.push("settle_refunds");
    order = (await findPaymentByMerchantUid(deps.db, order.merchantUid))!;
  }
  return outcome(order, steps, detail);
}

/**
 * Refunds left pending (Iamport never answered) for longer than any call can take are settled from
 * cancel_history: recorded if Iamport has them, failed and released if it does not. The reconciler, whose
 * clock decides what is stale, names the cutoff.
 */
async function settleStaleRefunds(deps: Deps, order: PaymentRow, truth: IamportPayment, staleBefore: number): Promise<boolean> {
  const pending = await pendingRefundsOf(deps.db, order.id);
  if (!pending.some((r) => r.updatedAt < staleBefore)) return false;
  const fresh = await deps.iamport.getPayment(truth.imp_uid);
  const rows = await deps.db.select().from(refunds).where(eq(refunds.paymentId, order.id)).all();
  const landed = new Set(matchCancellations(fresh.cancel_history, rows).flatMap((m) => (m.pending ? [m.pending.id] : [])));
  // Release what never happened before recording what did, so the books never hold both at once.
  for (const refund of pending) {
    if (refund.updatedAt < staleBefore && !landed.has(refund.id)) {
      await failRefund(deps.db, refund, "Iamport has no record of this refund", deps.now());
    }
  }
  const current = (await findPaymentByMerchantUid(deps.db, order.merchantUid))!;
  if ((await recordCancellations(deps, current, fresh, "reconciler")) === "lost_race") {
    throw new Error("payment changed while settling refunds; retrying");
  }
  return true;
}



function outcome(order: PaymentRow, steps: string[], detail: string): ValidationOutcome {
  return steps.length > 0
    ? { result: "applied", merchant_uid: order.merchantUid, status: order.status, steps }
    : { result: "unchanged", merchant_uid: order.merchantUid, status: order.status, detail };
}

type Bound = { kind: "continue"; order: PaymentRow } | { kind: "done"; order: PaymentRow; detail: string };

/**
 * The order has no imp_uid yet, or another one. Money decides: a payment Iamport holds money for replaces an
 * attempt that holds none; a second paid payment for an order that is already paid is refunded whole.
 */
async function bindImpUid(deps: Deps, order: PaymentRow, truth: IamportFacts, source: EventSource, steps: string[]): Promise<Bound> {
  const truthHoldsMoney = MONEY_STATUSES.has(truth.status);
  const orderHasMoney = order.paidAt !== null;
  if (order.impUid !== null && !truthHoldsMoney) {
    return { kind: "done", order, detail: `superseded attempt ${truth.impUid} (${truth.status})` };
  }
  if (orderHasMoney) {
    const refundable = truth.amount - truth.cancelAmount;
    if (truthHoldsMoney && refundable > 0) {
      await refundAtIamport(deps, order, truth, refundable, `duplicate payment ${truth.impUid} for an order already paid`, source);
      steps.push("refund_duplicate");
    }
    return { kind: "done", order, detail: "duplicate payment" };
  }
  const now = deps.now();
  try {
    await replaceImpUid(deps.db, { paymentId: order.id, from: order.impUid, to: truth.impUid, now });
  } catch (e) {
    if (!isUniqueViolation(e, "imp_uid")) throw e;
    // Another order claimed this imp_uid (a forged or mistaken browser report): Iamport says it is ours.
    const other = await findPaymentByImpUid(deps.db, truth.impUid);
    if (other && other.id !== order.id) await replaceImpUid(deps.db, { paymentId: other.id, from: truth.impUid, to: null, now });
    await replaceImpUid(deps.db, { paymentId: order.id, from: order.impUid, to: truth.impUid, now });
  }
  const reread = (await findPaymentByMerchantUid(deps.db, order.merchantUid))!;
  return { kind: "continue", order: reread };
}

/** Clears an imp_uid the browser recorded on an order it does not belong to, so the real one can be recorded. */
async function forgetImpUid(deps: Deps, merchantUid: string, impUid: string) {
  const row = await findPaymentByMerchantUid(deps.db, merchantUid);
  if (row && row.impUid === impUid && row.status === "ready") {
    await replaceImpUid(deps.db, { paymentId: row.id, from: impUid, to: null, now: deps.now() });
  }
}

async function apply(deps: Deps, order: PaymentRow, truth: IamportFacts, d: Exclude<Decision, { kind: "none" }>, source: EventSource) {
  const now = deps.now();
  switch (d.kind) {
    case "paid":
      await applyTransition(deps.db, {
        paymentId: order.id,
        from: order.status,
        to: "paid",
        source,
        reason: `verified with Iamport: ${truth.amount} ${truth.currency} by ${truth.payMethod ?? "unknown method"}`,
        now,
        set: { method: truth.payMethod, paidAt: truth.paidAtMs ?? now, failReason: null },
      });
      return;
    case "failed":
      await applyTransition(deps.db, {
        paymentId: order.id,
        from: order.status,
        to: "failed",
        source,
        reason: d.reason,
        now,
        set: { failReason: d.reason },
      });
      return;
    case "reject": {
      if (order.status !== "rejected") {
        await applyTransition(deps.db, {
          paymentId: order.id,
          from: order.status,
          to: "rejected",
          source,
          reason: d.reason,
          now,
          set: { failReason: d.reason, method: truth.payMethod },
        });
      }
      if (d.refund > 0) await refundAtIamport(deps, order, truth, d.refund, `rejected: ${d.reason}`, source);
      return;
    }
    case "refund":
      await refundAtIamport(deps, order, truth, d.refund, d.reason, source);
      return;
    case "sync_cancel":
      await syncCancellations(deps, order, source);
      return;
  }
}
