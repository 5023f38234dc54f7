// The payment state machine: every status change in pocketpay goes through `transition`, and a change that is
// not in this table is refused, never applied.
export const PAYMENT_STATUSES = [
  "ready",
  "paid",
  "failed",
  "rejected",
  "partially_cancelled",
  "cancelled",
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const EVENT_SOURCES = ["browser", "webhook", "reconciler", "admin", "system"] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

const ALLOWED: Record<PaymentStatus, readonly PaymentStatus[]> = {
  ready: ["paid", "failed", "rejected", "cancelled"],
  // Iamport may approve a payment it first reported failed (e.g. Paymentwall): the money is real, so follow it.
  failed: ["paid", "rejected"],
  paid: ["partially_cancelled", "cancelled"],
  // Each further partial refund is its own event on the timeline.
  partially_cancelled: ["partially_cancelled", "cancelled"],
  rejected: [],
  cancelled: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return ALLOWED[from].includes(to);
}

export type TransitionResult =
  | { ok: true; from: PaymentStatus; to: PaymentStatus }
  | { ok: false; from: PaymentStatus; to: PaymentStatus; reason: "not_allowed" };

export function transition(from: PaymentStatus, to: PaymentStatus): TransitionResult {
  return canTransition(from, to) ? { ok: true, from, to } : { ok: false, from, to, reason: "not_allowed" };
}

/** States in which Iamport holds money for the order. */
export const holdsMoney = (s: PaymentStatus) => s === "paid" || s === "partially_cancelled";
