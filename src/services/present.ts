// The JSON shapes of the public API, in one place, so stored idempotent responses match live ones.
import type { PaymentEventRow, PaymentRow, PriceRow, ProductRow, RefundRow, RoleChangeRow, UserRow } from "../db/schema";
import type { OrderLine } from "../domain/catalogue";
import { holdsMoney } from "../domain/payment-state";
import { iso } from "../lib/time";

export const presentUser = (user: UserRow) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  is_admin: user.role === "admin",
  created_at: iso(user.createdAt),
});

export const presentLineItem = (l: OrderLine) => ({
  price_id: l.priceId,
  product_id: l.productId,
  name: l.productName,
  label: l.priceLabel,
  unit_amount: l.unitAmount,
  quantity: l.quantity,
  amount: l.amount,
});

/**
 * A payment. `line_items` (what a catalogue order was made of, as it was then) is there wherever the items were
 * read with the row: order creation, the list and the detail; a custom amount has none.
 */
export const presentPayment = (p: PaymentRow, items?: readonly OrderLine[]) => ({
  merchant_uid: p.merchantUid,
  imp_uid: p.impUid,
  kind: p.kind,
  name: p.name,
  amount: p.amount,
  currency: p.currency,
  method: p.method,
  status: p.status,
  cancelled_amount: p.cancelledAmount,
  refundable_amount: holdsMoney(p.status) ? p.amount - p.cancelledAmount - p.reservedAmount : 0,
  fail_reason: p.failReason,
  created_at: iso(p.createdAt),
  updated_at: iso(p.updatedAt),
  paid_at: iso(p.paidAt),
  cancelled_at: iso(p.cancelledAt),
  ...(items ? { line_items: items.map(presentLineItem) } : {}),
});

export const presentPrice = (p: PriceRow) => ({
  id: p.id,
  product_id: p.productId,
  label: p.label,
  amount: p.amount,
  currency: p.currency,
  type: p.interval === null ? ("one_time" as const) : ("recurring" as const),
  recurring:
    p.interval === null ? null : { interval: p.interval, interval_count: p.intervalCount!, trial_days: p.trialDays ?? 0 },
  active: p.active,
  replaces_price_id: p.replacesPriceId,
  created_at: iso(p.createdAt),
  updated_at: iso(p.updatedAt),
});

export const presentProduct = (p: ProductRow, prices: readonly PriceRow[]) => ({
  id: p.id,
  slug: p.slug,
  name: p.name,
  description: p.description,
  active: p.active,
  prices: prices.map(presentPrice),
  created_at: iso(p.createdAt),
  updated_at: iso(p.updatedAt),
});

export const presentEvent = (e: PaymentEventRow) => ({
  from: e.fromStatus,
  to: e.toStatus,
  source: e.source,
  reason: e.reason,
  at: iso(e.createdAt),
});

export const presentRefund = (r: RefundRow) => ({
  id: r.id,
  amount: r.amount,
  reason: r.reason,
  status: r.status,
  source: r.source,
  cancellation_id: r.cancellationId,
  fail_reason: r.failReason,
  created_at: iso(r.createdAt),
  updated_at: iso(r.updatedAt),
});

export const presentAdmin = (a: { email: string; name: string; since: number | null; by: string | null }) => ({
  email: a.email,
  name: a.name,
  since: iso(a.since),
  granted_by: a.by,
});

export const presentRoleChange = (c: RoleChangeRow) => ({
  email: c.email,
  from: c.fromRole,
  to: c.toRole,
  by: c.changedBy,
  at: iso(c.createdAt),
});
