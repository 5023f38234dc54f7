import type { PaymentStatus } from "./payment-state";

// What the payment gateway says about a payment (the only truth we act on) against the order row the server wrote.
// Pure: the validation service does the I/O and applies the decision with a compare-and-set. The gateway's
// payment record (src/gateway/types.ts GatewayPayment) is itself a GatewayFacts: same names, same meanings.

export interface OrderFacts {
  merchantUid: string;
  impUid: string | null;
  amount: number;
  currency: string;
  status: PaymentStatus;
  cancelledAmount: number;
  /** The order was paid at some point (paid_at set); a cancelled order that never was must not hold money. */
  wasPaid: boolean;
}

/** A payment's status at the gateway, in V1's terms (src/gateway/types.ts GatewayPaymentStatus). */
export type GatewayStatus = "ready" | "paid" | "cancelled" | "failed";

export interface GatewayFacts {
  /** The gateway's id of the attempt (stored as the payment's imp_uid). */
  gatewayId: string;
  merchantUid: string;
  status: GatewayStatus;
  amount: number;
  cancelledAmount: number;
  currency: string;
  payMethod: string | null;
  failReason: string | null;
  paidAtMs: number | null;
  cancelledAtMs: number | null;
  /** true for test-channel payments; refused when the deployment does not accept them. */
  sandbox: boolean | null;
}

export type Decision =
  | { kind: "none"; reason: string }
  | { kind: "paid" }
  | { kind: "failed"; reason: string }
  /** The gateway holds money for this order that does not match it: keep the reason, refund what is left. */
  | { kind: "reject"; reason: string; refund: number }
  /** No status change, but the gateway holds money this order must not keep. */
  | { kind: "refund"; reason: string; refund: number }
  /** Cancelled at the gateway (console or API): follow its cancelled amount. */
  | { kind: "sync_cancel"; to: PaymentStatus; cancelledAmount: number };

// The reasons below are stored and read back in the page's language by src/i18n/reasons.ts, which matches their
// wording ("Iamport has", "failed at Iamport"): they stay as they are until the catalogue learns neutral ones.
export function mismatchReason(order: OrderFacts, truth: GatewayFacts, acceptTestPayments: boolean): string | null {
  if (truth.merchantUid !== order.merchantUid) return `merchant_uid mismatch: Iamport has ${truth.merchantUid}`;
  if (truth.currency !== order.currency) return `currency mismatch: ordered ${order.currency}, paid ${truth.currency}`;
  if (truth.amount !== order.amount) return `amount mismatch: ordered ${order.amount}, paid ${truth.amount}`;
  if (truth.sandbox === true && !acceptTestPayments) return "paid on a test channel";
  return null;
}

export function decide(order: OrderFacts, truth: GatewayFacts, acceptTestPayments: boolean): Decision {
  const refundable = Math.max(0, truth.amount - truth.cancelledAmount);
  if (truth.status === "paid" || truth.status === "cancelled") {
    const mismatch = mismatchReason(order, truth, acceptTestPayments);
    if (order.status === "ready" || order.status === "failed") {
      if (mismatch) return { kind: "reject", reason: mismatch, refund: refundable };
      // Even a payment already (partly) refunded at the gateway is recorded as paid first; the cancel follows.
      return { kind: "paid" };
    }
    if (order.status === "rejected" || (order.status === "cancelled" && !order.wasPaid)) {
      // Money the gateway still holds for an order we refused or that was cancelled unpaid goes back to the buyer.
      return refundable > 0
        ? { kind: "refund", reason: order.status === "rejected" ? "refund of a rejected payment" : "paid after the order was cancelled", refund: refundable }
        : { kind: "none", reason: `already ${order.status}` };
    }
    if (!mismatch && truth.cancelledAmount > order.cancelledAmount) {
      const to: PaymentStatus = truth.cancelledAmount >= order.amount ? "cancelled" : "partially_cancelled";
      return { kind: "sync_cancel", to, cancelledAmount: truth.cancelledAmount };
    }
    return { kind: "none", reason: `already ${order.status}` };
  }
  if (truth.status === "failed") {
    return order.status === "ready"
      ? { kind: "failed", reason: truth.failReason ?? "The payment failed at Iamport." }
      : { kind: "none", reason: `already ${order.status}` };
  }
  // "ready": the window was opened or a virtual account issued; nothing is settled yet.
  return { kind: "none", reason: `gateway status ${truth.status}` };
}
