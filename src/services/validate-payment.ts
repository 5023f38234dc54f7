import { isUniqueViolation } from "../db/client";
import { startValidation } from "../db/validation-hints";
import { transitionWatched, findHintedOrders, findPaymentByImpUid, findPaymentByMerchantUid, replaceImpUid } from "../db/payments";
import type { PaymentRow } from "../db/schema";
import type { EventSource, PaymentStatus } from "../domain/payment-state";
import { nextRecheckAt } from "../domain/recheck";
import { decide, type Decision, type GatewayFacts, type OrderFacts } from "../domain/verification";
import { GatewayNotFoundError } from "../gateway/errors";
import type { GatewayPayment } from "../gateway/types";
import type { ValidationMessage } from "../domain/messages";
import type { Deps } from "./deps";
import { matchCancellations, recordCancellations, refundAtGateway, syncCancellations } from "./gateway-cancels";
import { failRefund, pendingRefundsOf, refundsOf } from "../db/refunds";
import { announceStatus } from "./status-watch";
import { settleAttempt } from "./settle-attempt";

export type ValidationOutcome = Settled & {
  /** Webhook deliveries whose hints rode on this validation (src/db/validation-hints.ts); the caller marks them. */
  riders: number[];
};

type Settled =
  /** `payment` is the row as the change left it (announced to waiters; not for logs). */
  | { result: "applied"; merchant_uid: string; status: PaymentStatus; steps: string[]; payment: PaymentRow }
  | { result: "unchanged"; merchant_uid: string; status: PaymentStatus; detail: string }
  | { result: "ignored"; detail: string };

