// The subscription state machine. Every status change goes through the table below, checked again at the write
// (a compare-and-set on the old status, see db/subscriptions.ts); a change that is not listed is refused.
//
//   incomplete ──card confirmed, trial──▶ trialing ──trial ends, paid──▶ active
//       │  └──first charge paid──────────────────────────────────────────▶ active ◀──paid── past_due
//       └──canceled                     trialing ──charge declined──▶ past_due ◀──declined── active
//   active / trialing / past_due / unpaid / incomplete ──▶ canceled;  past_due ──retries exhausted──▶ unpaid | canceled
//
// `cancel_at_period_end` is a flag, not a status: the subscription stays active until its period ends, then the
// scheduler cancels it instead of renewing. A renewal that is paid keeps `active` (active → active, on the timeline).
export const SUBSCRIPTION_STATUSES = ["incomplete", "trialing", "active", "past_due", "unpaid", "canceled"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

const ALLOWED: Record<SubscriptionStatus, readonly SubscriptionStatus[]> = {
  // The first charge is pending (no card yet, or its charge declined); a declined first charge leaves it here,
  // where registering another card retries at once.
  incomplete: ["trialing", "active", "canceled"],
  trialing: ["active", "past_due", "canceled"],
  active: ["active", "past_due", "canceled"],
  past_due: ["active", "unpaid", "canceled"],
  // Retries are over; the buyer may still register a card, which retries the open invoice once more.
  unpaid: ["active", "canceled"],
  canceled: [],
};

export function canTransitionSubscription(from: SubscriptionStatus, to: SubscriptionStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Statuses in which the subscription still exists for the buyer (the portal offers cancel, change card). */
export const isLive = (s: SubscriptionStatus) => s !== "canceled";

/** Statuses whose card may be changed: a new card on a subscription that owes money retries it at once. */
export const owesMoney = (s: SubscriptionStatus) => s === "past_due" || s === "unpaid" || s === "incomplete";

/** What happened, as written on a subscription's timeline (with from/to status). */
export const SUBSCRIPTION_EVENT_KINDS = [
  "created",
  "card_registered",
  "card_replaced",
  "trial_started",
  "charged",
  "renewed",
  "charge_failed",
  "retries_exhausted",
  "retry_requested",
  "plan_change_scheduled",
  "plan_changed",
  "cancel_scheduled",
  "resumed",
  "canceled",
] as const;
export type SubscriptionEventKind = (typeof SUBSCRIPTION_EVENT_KINDS)[number];

export const SUBSCRIPTION_EVENT_SOURCES = ["customer", "admin", "scheduler", "webhook", "system"] as const;
export type SubscriptionEventSource = (typeof SUBSCRIPTION_EVENT_SOURCES)[number];

export const INVOICE_STATUSES = ["open", "paid", "uncollectible", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
