// The JSON shapes of subscriptions, invoices and their timeline.
import type { InvoiceRow, PaymentRow, PriceRow, ProductRow, SubscriptionEventRow, SubscriptionRow } from "../db/schema";
import { iso } from "../lib/time";
import { presentPayment } from "./present";

export const presentPlan = (price: PriceRow, product: ProductRow) => ({
  price_id: price.id,
  product_id: product.id,
  product_name: product.name,
  label: price.label,
  amount: price.amount,
  currency: price.currency,
  interval: price.interval!,
  interval_count: price.intervalCount!,
  trial_days: price.trialDays ?? 0,
});

/**
 * When the next charge is made and for how much, as the portal shows it: the period's end for a live subscription
 * (the trial's end while trialing), the next retry while past due; none when nothing will be charged.
 */
export function nextCharge(s: SubscriptionRow, price: PriceRow, pendingPrice: PriceRow | undefined, openInvoice?: InvoiceRow) {
  if ((s.status === "active" || s.status === "trialing") && !s.cancelAtPeriodEnd && s.nextActionAt !== null) {
    return { at: iso(s.nextActionAt)!, amount: (pendingPrice ?? price).amount };
  }
  if (s.status === "past_due" && !s.retriesStopped && s.nextActionAt !== null) {
    return { at: iso(s.nextActionAt)!, amount: openInvoice?.amount ?? price.amount };
  }
  return null;
}

export interface SubscriptionView {
  subscription: SubscriptionRow;
  price: PriceRow;
  product: ProductRow;
  pendingPrice?: PriceRow | undefined;
  email?: string;
  openInvoice?: InvoiceRow;
}

export const presentSubscription = (v: SubscriptionView) => {
  const s = v.subscription;
  return {
    id: s.id,
    status: s.status,
    plan: presentPlan(v.price, v.product),
    pending_plan: v.pendingPrice ? presentPlan(v.pendingPrice, v.product) : null,
    cancel_at_period_end: s.cancelAtPeriodEnd,
    current_period: s.period > 0 ? { number: s.period, start: iso(s.currentPeriodStart), end: iso(s.currentPeriodEnd) } : null,
    trial_end: iso(s.trialEndAt),
    billing_anchor: iso(s.anchorAt),
    next_charge: nextCharge(s, v.price, v.pendingPrice, v.openInvoice),
    card: s.customerUid ? { name: s.cardName, number: s.cardNumber } : null,
    retries_stopped: s.retriesStopped,
    ...(v.email !== undefined ? { customer_email: v.email } : {}),
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
    canceled_at: iso(s.canceledAt),
    ended_at: iso(s.endedAt),
  };
};

export const presentInvoice = (invoice: InvoiceRow, payments: PaymentRow[]) => ({
  id: invoice.id,
  period: invoice.period,
  period_start: iso(invoice.periodStart),
  period_end: iso(invoice.periodEnd),
  description: invoice.description,
  price_id: invoice.priceId,
  amount: invoice.amount,
  currency: invoice.currency,
  status: invoice.status,
  paid_at: iso(invoice.paidAt),
  created_at: iso(invoice.createdAt),
  payments: payments.map((p) => ({ ...presentPayment(p), attempt: p.attempt })),
});

export const presentSubscriptionEvent = (e: SubscriptionEventRow) => ({
  kind: e.kind,
  from: e.fromStatus,
  to: e.toStatus,
  source: e.source,
  reason: e.reason,
  period: e.period,
  at: iso(e.createdAt),
});
