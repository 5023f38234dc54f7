import type { CardInfo } from "../payment";
import { newApplyNum, newCancellationId, newPgTid } from "../ids";
import { receiptUrl } from "../payment";
import { MERCHANT_ID } from "./env";

// V2's objects as the REST API answers them (server-sdk javascript/src/generated: payment/*Payment.ts,
// payment/SucceededPaymentCancellation.ts, payment/billingKey/*BillingKeyInfo.ts). Timestamps are RFC 3339 strings;
// amounts are integers (KRW). Optional fields are left out rather than null, as the real API does.

export type V2Status = "READY" | "PENDING" | "VIRTUAL_ACCOUNT_ISSUED" | "PAID" | "FAILED" | "PARTIAL_CANCELLED" | "CANCELLED";

/** A paymentId in one of these has been charged (or an account issued): a new attempt on it is ALREADY_PAID. */
export const TAKEN_STATUSES: readonly V2Status[] = ["VIRTUAL_ACCOUNT_ISSUED", "PAID", "PARTIAL_CANCELLED", "CANCELLED"];

export interface V2Amount {
  total: number;
  taxFree: number;
  vat: number;
  supply: number;
  discount: number;
  paid: number;
  cancelled: number;
  cancelledTaxFree: number;
}

export interface V2Channel {
  type: "TEST";
  id: string;
  key: string;
  name: string;
  pgProvider: "INICIS_V2";
  pgMerchantId: string;
}

export interface V2Customer {
  id?: string;
  name?: string;
  email?: string;
  phoneNumber?: string;
}

export interface V2CardMethod {
  type: "PaymentMethodCard";
  card: { publisher: string; issuer: string; brand: "LOCAL"; type: "CREDIT"; ownerType: "PERSONAL"; bin: string; name: string; number: string };
  approvalNumber?: string;
  installment?: { month: number; isInterestFree: boolean };
  pointUsed?: boolean;
}

export interface V2Cancellation {
  status: "SUCCEEDED";
  id: string;
  pgCancellationId: string;
  totalAmount: number;
  taxFreeAmount: number;
  vatAmount: number;
  reason: string;
  cancelledAt: string;
  requestedAt: string;
  receiptUrl?: string;
  trigger: "API" | "CONSOLE";
}

export interface V2Payment {
  status: V2Status;
  id: string;
  transactionId: string;
  merchantId: string;
  storeId: string;
  method?: V2CardMethod;
  channel: V2Channel;
  version: "V2";
  billingKey?: string;
  requestedAt: string;
  updatedAt: string;
  statusChangedAt: string;
  orderName: string;
  amount: V2Amount;
  currency: string;
  customer: V2Customer;
  customData?: string;
  paidAt?: string;
  pgTxId?: string;
  receiptUrl?: string;
  disputes?: never[];
  cancellations?: V2Cancellation[];
  cancelledAt?: string;
  failedAt?: string;
  failure?: { reason: string; pgCode?: string; pgMessage?: string };
}

