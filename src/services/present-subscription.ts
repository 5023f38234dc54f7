// The JSON shapes of subscriptions, invoices and their timeline, each typed by the zod schema beside it (what the
// OpenAPI document shows; see src/services/present.ts).
import * as z from "zod";
import type { InvoiceRow, PaymentRow, PriceRow, ProductRow, SubscriptionEventRow, SubscriptionRow } from "../db/schema";
import { INVOICE_STATUSES, SUBSCRIPTION_EVENT_KINDS, SUBSCRIPTION_EVENT_SOURCES, SUBSCRIPTION_STATUSES } from "../domain/subscription-state";
import { iso } from "../lib/time";
import { PaymentJson, presentPayment } from "./present";

const time = () => z.string().meta({ format: "date-time", description: "ISO 8601, UTC" });
const won = (description: string) => z.number().int().meta({ description: `${description} (integer KRW)` });

export const PlanJson = z
  .object({
    price_id: z.string(),
    product_id: z.string(),
    product_name: z.string(),
    label: z.string().nullable(),
    amount: won("Charged each period"),
    currency: z.string(),
    interval: z.enum(["month", "year"]),
    interval_count: z.number().int(),
    trial_days: z.number().int(),
  })
  .meta({ id: "SubscriptionPlan", description: "A recurring price of the catalogue." });

export const SubscriptionJson = z
  .object({
    id: z.string().meta({ description: "`sub_` and 32 hex characters." }),
    status: z.enum(SUBSCRIPTION_STATUSES),
    plan: PlanJson,
    pending_plan: PlanJson.nullable().meta({ description: "The plan from the next period on (no proration)." }),
    cancel_at_period_end: z.boolean(),
    current_period: z.object({ number: z.number().int(), start: time().nullable(), end: time().nullable() }).nullable(),
    trial_end: time().nullable(),
    billing_anchor: time().nullable().meta({ description: "Periods are computed from it in Asia/Seoul (month ends clamped)." }),
    next_charge: z.object({ at: time(), amount: won("The next charge") }).nullable(),
    card: z.object({ name: z.string().nullable(), number: z.string().nullable().meta({ description: "Masked by the gateway." }) }).nullable(),
    retries_stopped: z.boolean().meta({ description: "A hard decline (deleted key, lost or stolen card): no automatic retry." }),
    customer_email: z.string().optional().meta({ description: "Administrators' views and lists." }),
    created_at: time(),
    updated_at: time(),
    canceled_at: time().nullable(),
    ended_at: time().nullable(),
  })
  .meta({ id: "Subscription" });

export const InvoiceJson = z
  .object({
    id: z.number().int(),
    period: z.number().int(),
    period_start: time(),
    period_end: time(),
    description: z.string(),
    price_id: z.string(),
    amount: won("The price when the period began"),
    currency: z.string(),
    status: z.enum(INVOICE_STATUSES),
    paid_at: time().nullable(),
    created_at: time(),
    payments: z.array(PaymentJson.extend({ attempt: z.number().int().nullable() })).meta({ description: "Its charge attempts, oldest first." }),
  })
  .meta({ id: "Invoice" });

export const SubscriptionEventJson = z
  .object({
    kind: z.enum(SUBSCRIPTION_EVENT_KINDS),
    from: z.enum(SUBSCRIPTION_STATUSES).nullable(),
    to: z.enum(SUBSCRIPTION_STATUSES),
    source: z.enum(SUBSCRIPTION_EVENT_SOURCES),
    reason: z.string().nullable(),
    period: z.number().int().nullable(),
    at: time(),
  })
  .meta({ id: "SubscriptionEvent" });

export const SubscriptionDetailJson = SubscriptionJson.extend({
  invoices: z.array(InvoiceJson).meta({ description: "Newest period first." }),
  events: z.array(SubscriptionEventJson).meta({ description: "The timeline, oldest first." }),
}).meta({ id: "SubscriptionDetail" });

export const SubscriptionListJson = z
  .object({ items: z.array(SubscriptionJson), next_cursor: z.string().nullable() })
  .meta({ id: "SubscriptionList" });