const MONEY_STATUSES = new Set(["paid", "cancelled"]);

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
 * Whether a hint can only repeat what this order already records: then asking Iamport again changes nothing,
 * so the browser's report and the webhook for the same payment cost one Iamport lookup between them. A hint
 * that could mean news (a cancel, a late approval, the reconciler's sweep) is always looked up.
 */
function alreadySettled(order: PaymentRow, msg: ValidationMessage): boolean {
  if (msg.source === "reconciler" || msg.settle_refunds_before || !msg.imp_uid || order.impUid !== msg.imp_uid) return false;
  // A cancel is news however settled the order looks: a second partial cancel, or one our books have not seen.
  if (msg.cancellation_id !== undefined || msg.hint_status === "cancelled") return false;
  // Only outcomes this order fully recorded count: a rejected order may still owe its refund (a retry of a
  // failed cancel must reach Iamport), and an order cancelled unpaid must never keep a late payment.
  const recordedPaid = order.paidAt !== null;
  switch (msg.hint_status) {
    case "paid":
      return recordedPaid;
    case "failed":
      return order.status === "failed";
    case undefined:
      // The browser's report carries no status: it only asks for a first look.
      return msg.source === "browser" && (recordedPaid || order.status === "failed");
    default:
      return false;
  }
}

/**
 * The one routine every hint ends in (browser report, webhook, reconciler). It trusts nothing but Iamport's own
 * record of the payment, checked against the order row we wrote, and applies the outcome with compare-and-set
 * writes, so any number of deliveries in any order give exactly one transition per step.
 * Iamport errors propagate: the consumer retries transport failures and temporary refusals, and records final
 * refusals without retrying them. A change is announced to whoever waits for it (GET ?wait, complete?wait) once
 * it is committed.
 */
export async function validatePayment(deps: Deps, msg: ValidationMessage, known?: GatewayPayment): Promise<ValidationOutcome> {
  // A run that will ask the gateway (no `known` answer, which may predate a hint) starts by taking over the hints
  // waiting for this imp_uid: they queued no message of their own, and this run's lookup comes after them.
  const { byMerchantUid: hinted, byImpUid: holder, riders } =
    msg.merchant_uid && msg.imp_uid && !known
      ? await startValidation(deps.db, msg.merchant_uid, msg.imp_uid, msg.inbox_id)
      : msg.merchant_uid
        ? { ...(await findHintedOrders(deps.db, msg.merchant_uid, msg.imp_uid)), riders: [] }
        : { byMerchantUid: undefined, byImpUid: undefined, riders: [] };
  const done = await settle(deps, msg, { hinted, holder, hasRiders: riders.length > 0 }, known);
  if (done.result === "applied") await announceStatus(deps, done.payment);
  return { ...done, riders };
}

async function settle(
  deps: Deps,
  msg: ValidationMessage,
  { hinted, holder, hasRiders }: { hinted?: PaymentRow; holder?: PaymentRow; hasRiders: boolean },
  known?: GatewayPayment,
): Promise<Settled> {
  // Made-up or foreign hints cost no Iamport call: every order of ours is in the table before its checkout exists,
  // and an imp_uid Iamport already confirmed for another order cannot be this one's.
  if (msg.merchant_uid && !hinted) return { result: "ignored", detail: "no order of ours has this merchant_uid" };
  // Webhooks that rode on this run may carry news (a cancel, a late approval): then it always asks Iamport.
  if (hinted && !hasRiders && alreadySettled(hinted, msg)) {
    return outcome(hinted, [], `already ${hinted.status}`);
  }
  if (hinted && holder && holder.id !== hinted.id && impUidVerified(holder) && msg.source !== "reconciler") {
    return { result: "ignored", detail: `Iamport already said ${msg.imp_uid} belongs to another order` };
  }

  let truth: GatewayPayment;
  try {
    // `known`: the gateway's own answer to our authenticated call (a renewal's billing-key charge), as good as a
    // lookup; hints from browsers and webhooks never carry one.
    truth =
      known && known.gatewayId === msg.imp_uid
        ? known
        : msg.imp_uid
          ? await deps.gateway.getPayment({ gatewayId: msg.imp_uid, ...(msg.merchant_uid ? { merchantUid: msg.merchant_uid } : {}) })
          : await deps.gateway.getPayment({ merchantUid: msg.merchant_uid! });
  } catch (e) {
    if (!(e instanceof GatewayNotFoundError)) throw e;
    if (hinted && msg.imp_uid) await forgetImpUid(deps, hinted, msg.imp_uid);
    return { result: "ignored", detail: "Iamport has no such payment" };
  }

  // The order is the one Iamport names, not the one the hint named.
  let order = hinted;
  if (!hinted || hinted.merchantUid !== truth.merchantUid) {
    if (hinted) await forgetImpUid(deps, hinted, truth.gatewayId);
    order = await findPaymentByMerchantUid(deps.db, truth.merchantUid);
  }
  if (!order) return { result: "ignored", detail: "no order of ours has this merchant_uid" };

  const facts: GatewayFacts = truth;
  const steps: string[] = [];
  const source = msg.source;

  // An order without an imp_uid gets it in the same compare-and-set as its transition; anything else first.
  let bindWithTransition = order.impUid === null && order.paidAt === null;
  if (order.impUid !== truth.gatewayId && !bindWithTransition) {
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
    let next: PaymentRow | undefined;
    try {
      next = await apply(deps, order, facts, truth, decision, source, bindWithTransition);
    } catch (e) {
      if (!bindWithTransition || !isUniqueViolation(e, "imp_uid")) throw e;
      // Another order holds this imp_uid (a mistaken or forged browser report): Iamport says it is this one's.
      const bound = await bindImpUid(deps, order, facts, source, steps);
      if (bound.kind === "done") return outcome(bound.order, steps, bound.detail);
      order = bound.order;
      bindWithTransition = false;
      continue;
    }
    steps.push(decision.kind);
    bindWithTransition = false;
    // A won compare-and-set tells us the new row; only a lost one (someone else moved it) needs a read.
    order = next ?? (await findPaymentByMerchantUid(deps.db, order.merchantUid))!;
    if (decision.kind === "refund" || decision.kind === "reject") break;
  }
  if (msg.settle_refunds_before && order.reservedAmount > 0 && (await settleStaleRefunds(deps, order, truth, msg.settle_refunds_before))) {
    steps.push("settle_refunds");
    order = (await findPaymentByMerchantUid(deps.db, order.merchantUid))!;
  }
  // A subscription's charge attempt: whichever hint validated it (the consumer's answer, the webhook, the
  // reconciler) also settles its invoice and subscription, once (a compare-and-set on the settled attempt).
  if (order.invoiceId !== null) await settleAttempt(deps, order, source === "webhook" ? "webhook" : "system", facts);
  return outcome(order, steps, detail);
}

/**
 * Refunds left pending (Iamport never answered) for longer than any call can take are settled from
 * cancel_history: recorded if Iamport has them, failed and released if it does not. The reconciler, whose
 * clock decides what is stale, names the cutoff.
 */
async function settleStaleRefunds(deps: Deps, order: PaymentRow, truth: GatewayPayment, staleBefore: number): Promise<boolean> {
  const pending = await pendingRefundsOf(deps.db, order.id);
  if (!pending.some((r) => r.updatedAt < staleBefore)) return false;
  const fresh = await deps.gateway.getPayment({ gatewayId: truth.gatewayId, merchantUid: truth.merchantUid });
  const rows = await refundsOf(deps.db, order.id);
  const landed = new Set(matchCancellations(fresh.cancels, rows).flatMap((m) => (m.pending ? [m.pending.id] : [])));
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



function outcome(order: PaymentRow, steps: string[], detail: string): Settled {
  return steps.length > 0
    ? { result: "applied", merchant_uid: order.merchantUid, status: order.status, steps, payment: order }
    : { result: "unchanged", merchant_uid: order.merchantUid, status: order.status, detail };
}

type Bound = { kind: "continue"; order: PaymentRow } | { kind: "done"; order: PaymentRow; detail: string };

/**
 * The order has no imp_uid yet, or another one. Money decides: a payment Iamport holds money for replaces an
 * attempt that holds none; a second paid payment for an order that is already paid is refunded whole.
 */
async function bindImpUid(deps: Deps, order: PaymentRow, truth: GatewayFacts, source: EventSource, steps: string[]): Promise<Bound> {
  const truthHoldsMoney = MONEY_STATUSES.has(truth.status);
  const orderHasMoney = order.paidAt !== null;
  if (order.impUid !== null && !truthHoldsMoney) {
    return { kind: "done", order, detail: `superseded attempt ${truth.gatewayId} (${truth.status})` };
  }
  if (orderHasMoney) {
    const refundable = truth.amount - truth.cancelledAmount;
    if (truthHoldsMoney && refundable > 0) {
      await refundAtGateway(deps, order, truth, refundable, `duplicate payment ${truth.gatewayId} for an order already paid`, source);
      steps.push("refund_duplicate");
    }
    return { kind: "done", order, detail: "duplicate payment" };
  }
  const now = deps.now();
  try {
    await replaceImpUid(deps.db, { paymentId: order.id, from: order.impUid, to: truth.gatewayId, now });
  } catch (e) {
    if (!isUniqueViolation(e, "imp_uid")) throw e;
    // Another order claimed this imp_uid (a forged or mistaken browser report): the gateway says it is ours.
    const other = await findPaymentByImpUid(deps.db, truth.gatewayId);
    if (other && other.id !== order.id) await replaceImpUid(deps.db, { paymentId: other.id, from: truth.gatewayId, to: null, now });
    await replaceImpUid(deps.db, { paymentId: order.id, from: order.impUid, to: truth.gatewayId, now });
  }
  const reread = (await findPaymentByMerchantUid(deps.db, order.merchantUid))!;
  return { kind: "continue", order: reread };
}

/**
 * Whether the order's imp_uid was confirmed by Iamport: it left `ready` through a lookup (paid, failed, rejected,
 * or cancelled after being paid). An order the buyer cancelled unpaid may still hold an imp_uid nobody checked.
 */
export const impUidVerified = (row: PaymentRow) =>
  row.impUid !== null && row.status !== "ready" && !(row.status === "cancelled" && row.paidAt === null);

/** Clears an imp_uid the browser recorded on an order it does not belong to, so the real one can be recorded. */
async function forgetImpUid(deps: Deps, row: PaymentRow, impUid: string) {
  if (row.impUid === impUid && row.status === "ready") {
    await replaceImpUid(deps.db, { paymentId: row.id, from: impUid, to: null, now: deps.now() });
  }
}

/**
 * Applies one decision. Returns the row as it now is when this caller's compare-and-set won, or undefined when
 * the state must be read again (another writer moved first, or the step changed more than one row).
 */
async function apply(
  deps: Deps,
  order: PaymentRow,
  truth: GatewayFacts,
  record: GatewayPayment,
  d: Exclude<Decision, { kind: "none" }>,
  source: EventSource,
  bindImpUid: boolean,
): Promise<PaymentRow | undefined> {
  const now = deps.now();
  const transitionTo = async (to: PaymentStatus, reason: string, set: Partial<PaymentRow>) => {
    const fields = bindImpUid ? { ...set, impUid: truth.gatewayId } : set;
    const won = await transitionWatched(deps.db, {
      paymentId: order.id,
      from: order.status,
      to,
      source,
      reason,
      now,
      set: fields,
      ...(bindImpUid ? { impUidIsNull: true } : {}),
    });
    // watchedAt as the compare-and-set read it: the announcement goes out only to a payment someone waits on.
    return won ? { ...order, ...fields, status: to, updatedAt: now, watchedAt: won.watchedAt } : undefined;
  };
  switch (d.kind) {
    case "paid": {
      const paidAt = truth.paidAtMs ?? now;
      return transitionTo("paid", `verified with Iamport: ${truth.amount} ${truth.currency} by ${truth.payMethod ?? "unknown method"}`, {
        method: truth.payMethod,
        paidAt,
        failReason: null,
        // From now on the reconciler compares it with Iamport on a decaying schedule (lost cancel webhooks).
        nextRecheckAt: nextRecheckAt(paidAt, now),
      });
    }
    case "failed":
      return transitionTo("failed", d.reason, { failReason: d.reason });
    case "reject": {
      const next = order.status === "rejected" ? order : await transitionTo("rejected", d.reason, { failReason: d.reason, method: truth.payMethod });
      if (d.refund > 0) await refundAtGateway(deps, order, truth, d.refund, `rejected: ${d.reason}`, source);
      return next;
    }
    case "refund":
      await refundAtGateway(deps, order, truth, d.refund, d.reason, source);
      return order;
    case "sync_cancel":
      await syncCancellations(deps, order, record, source);
      return undefined;
  }
}
