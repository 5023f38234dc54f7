import { applyTransition, findPaymentByMerchantUid } from "../db/payments";
import type { PaymentRow, PriceRow } from "../db/schema";
import {
  applyChange,
  changeStatements,
  insertAttemptStatement,
  insertInvoiceStatement,
  invoiceStatusStatement,
  loadRenewalState,
  retireActiveKeyStatement,
  type RenewalState,
} from "../db/subscriptions";
import { paidPeriod } from "../domain/billing-dates";
import { orderName } from "../domain/catalogue";
import { renewalMerchantUid } from "../domain/subscription-ids";
import { GatewayNotFoundError, GatewayRefusalError } from "../gateway/errors";
import type { GatewayPayment } from "../gateway/types";
import type { Deps } from "./deps";
import { expectedOf, KEY_DELETED_REASON, settleAttempt } from "./settle-attempt";
import { deleteRetiredKeys } from "./billing-keys";
import { announceStatus } from "./status-watch";
import { validatePayment } from "./validate-payment";

/**
 * How long a charge attempt holds its subscription: while it runs, next_action_at is this far ahead, so an
 * overlapping sweep or a duplicate message finds nothing due. If the consumer dies mid-charge, the sweep comes back
 * after it and finds the attempt's outcome by lookup before anything else.
 */
export const CHARGE_LEASE_MS = 5 * 60_000;

export type RenewalOutcome =
  | { result: "ignored" | "not_due" | "in_flight" | "unknown"; detail: string }
  | { result: "charged" | "settled" | "ended" | "exhausted" | "key_deleted"; detail: string };

const log = (fields: Record<string, unknown>) => console.log(JSON.stringify(fields));

export const invoiceName = (price: PriceRow, productName: string) => orderName([{ productName, priceLabel: price.label }]);

/**
 * One step of a subscription's schedule, whatever is due: end it (cancel at period end), open the next period's
 * invoice and charge it, retry a declined one, or end the dunning. The step is claimed with a compare-and-set that
 * also writes the attempt's payment row (its merchant_uid derived from subscription, period and attempt) before
 * Iamport is called, so racing sweeps and redelivered messages make one attempt, and an attempt whose outcome was
 * lost is looked up at Iamport (GET /payments/find/{merchant_uid}) before it is ever charged again.
 */
export async function renewSubscription(deps: Deps, subscriptionId: string): Promise<RenewalOutcome> {
  const state = await loadRenewalState(deps.db, subscriptionId);
  if (!state) return { result: "ignored", detail: "no such subscription" };
  const s = state.subscription;
  const now = deps.now();
  if (s.status === "canceled") return { result: "ignored", detail: "canceled" };

  const pending = state.attemptPayment;
  if (pending && s.attempt > s.settledAttempt) {
    // The latest attempt's outcome is not taken in yet.
    if (pending.status !== "ready") {
      await settleAttempt(deps, pending, "scheduler");
      return { result: "settled", detail: `attempt ${s.attempt} was ${pending.status}` };
    }
    if (s.nextActionAt !== null && s.nextActionAt > now) return { result: "in_flight", detail: "another run is charging this attempt" };
    return resolveUnknown(deps, state, pending, { chargeIfMissing: true });
  }
  if (s.nextActionAt === null || s.nextActionAt > now) return { result: "not_due", detail: "nothing is due" };

  if ((s.status === "active" || s.status === "trialing") && s.cancelAtPeriodEnd) return endAtPeriodEnd(deps, state);
  if (s.status === "active" || s.status === "trialing" || (s.status === "incomplete" && s.period === 0)) return openNextPeriod(deps, state);
  if (s.retriesStopped) return exhaust(deps, state);
  return retry(deps, state);
}

async function endAtPeriodEnd(deps: Deps, state: RenewalState): Promise<RenewalOutcome> {
  const s = state.subscription;
  const now = deps.now();
  const won = await applyChange(
    deps.db,
    changeStatements(
      deps.db,
      expectedOf(s),
      { status: "canceled", canceledAt: now, endedAt: s.currentPeriodEnd ?? now, nextActionAt: null },
      { kind: "canceled", from: s.status, to: "canceled", source: "scheduler", reason: "canceled at the end of the period", period: s.period },
      now,
      [retireActiveKeyStatement(deps.db, s.id)],
    ),
  );
  if (won) await deleteRetiredKeys(deps, s.id);
  return won ? { result: "ended", detail: "canceled at period end" } : { result: "in_flight", detail: "changed meanwhile" };
}

