// The one interface the services use to reach a payment gateway. Iamport V1 (src/gateway/iamport-v1) and
// PortOne V2 (src/gateway/portone-v2) sit behind it; `GATEWAY` picks one. Nothing here names either API's
// fields: the domain (states, decisions, refunds, subscriptions) reads only these shapes.

export type GatewayName = "iamport-v1" | "portone-v2";

/**
 * A payment's status in V1's terms, which the domain's decisions are written against:
 *  - ready: nothing charged yet (window open, PENDING approval, or a virtual account issued and not yet paid)
 *  - paid: money held; `cancelledAmount` may be > 0 after partial cancels (V1 keeps "paid"; V2 says PARTIAL_CANCELLED)
 *  - cancelled: fully cancelled (`cancelledAmount === amount`)
 *  - failed: the attempt failed or was abandoned; nothing charged
 * Each adapter documents how its own statuses map onto these.
 */
export type GatewayPaymentStatus = "ready" | "paid" | "cancelled" | "failed";

/** One cancellation the gateway recorded. */
export interface GatewayCancel {
  /** Stable id of this cancellation at the gateway (never reused); the refunds table is keyed on it. */
  id: string;
  amount: number;
  cancelledAtMs: number;
  reason: string | null;
}

export interface VirtualAccount {
  bank: string | null;
  number: string | null;
  holder: string | null;
  dueAtMs: number | null;
}

interface PaymentCommon {
  /** The gateway's id of this attempt: V1 imp_uid, V2 transactionId. Stored as the payment's imp_uid column. */
  gatewayId: string;
  /** Ours: V1 merchant_uid, V2 paymentId. */
  merchantUid: string;
  amount: number;
  /** Total cancelled so far (0 when none). */
  cancelledAmount: number;
  currency: string;
  /** Order name shown to the buyer. */
  name: string | null;
  /** card, vbank, trans, ... in V1's words (adapters translate). */
  payMethod: string | null;
  paidAtMs: number | null;
  cancelledAtMs: number | null;
  failReason: string | null;
  /** true for test-channel payments; null when the gateway does not say. */
  sandbox: boolean | null;
  /** The billing key charged (V1 customer_uid, V2 billingKey), for renewals; null for one-off payments. */
  billingKey: string | null;
  /** Oldest first. */
  cancels: GatewayCancel[];
  virtualAccount: VirtualAccount | null;
  receiptUrl: string | null;
}

/** A payment as the gateway reports it: the only truth pocketpay acts on. A union keyed on status. */
export type GatewayPayment =
  | (PaymentCommon & { status: "ready" })
  | (PaymentCommon & { status: "paid"; paidAtMs: number })
  | (PaymentCommon & { status: "cancelled" })
  | (PaymentCommon & { status: "failed" });

/** How to find one payment: by the attempt's id when we have it, else the order's newest attempt. */
export type PaymentRef =
  | { gatewayId: string; merchantUid?: string }
  | { gatewayId?: undefined; merchantUid: string; /** only an attempt in this status */ status?: GatewayPaymentStatus };

export interface PreRegisterInput {
  merchantUid: string;
  amount: number;
  currency: "KRW";
}

export interface CancelInput {
  gatewayId: string;
  merchantUid: string;
  /** Amount to refund now, > 0: never "everything by omission". */
  amount: number;
  /** The refundable balance before this cancel as we believe it; the gateway refuses on mismatch (V1 checksum, V2 currentCancellableAmount). */
  remainingBalance: number;
  reason: string;
}

/** A registered card (V1 customer_uid, V2 billingKey) as the gateway describes it. */
export interface BillingKeyInfo {
  billingKey: string;
  /** Card issuer's name, e.g. "현대카드"; null when unknown. */
  cardName: string | null;
  /** Masked card number as the gateway shows it; null when unknown. */
  cardNumberMasked: string | null;
  /** Our id for the customer, when the gateway keeps one. */
  customerId: string | null;
  /** false once deleted at the gateway. */
  usable: boolean;
}

export interface BuyerInfo {
  name?: string;
  email?: string;
  tel?: string;
}

export interface ChargeBillingKeyInput {
  billingKey: string;
  /** Unique per charge attempt: derived from (subscription, period, attempt), so a repeat is recognised. */
  merchantUid: string;
  amount: number;
  name: string;
  currency: "KRW";
  buyer?: BuyerInfo;
}

export interface Gateway {
  readonly name: GatewayName;

  /** Tells the gateway the amount this merchantUid must charge, before the payment window opens. */
  preRegister(input: PreRegisterInput): Promise<void>;

  /** GatewayNotFoundError when there is no such payment. */
  getPayment(ref: PaymentRef): Promise<GatewayPayment>;
  /** Many payments in as few calls as the gateway allows (≤ 100 refs per call); only those found are returned. */
  getPayments(refs: readonly { gatewayId: string; merchantUid: string }[]): Promise<GatewayPayment[]>;

  /** Cancels exactly `amount` against `remainingBalance`; resolves with the payment after the cancel. */
  cancel(input: CancelInput): Promise<GatewayPayment>;

  billing: {
    /** GatewayNotFoundError when the key does not exist (or never finished issuing). */
    getBillingKey(billingKey: string): Promise<BillingKeyInfo>;
    /** Deleting a key that is already gone resolves (idempotent). */
    deleteBillingKey(billingKey: string, reason?: string): Promise<void>;
    /**
     * The usable keys the gateway holds for this customer id of ours: how a registration whose key was never
     * reported finds it (V2 names keys itself; V1's key is named by the customer id, so it is that one or none).
     */
    keysIssuedTo(customerId: string): Promise<BillingKeyInfo[]>;
    /**
     * Charges the key once per merchantUid. Resolves with the payment when the card company answered: status
     * "paid", or "failed" for a decline (V2 reports a decline as an error; its adapter turns it into a failed
     * payment). A merchantUid already paid resolves with that payment and charges nothing (V2 ALREADY_PAID).
     * Throws a transport error when the outcome is unknown: the caller looks the merchantUid up before retrying.
     */
    charge(input: ChargeBillingKeyInput): Promise<GatewayPayment>;
  };
}
