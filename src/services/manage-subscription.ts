import type { SubscriptionRow, UserRow } from "../db/schema";
import {
  applyChange,
  changeStatements,
  findPriceWithProduct,
  findSubscription,
  loadSubscriptionDetail,
  retireActiveKeyStatement,
  voidOpenInvoicesStatement,
  type SubscriptionSet,
} from "../db/subscriptions";
import { AppError, badRequest, concurrentChange, conflict, notFound } from "../domain/errors";
import { holdsMoney } from "../domain/payment-state";
import type { SubscriptionEventKind, SubscriptionEventSource, SubscriptionStatus } from "../domain/subscription-state";
import { GatewayNotFoundError, GatewayRefusalError } from "../gateway/errors";
import { deleteRetiredKeys } from "./billing-keys";
import type { Deps } from "./deps";
import { gatewayFailure } from "./gateway-errors";
import { refundPayment } from "./refund-payment";
import { renewSubscription, type RenewalOutcome } from "./renew-subscription";
import { expectedOf } from "./settle-attempt";

/** Who acts: the subscriber (only on their own subscription) or an administrator (on any). */
export type Actor = { user: UserRow; as: "customer" | "admin" };

async function visible(deps: Deps, actor: Actor, id: string): Promise<SubscriptionRow> {
  const s = await findSubscription(deps.db, id);
  if (!s || (actor.as === "customer" && s.userId !== actor.user.id)) throw notFound("subscription");
  return s;
}

const notNow = (s: SubscriptionRow, what: string) =>
  conflict("invalid_state", `A ${s.status} subscription cannot ${what}.`, { status: s.status });

/**
 * Applies one change with a compare-and-set on the row as read, re-reading and deciding again when another writer
 * moved first (the scheduler, the webhook); `decide` returns null when the change is already in place.
 */
async function change(
  deps: Deps,
  actor: Actor,
  id: string,
  decide: (s: SubscriptionRow) => { set: SubscriptionSet; kind: SubscriptionEventKind; reason: string | null; extra?: D1PreparedStatement[] } | null,
): Promise<SubscriptionRow> {
  for (let round = 0; round < 3; round++) {
    const s = await visible(deps, actor, id);
    const d = decide(s);
    if (!d) return s;
    const now = deps.now();
    const to: SubscriptionStatus = d.set.status ?? s.status;
    const source: SubscriptionEventSource = actor.as;
    const won = await applyChange(
      deps.db,
      changeStatements(deps.db, expectedOf(s), d.set, { kind: d.kind, from: s.status, to, source, reason: d.reason, period: s.period }, now, d.extra ?? []),
    );
    if (won) return { ...s, ...d.set, status: to, updatedAt: now };
  }
  throw concurrentChange();
}

/**
 * The subscriber cancels: an active or trialing subscription runs to the end of its paid period (no further
 * charge); one that owes money (incomplete, past_due, unpaid) ends now and its open invoice is voided.
 */
export async function cancelByCustomer(deps: Deps, user: UserRow, id: string) {
  const s = await visible(deps, { user, as: "customer" }, id);
  if (s.status === "active" || s.status === "trialing") {
    return change(deps, { user, as: "customer" }, id, (cur) => {
      if (cur.status !== "active" && cur.status !== "trialing") throw notNow(cur, "be canceled at the end of its period");
      return cur.cancelAtPeriodEnd ? null : { set: { cancelAtPeriodEnd: true }, kind: "cancel_scheduled", reason: "at the end of the period" };
    });
  }
  return cancelNow(deps, { user, as: "customer" }, id, { refund: false });
}

export async function resume(deps: Deps, user: UserRow, id: string) {
  return change(deps, { user, as: "customer" }, id, (s) => {
    if (s.status !== "active" && s.status !== "trialing") throw notNow(s, "be resumed");
    return s.cancelAtPeriodEnd ? { set: { cancelAtPeriodEnd: false }, kind: "resumed", reason: null } : null;
  });
}

/**
 * Ends a subscription now: canceled, open invoices voided, its key retired (and deleted at Iamport). With `refund`
 * (administrators), the current period's paid charge is refunded in full through the ordinary refund path.
 */