async function exhaust(deps: Deps, state: RenewalState): Promise<RenewalOutcome> {
  const s = state.subscription;
  const now = deps.now();
  const to = deps.config.DUNNING_FINAL_STATUS;
  if (s.status === to || s.status === "incomplete" || (s.status === "unpaid" && to === "canceled")) {
    return { result: "not_due", detail: `already ${s.status}` };
  }
  const extra = state.invoice ? [invoiceStatusStatement(deps.db, state.invoice.id, ["open"], { status: "uncollectible" }, now)] : [];
  if (to === "canceled") extra.push(retireActiveKeyStatement(deps.db, s.id));
  const won = await applyChange(
    deps.db,
    changeStatements(
      deps.db,
      expectedOf(s),
      { status: to, nextActionAt: null, ...(to === "canceled" ? { canceledAt: now, endedAt: now } : {}) },
      { kind: "retries_exhausted", from: s.status, to, source: "scheduler", reason: "retries stopped after a hard decline", period: s.period },
      now,
      extra,
    ),
  );
  if (won && to === "canceled") await deleteRetiredKeys(deps, s.id);
  return won ? { result: "exhausted", detail: to } : { result: "in_flight", detail: "changed meanwhile" };
}

async function openNextPeriod(deps: Deps, state: RenewalState): Promise<RenewalOutcome> {
  const s = state.subscription;
  if (!s.billingKey || s.anchorAt === null) return { result: "not_due", detail: "no confirmed card" };
  const now = deps.now();
  const price = state.pendingPrice ?? state.price;
  const interval = { unit: price.interval!, count: price.intervalCount! };
  // Never a period that is already over: after a long pause (an unpaid subscription paid up months later, a cron
  // that did not run) the next charge is for the period that contains now, not for each one missed.
  let n = s.period + 1;
  while (paidPeriod(s.anchorAt, interval, n).end <= now && n < s.period + 1000) n++;
  const { start, end } = paidPeriod(s.anchorAt, interval, n);
  const name = invoiceName(price, state.product.name);
  const merchantUid = await renewalMerchantUid(s.id, n, 1);
  const statements = changeStatements(
    deps.db,
    expectedOf(s),
    {
      period: n,
      attempt: 1,
      settledAttempt: 0,
      currentPeriodStart: start,
      currentPeriodEnd: end,
      priceId: price.id,
      pendingPriceId: null,
      firstDeclineAt: null,
      retriesStopped: false,
      nextActionAt: now + CHARGE_LEASE_MS,
    },
    state.pendingPrice
      ? { kind: "plan_changed", from: s.status, to: s.status, source: "scheduler", reason: `${state.price.id} → ${price.id}`, period: n }
      : null,
    now,
    [
      insertInvoiceStatement(deps.db, { subscriptionId: s.id, period: n, periodStart: start, periodEnd: end, priceId: price.id, description: name, amount: price.amount, createdAt: now }),
      insertAttemptStatement(deps.db, { merchantUid, userId: s.userId, name, amount: price.amount, attempt: 1, createdAt: now }, s.id, n),
    ],
  );
  if (!(await applyChange(deps.db, statements))) return { result: "in_flight", detail: "another run opened this period" };
  return charge(deps, state, merchantUid, price.amount, name);
}

async function retry(deps: Deps, state: RenewalState): Promise<RenewalOutcome> {
  const s = state.subscription;
  const invoice = state.invoice;
  if (!s.billingKey || !invoice || invoice.status === "paid" || invoice.status === "void") return { result: "not_due", detail: "nothing owed" };
  const now = deps.now();
  const k = s.attempt + 1;
  const merchantUid = await renewalMerchantUid(s.id, s.period, k);
  const statements = changeStatements(deps.db, expectedOf(s), { attempt: k, nextActionAt: now + CHARGE_LEASE_MS }, null, now, [
    insertAttemptStatement(deps.db, { merchantUid, userId: s.userId, name: invoice.description, amount: invoice.amount, attempt: k, createdAt: now }, s.id, s.period),
  ]);
  if (!(await applyChange(deps.db, statements))) return { result: "in_flight", detail: "another run started this retry" };
  return charge(deps, state, merchantUid, invoice.amount, invoice.description);
}

