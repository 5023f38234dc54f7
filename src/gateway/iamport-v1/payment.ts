// Iamport V1's payment record in the gateway's words. V1's statuses are the gateway's own (ready, paid, cancelled,
// failed: see GatewayPaymentStatus), so the map is the identity; only names and units change (seconds → ms).

import { GatewayTransportError, type GatewayErrorInit } from "../errors";
import type { BillingKeyInfo, GatewayCancel, GatewayPayment, GatewayPaymentStatus, VirtualAccount } from "../types";
import { isKnownPaymentStatus, type IamportCustomer, type IamportPayment, type IamportPaymentCancel } from "../../iamport";

/**
 * The id a V1 cancellation is recorded under (the refunds table's cancellation_id). Cancellations made before
 * Iamport gave them ids get a stable stand-in built from what identifies them; stored rows hold these keys, so
 * the format never changes.
 */
export const cancellationKey = (c: IamportPaymentCancel) =>
  c.cancellation_id ?? `legacy:${c.cancelled_at}:${c.amount}:${c.pg_tid ?? ""}`;

/** V1 writes "no time" as 0 (or omits it); the gateway says null. */
const ms = (seconds: number | null | undefined) => (seconds ? seconds * 1000 : null);

export function toGatewayCancel(c: IamportPaymentCancel): GatewayCancel {
  return { id: cancellationKey(c), amount: c.amount, cancelledAtMs: c.cancelled_at * 1000, reason: c.reason ?? null };
}

function virtualAccountOf(p: IamportPayment): VirtualAccount | null {
  if (p.pay_method !== "vbank" && !p.vbank_num) return null;
  return { bank: p.vbank_name ?? null, number: p.vbank_num ?? null, holder: p.vbank_holder ?? null, dueAtMs: ms(p.vbank_date) };
}

/**
 * `where` names the call that returned the record, for the error a record we cannot act on becomes.
 * A status V1 adds later settles nothing we know of: it reads as "ready" (nothing charged), which is what the
 * domain's decisions always did with an unknown status (no change). A "paid" record without paid_at breaks V1's
 * contract and is treated as a malformed answer (retried), never as a payment with a made-up time.
 */
export function toGatewayPayment(p: IamportPayment, where: GatewayErrorInit): GatewayPayment {
  const status: GatewayPaymentStatus = isKnownPaymentStatus(p.status) ? p.status : "ready";
  const common = {
    gatewayId: p.imp_uid,
    merchantUid: p.merchant_uid,
    amount: p.amount,
    cancelledAmount: p.cancel_amount,
    currency: p.currency,
    name: p.name ?? null,
    payMethod: p.pay_method ?? null,
    paidAtMs: ms(p.paid_at),
    cancelledAtMs: ms(p.cancelled_at),
    failReason: p.fail_reason ?? null,
    sandbox: p.sandbox ?? null,
    billingKey: p.customer_uid ?? null,
    cancels: [...p.cancel_history].sort((a, b) => a.cancelled_at - b.cancelled_at).map(toGatewayCancel),
    virtualAccount: virtualAccountOf(p),
    receiptUrl: p.receipt_url ?? null,
  };
  if (status === "paid") {
    if (common.paidAtMs === null) {
      throw new GatewayTransportError("malformed", `Iamport answered ${where.method} ${where.path} with a paid payment without paid_at`, where);
    }
    return { ...common, status, paidAtMs: common.paidAtMs };
  }
  return { ...common, status };
}

export function toBillingKeyInfo(c: IamportCustomer): BillingKeyInfo {
  return {
    billingKey: c.customer_uid,
    cardName: c.card_name ?? null,
    cardNumberMasked: c.card_number ?? null,
    customerId: c.customer_id ?? null,
    // V1 forgets a deleted customer (404), so any customer it returns is usable.
    usable: true,
  };
}