export async function cancelNow(deps: Deps, actor: Actor, id: string, opts: { refund: boolean }) {
  const s = await change(deps, actor, id, (cur) => {
    if (cur.status === "canceled") return null;
    const now = deps.now();
    return {
      set: { status: "canceled", canceledAt: now, endedAt: now, nextActionAt: null, cancelAtPeriodEnd: false },
      kind: "canceled",
      reason: opts.refund ? "canceled now, current period refunded" : "canceled now",
      extra: [voidOpenInvoicesStatement(deps.db, cur.id, now), retireActiveKeyStatement(deps.db, cur.id)],
    };
  });
  await deleteRetiredKeys(deps, s.id);
  if (opts.refund && actor.as === "admin") await refundCurrentPeriod(deps, actor.user, s);
  return s;
}

async function refundCurrentPeriod(deps: Deps, admin: UserRow, s: SubscriptionRow) {
  const detail = await loadSubscriptionDetail(deps.db, s.id);
  const current = detail?.invoices.find((i) => i.invoice.period === s.period && i.invoice.status === "paid");
  const paid = current?.payments.find((p) => p.id === current.invoice.paidPaymentId);
  if (!paid || !holdsMoney(paid.status)) return;
  const refundable = paid.amount - paid.cancelledAmount - paid.reservedAmount;
  if (refundable <= 0) return;
  await refundPayment(deps, admin, paid.merchantUid, { amount: refundable, reason: "subscription canceled: current period refunded" }, `subscription-cancel:${s.id}`);
}

/**
 * A plan change takes effect at the next period (no proration): the next invoice is priced from the new plan. Only
 * plans of the same product with the same billing interval, so period dates stay computed from the one anchor.
 */
export async function changePlan(deps: Deps, user: UserRow, id: string, priceId: string) {
  const s = await visible(deps, { user, as: "customer" }, id);
  const [current, next] = await Promise.all([findPriceWithProduct(deps.db, s.priceId), findPriceWithProduct(deps.db, priceId)]);
  if (!next) throw badRequest("price_unavailable", "price_id: is not in the catalogue", { fields: [{ field: "price_id", code: "not_in_catalogue", message: "is not in the catalogue" }] });
  if (!next.price.active || !next.product.active) {
    throw badRequest("price_unavailable", "price_id: is no longer on sale", { fields: [{ field: "price_id", code: "not_on_sale", message: "is no longer on sale" }] });
  }
  const c = current!.price;
  if (next.product.id !== current!.product.id || next.price.interval !== c.interval || next.price.intervalCount !== c.intervalCount) {
    throw new AppError(400, "plan_not_allowed", "Choose a plan of the same product with the same billing interval.", { fields: [{ field: "price_id", code: "invalid_choice", message: "is not a plan this subscription can move to" }] });
  }
  return change(deps, { user, as: "customer" }, id, (cur) => {
    if (cur.status === "canceled") throw notNow(cur, "change plan");
    const pending = priceId === cur.priceId ? null : priceId;
    if (pending === cur.pendingPriceId) return null;
    return { set: { pendingPriceId: pending }, kind: "plan_change_scheduled", reason: pending ? `${cur.priceId} → ${pending} at the next period` : "plan change withdrawn" };
  });
}

/**
 * An administrator retries a subscription that owes money, now. The key is checked at Iamport first: a deleted key
 * is a clear 409 (billing_key_deleted) and no charge.
 */
export async function retryNow(deps: Deps, admin: UserRow, id: string): Promise<RenewalOutcome> {
  const s = await visible(deps, { user: admin, as: "admin" }, id);
  const owes = s.status === "past_due" || s.status === "unpaid" || (s.status === "incomplete" && s.period > 0);
  if (!owes || s.attempt > s.settledAttempt) throw notNow(s, "be retried now");
  if (!s.billingKey) throw conflict("invalid_state", "This subscription has no card.", { status: s.status });
  const keyDeleted = () => new AppError(409, "billing_key_deleted", "The card's billing key was deleted at the gateway.");
  try {
    if (!(await deps.gateway.billing.getBillingKey(s.billingKey)).usable) throw keyDeleted();
  } catch (e) {
    if (e instanceof GatewayNotFoundError || (e instanceof GatewayRefusalError && !e.retryable)) throw keyDeleted();
    throw gatewayFailure(e);
  }
  await change(deps, { user: admin, as: "admin" }, id, (cur) =>
    cur.attempt > cur.settledAttempt ? null : { set: { nextActionAt: deps.now(), retriesStopped: false }, kind: "retry_requested", reason: "retry requested by an administrator" },
  );
  return renewSubscription(deps, id);
}