/** Charges the attempt whose payment row was just written. Never called twice for one attempt without a lookup. */
async function charge(deps: Deps, state: RenewalState, merchantUid: string, amount: number, name: string): Promise<RenewalOutcome> {
  const s = state.subscription;
  let answer: GatewayPayment;
  try {
    answer = await deps.gateway.billing.charge({
      billingKey: s.billingKey!,
      merchantUid,
      amount,
      name,
      currency: "KRW",
      buyer: { email: state.user.email, name: Array.from(state.user.name).slice(0, 16).join("") },
    });
  } catch (e) {
    const payment = (await findPaymentByMerchantUid(deps.db, merchantUid))!;
    if (e instanceof GatewayRefusalError && (await keyIsGone(deps, s.billingKey!))) return keyDeleted(deps, payment);
    log({ level: "warn", event: "renewal_outcome_unknown", subscription_id: s.id, merchant_uid: merchantUid, error: e instanceof Error ? e.message : String(e) });
    // A timeout may have charged: ask the gateway now, and charge again only after the lease, once it says no.
    return resolveUnknown(deps, state, payment, { chargeIfMissing: false });
  }
  // A decline comes back as a "failed" payment; the pipeline records it and settles the subscription either way.
  const outcome = await validatePayment(deps, { merchant_uid: merchantUid, imp_uid: answer.gatewayId, source: "system" }, answer);
  return { result: "charged", detail: `${answer.status}: ${outcome.result}` };
}

/**
 * The attempt's payment row exists but its outcome does not: look it up by merchant_uid. Found: validate it (paid
 * or declined, like any payment). Not found: charge it, with the same merchant_uid, only when the caller allows
 * (the lease has passed, so the first call is over); otherwise the sweep comes back after the lease.
 */
async function resolveUnknown(deps: Deps, state: RenewalState, payment: PaymentRow, opts: { chargeIfMissing: boolean }): Promise<RenewalOutcome> {
  let found: GatewayPayment | undefined;
  try {
    found = await deps.gateway.getPayment({ merchantUid: payment.merchantUid });
  } catch (e) {
    if (!(e instanceof GatewayNotFoundError)) throw e;
  }
  if (found) {
    const outcome = await validatePayment(deps, { merchant_uid: payment.merchantUid, imp_uid: found.gatewayId, source: "reconciler" }, found);
    return { result: "settled", detail: `found at the gateway: ${found.status} (${outcome.result})` };
  }
  if (!opts.chargeIfMissing) return { result: "unknown", detail: "not at the gateway yet; retried after the lease" };
  const s = state.subscription;
  // Re-arm the lease (compare-and-set on what we read) so only this run charges the attempt again.
  const now = deps.now();
  const rearmed = await applyChange(
    deps.db,
    changeStatements(deps.db, expectedOf(s), { nextActionAt: now + CHARGE_LEASE_MS }, null, now),
  );
  if (!rearmed) return { result: "in_flight", detail: "another run took this attempt" };
  return charge(deps, state, payment.merchantUid, payment.amount, payment.name);
}

/** Whether the gateway no longer has the key (deleted, or never confirmed): a refusal that no retry can fix. */
async function keyIsGone(deps: Deps, billingKey: string): Promise<boolean> {
  try {
    // V1 forgets a deleted key (404); V2 keeps describing it, as DELETED.
    return !(await deps.gateway.billing.getBillingKey(billingKey)).usable;
  } catch (e) {
    return e instanceof GatewayNotFoundError || (e instanceof GatewayRefusalError && !e.retryable);
  }
}

async function keyDeleted(deps: Deps, payment: PaymentRow): Promise<RenewalOutcome> {
  const now = deps.now();
  await applyTransition(deps.db, {
    paymentId: payment.id,
    from: "ready",
    to: "failed",
    source: "system",
    reason: KEY_DELETED_REASON,
    now,
    set: { failReason: KEY_DELETED_REASON },
  });
  const row = (await findPaymentByMerchantUid(deps.db, payment.merchantUid))!;
  await announceStatus(deps, row);
  await settleAttempt(deps, row, "scheduler");
  log({ level: "warn", event: "billing_key_deleted", merchant_uid: payment.merchantUid });
  return { result: "key_deleted", detail: KEY_DELETED_REASON };
}
