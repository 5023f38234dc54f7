import type { PaymentRow, SubscriptionRow } from "../db/schema";
import {
  applyChange,
  changeStatements,
  invoiceStatusStatement,
  loadInvoiceWithSubscription,
  retireActiveKeyStatement,
  type Expected,
  type SubscriptionSet,
} from "../db/subscriptions";
import { runBatch } from "../db/batch";
import { dunningEndsAt, isHardDecline, nextRetryAt } from "../domain/dunning";
import type { SubscriptionEventSource, SubscriptionStatus } from "../domain/subscription-state";
import type { GatewayFacts } from "../domain/verification";
import type { Deps } from "./deps";
import { recordCancellations, refundAtGateway } from "./gateway-cancels";
import { findPaymentByMerchantUid } from "../db/payments";

/** The fail_reason pocketpay records when the gateway no longer has the key a renewal was charged with. */
export const KEY_DELETED_REASON = "billing key deleted at the gateway";
/** The same, as rows written before V2 existed say it. */
const isKeyDeletedReason = (reason: string | null) => reason === KEY_DELETED_REASON || reason === "billing key deleted at Iamport";

export const expectedOf = (s: SubscriptionRow): Expected => ({
  id: s.id,
  status: s.status,
  period: s.period,
  attempt: s.attempt,
  settledAttempt: s.settledAttempt,
});

export type SettleResult = "settled" | "pending" | "not_current" | "lost_race";

const log = (fields: Record<string, unknown>) => console.log(JSON.stringify(fields));

/**
 * Takes a validated charge attempt's outcome into its invoice and subscription. Every path that validates a renewal
 * payment ends here (the consumer with /again's answer, the webhook, the reconciler), in any order and any number of
 * times: the subscription's change is a compare-and-set on (period, attempt, settled attempt), so the attempt is
 * settled once.
 *  - paid: the invoice is paid (whatever the subscription did meanwhile: the money was taken); the subscription is
 *    active until the period's end, when the scheduler renews it.
 *  - declined: the first charge leaves the subscription incomplete; a renewal makes it past_due with the next retry
 *    of the dunning schedule, or, with no retry left, unpaid or canceled (DUNNING_FINAL_STATUS). A hard decline
 *    (lost or stolen card, deleted key) is not retried: the subscription ends with the schedule's last day.
 */
export async function settleAttempt(
  deps: Deps,
  payment: PaymentRow,
  source: SubscriptionEventSource,
  facts?: GatewayFacts,
): Promise<SettleResult> {
  if (payment.invoiceId === null || payment.attempt === null) return "not_current";
  const paid = payment.paidAt !== null;
  const declined = !paid && (payment.status === "failed" || payment.status === "rejected");
  if (!paid && !declined) return "pending";
  const found = await loadInvoiceWithSubscription(deps.db, payment.invoiceId);
  if (!found) return "not_current";
  const { invoice, subscription: s } = found;
  const now = deps.now();
  const current = s.period === invoice.period && s.attempt === payment.attempt && s.settledAttempt < payment.attempt;

  if (paid) {
    const payInvoice = invoiceStatusStatement(deps.db, invoice.id, ["open", "uncollectible"], { status: "paid", paidPaymentId: payment.id, paidAt: payment.paidAt! }, now);
    if (invoice.status === "void" && facts && payment.status === "paid") {
      // Charged after the subscription was canceled (a retry in flight while an admin canceled): nothing is owed.
      const refundable = facts.amount - facts.cancelledAmount;
      if (refundable > 0) {
        await refundAtGateway(deps, payment, facts, refundable, "subscription canceled before this charge landed", "system");
        // Recorded on the payment now (its status and cancelled amount), not at the next re-check.
        const [fresh, row] = await Promise.all([deps.gateway.getPayment({ gatewayId: facts.gatewayId, merchantUid: facts.merchantUid }), findPaymentByMerchantUid(deps.db, payment.merchantUid)]);
        if (row) await recordCancellations(deps, row, fresh, "system");
      }
      return "not_current";
    }
    if (!current || s.status === "canceled") {
      await runBatch(deps.db, [payInvoice]);
      return "not_current";
    }
    const kind = s.status === "active" ? "renewed" : "charged";
    const won = await applyChange(
      deps.db,
      changeStatements(
        deps.db,
        expectedOf(s),
        {
          status: "active",
          settledAttempt: payment.attempt,
          firstDeclineAt: null,
          retriesStopped: false,
          nextActionAt: invoice.periodEnd,
        },
        { kind, from: s.status, to: "active", source, reason: `${payment.amount} KRW paid (${payment.merchantUid})`, period: invoice.period },
        now,
        [payInvoice],
      ),
    );
    return won ? "settled" : "lost_race";
  }

  if (!current || s.status === "canceled") return "not_current";
  const reason = payment.failReason ?? "declined";
  const base = { settledAttempt: payment.attempt };
  let set: SubscriptionSet;
  let to: SubscriptionStatus = s.status;
  let kind: "charge_failed" | "retries_exhausted" = "charge_failed";
  const extra: D1PreparedStatement[] = [];
  if (s.status === "incomplete" || s.status === "unpaid") {
    // The first charge, or a retry after the schedule ended: nothing more is tried until the buyer registers a card.
    set = { ...base, nextActionAt: null };
  } else {
    const firstDecline = s.firstDeclineAt ?? now;
    const days = deps.config.DUNNING_RETRY_DAYS;
    const hard = isKeyDeletedReason(reason) || isHardDecline(reason);
    const next = hard ? null : nextRetryAt(firstDecline, now, days);
    if (hard && dunningEndsAt(firstDecline, days) > now) {
      set = { ...base, status: "past_due", firstDeclineAt: firstDecline, retriesStopped: true, nextActionAt: dunningEndsAt(firstDecline, days) };
      to = "past_due";
    } else if (next !== null) {
      set = { ...base, status: "past_due", firstDeclineAt: firstDecline, nextActionAt: next };
      to = "past_due";
    } else {
      to = deps.config.DUNNING_FINAL_STATUS;
      kind = "retries_exhausted";
      set = { ...base, status: to, firstDeclineAt: firstDecline, nextActionAt: null, ...(to === "canceled" ? { canceledAt: now, endedAt: now } : {}) };
      extra.push(invoiceStatusStatement(deps.db, invoice.id, ["open"], { status: "uncollectible" }, now));
      if (to === "canceled") extra.push(retireActiveKeyStatement(deps.db, s.id));
    }
  }
  const won = await applyChange(
    deps.db,
    changeStatements(deps.db, expectedOf(s), set, { kind, from: s.status, to, source, reason: `attempt ${payment.attempt}: ${reason}`, period: invoice.period }, now, extra),
  );
  if (won) log({ level: "info", event: "renewal_declined", subscription_id: s.id, period: invoice.period, attempt: payment.attempt, to });
  return won ? "settled" : "lost_race";
}