const IamportCardRegistrationJson = z
  .object({
    gateway: z.literal("iamport-v1"),
    imp_code: z.string().meta({ description: "For `IMP.init(imp_code)`." }),
    pg: z.string().meta({ description: "The billing channel (IAMPORT_BILLING_PG)." }),
    pay_method: z.literal("card"),
    merchant_uid: z.string().meta({ description: "`reg_` and 32 hex: names the registration; nothing is approved." }),
    customer_uid: z.string().meta({ description: "`cus_` and 32 hex: the billing key's name, new for every registration." }),
    name: z.string(),
    amount: won("Shown in the window only"),
    buyer_email: z.string(),
    buyer_name: z.string(),
    m_redirect_url: z.string().meta({ description: "Where a mobile buyer comes back (GET /subscriptions/return)." }),
  })
  .meta({ id: "IamportCardRegistration", description: "`IMP.request_pay`'s parameters (m_redirect_url in redirect mode)." });

const PortoneCardRegistrationJson = z
  .object({
    gateway: z.literal("portone-v2"),
    sdk_url: z.string(),
    redirect_url: z.string().meta({ description: "`redirectUrl` in redirect mode." }),
    request: z.object({
      storeId: z.string(),
      channelKey: z.string(),
      billingKeyMethod: z.literal("CARD"),
      issueId: z.string(),
      issueName: z.string(),
      customer: z.object({
        customerId: z.string().meta({ description: "The registration's customer_uid: the key must be issued to it." }),
        fullName: z.string().optional(),
        email: z.string().optional(),
      }),
    }),
  })
  .meta({ id: "PortoneCardRegistration", description: "`PortOne.requestIssueBillingKey(request)`." });

export const CardRegistrationJson = z
  .discriminatedUnion("gateway", [IamportCardRegistrationJson, PortoneCardRegistrationJson])
  .meta({ id: "CardRegistration" });

export const CreatedSubscriptionJson = z
  .object({ subscription: SubscriptionDetailJson, registration: CardRegistrationJson })
  .meta({ id: "CreatedSubscription" });

export const ConfirmedCardJson = SubscriptionDetailJson.extend({
  charge_due: z.boolean().meta({ description: "A charge follows at once (the first one, or a retry of what is owed)." }),
}).meta({ id: "ConfirmedCard" });

export const RetriedSubscriptionJson = SubscriptionDetailJson.extend({
  retry: z.object({ result: z.string(), detail: z.string() }),
}).meta({ id: "RetriedSubscription" });

export const presentPlan = (price: PriceRow, product: ProductRow): z.output<typeof PlanJson> => ({
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

export const presentSubscription = (v: SubscriptionView): z.output<typeof SubscriptionJson> => {
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
    created_at: iso(s.createdAt)!,
    updated_at: iso(s.updatedAt)!,
    canceled_at: iso(s.canceledAt),
    ended_at: iso(s.endedAt),
  };
};

export const presentInvoice = (invoice: InvoiceRow, payments: PaymentRow[]): z.output<typeof InvoiceJson> => ({
  id: invoice.id,
  period: invoice.period,
  period_start: iso(invoice.periodStart)!,
  period_end: iso(invoice.periodEnd)!,
  description: invoice.description,
  price_id: invoice.priceId,
  amount: invoice.amount,
  currency: invoice.currency,
  status: invoice.status,
  paid_at: iso(invoice.paidAt),
  created_at: iso(invoice.createdAt)!,
  payments: payments.map((p) => ({ ...presentPayment(p), attempt: p.attempt })),
});

export const presentSubscriptionEvent = (e: SubscriptionEventRow): z.output<typeof SubscriptionEventJson> => ({
  kind: e.kind as z.output<typeof SubscriptionEventJson>["kind"],
  from: e.fromStatus as z.output<typeof SubscriptionEventJson>["from"],
  to: e.toStatus as z.output<typeof SubscriptionEventJson>["to"],
  source: e.source as z.output<typeof SubscriptionEventJson>["source"],
  reason: e.reason,
  period: e.period,
  at: iso(e.createdAt)!,
});
