// The JSON shapes of the public API, in one place, so stored idempotent responses match live ones.
import type { PaymentEventRow, PaymentRow, RefundRow, RoleChangeRow, UserRow } from "../db/schema";
import { holdsMoney } from "../domain/payment-state";
import { iso } from "../lib/time";

export const presentUser = (user: UserRow) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  is_admin: user.role === "admin",
  created_at: iso(user.createdAt),
});

export const presentPayment = (p: PaymentRow) => ({
  merchant_uid: p.merchantUid,
  imp_uid: p.impUid,
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