export interface V2BillingKey {
  billingKey: string;
  merchantId: string;
  storeId: string;
  methods: Array<{ type: "BillingKeyPaymentMethodCard"; card: V2CardMethod["card"] }>;
  channels: V2Channel[];
  customer: V2Customer;
  customData?: string;
  issueId?: string;
  issueName?: string;
  requestedAt: string;
  issuedAt: string;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** VAT included in a taxable amount (1/11, as PortOne computes it when none is given). */
export const vatOf = (taxable: number): number => Math.round(taxable / 11);

export function channelFor(channelKey: string, billing: boolean): V2Channel {
  return {
    type: "TEST",
    id: "sandbox-channel-inicis",
    key: channelKey,
    name: billing ? "샌드박스 KG이니시스 빌링" : "샌드박스 KG이니시스",
    pgProvider: "INICIS_V2",
    // KG Inicis test MIDs, as the V1 sandbox reports them.
    pgMerchantId: billing ? "INIBillTst" : "INIpayTest",
  };
}

export function cardOf(card: CardInfo): V2CardMethod["card"] {
  return {
    publisher: card.card_code,
    issuer: card.card_code,
    brand: "LOCAL",
    type: "CREDIT",
    ownerType: "PERSONAL",
    bin: card.card_number.slice(0, 6),
    name: card.card_name,
    number: card.card_number,
  };
}

export interface NewAttempt {
  paymentId: string;
  storeId: string;
  channel: V2Channel;
  orderName: string;
  total: number;
  taxFree?: number;
  currency: string;
  customer: V2Customer;
  customData?: string;
  card: CardInfo;
  billingKey?: string;
  nowMs: number;
  /** Set when the PG declined: the attempt is FAILED with this failure. */
  failure?: { reason: string; pgCode: string; pgMessage: string };
}

/** One attempt at a paymentId: PAID, or FAILED when the PG declined. Each attempt has its own transactionId. */
export function newAttempt(a: NewAttempt): V2Payment {
  const now = iso(a.nowMs);
  const taxFree = a.taxFree ?? 0;
  const vat = vatOf(a.total - taxFree);
  const paid = !a.failure;
  const pgTxId = newPgTid(a.nowMs);
  return {
    status: paid ? "PAID" : "FAILED",
    id: a.paymentId,
    transactionId: crypto.randomUUID(),
    merchantId: MERCHANT_ID,
    storeId: a.storeId,
    method: {
      type: "PaymentMethodCard",
      card: cardOf(a.card),
      ...(paid ? { approvalNumber: newApplyNum() } : {}),
      installment: { month: 0, isInterestFree: false },
      pointUsed: false,
    },
    channel: a.channel,
    version: "V2",
    ...(a.billingKey ? { billingKey: a.billingKey } : {}),
    requestedAt: now,
    updatedAt: now,
    statusChangedAt: now,
    orderName: a.orderName,
    amount: {
      total: a.total,
      taxFree,
      vat,
      supply: a.total - taxFree - vat,
      discount: 0,
      paid: paid ? a.total : 0,
      cancelled: 0,
      cancelledTaxFree: 0,
    },
    currency: a.currency,
    customer: a.customer,
    ...(a.customData !== undefined ? { customData: a.customData } : {}),
    ...(paid ? { paidAt: now, pgTxId, receiptUrl: receiptUrl(pgTxId), disputes: [], cancellations: [] } : {}),
    ...(a.failure ? { failedAt: now, failure: a.failure } : {}),
  };
}

/** The payment after a cancel of `amount`: PARTIAL_CANCELLED while a balance is left, then CANCELLED. */
export function applyCancel(
  p: V2Payment,
  c: { amount: number; taxFree: number; vat?: number; reason: string; nowMs: number; trigger: V2Cancellation["trigger"] },
): { payment: V2Payment; cancellation: V2Cancellation } {
  const now = iso(c.nowMs);
  const cancellation: V2Cancellation = {
    status: "SUCCEEDED",
    id: newCancellationId(),
    pgCancellationId: newPgTid(c.nowMs),
    totalAmount: c.amount,
    taxFreeAmount: c.taxFree,
    vatAmount: c.vat ?? vatOf(c.amount - c.taxFree),
    reason: c.reason,
    cancelledAt: now,
    requestedAt: now,
    ...(p.receiptUrl ? { receiptUrl: p.receiptUrl } : {}),
    trigger: c.trigger,
  };
  const cancelled = p.amount.cancelled + c.amount;
  const status: V2Status = cancelled >= p.amount.total ? "CANCELLED" : "PARTIAL_CANCELLED";
  return {
    cancellation,
    payment: {
      ...p,
      status,
      updatedAt: now,
      statusChangedAt: now,
      amount: { ...p.amount, cancelled, cancelledTaxFree: p.amount.cancelledTaxFree + c.taxFree },
      cancellations: [...(p.cancellations ?? []), cancellation],
      cancelledAt: now,
    },
  };
}
