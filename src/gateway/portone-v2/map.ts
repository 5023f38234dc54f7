// PortOne V2's payment and billing-key shapes, in the gateway's words (src/gateway/types.ts).
//
// Status map (V2 → ours, V1 semantics):
//
//   V2 status               | GatewayPaymentStatus | notes
//   ------------------------+----------------------+---------------------------------------------------------------
//   READY                   | ready                | window opened, nothing charged
//   PENDING / PAY_PENDING   | ready                | awaiting the PG's approval (PaymentStatus says PENDING, the
//                           |                      | Payment union PAY_PENDING): nothing charged yet
//   VIRTUAL_ACCOUNT_ISSUED  | ready                | with virtualAccount (bank, number, holder, due date)
//   PAID                    | paid                 | money held; cancelledAmount 0                              
//   PARTIAL_CANCELLED       | paid                 | cancelledAmount > 0 (V1 keeps "paid" after a partial cancel)
//   CANCELLED               | cancelled            | cancelledAmount === amount
//   FAILED                  | failed               | failReason from failure.reason, else the PG's message
//   anything else           | (error)              | GatewayTransportError "malformed": never guessed
//
// Fields: gatewayId = transactionId; merchantUid = id (our paymentId); amount = amount.total (what pre-registration
// fixes; amount.paid is less when a card company discounts); cancelledAmount = amount.cancelled; cancels = the
// SUCCEEDED entries of `cancellations` (id = the cancellation's id; REQUESTED and FAILED ones have moved no money);
// times from RFC 3339 strings; sandbox = channel.type TEST/LIVE; payMethod in V1's words (methodInV1Words).

import { GatewayTransportError } from "../errors";
import type { BillingKeyInfo, GatewayCancel, GatewayPayment, GatewayPaymentStatus, VirtualAccount } from "../types";
import type { V2BillingKeyInfo, V2Payment, V2PaymentMethod } from "./schemas";

const STATUS_MAP: Readonly<Record<string, GatewayPaymentStatus>> = {
  READY: "ready",
  PENDING: "ready",
  PAY_PENDING: "ready",
  VIRTUAL_ACCOUNT_ISSUED: "ready",
  PAID: "paid",
  PARTIAL_CANCELLED: "paid",
  CANCELLED: "cancelled",
  FAILED: "failed",
};

/** V2 status → ours; undefined for a status this adapter does not know. */
export function statusOf(v2Status: string): GatewayPaymentStatus | undefined {
  return Object.hasOwn(STATUS_MAP, v2Status) ? STATUS_MAP[v2Status] : undefined;
}

/** RFC 3339 → epoch ms; null when absent or unparseable. */
export function msOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

const EASY_PAY_WORDS: Readonly<Record<string, string>> = {
  SAMSUNGPAY: "samsung",
  KAKAOPAY: "kakaopay",
  NAVERPAY: "naverpay",
  PAYCO: "payco",
  TOSSPAY: "tosspay",
  SSGPAY: "ssgpay",
  LPAY: "lpay",
  KPAY: "kpay",
  APPLEPAY: "applepay",
  PAYPAL: "paypal",
  CHAI: "chai",
};

const GIFT_WORDS: Readonly<Record<string, string>> = {
  CULTURELAND: "cultureland",
  SMART_MUNSANG: "smartculture",
  BOOKNLIFE: "booknlife",
  HAPPYMONEY: "happymoney",
  CULTUREGIFT: "culturegift",
};

/**
 * V2's method type in V1's pay_method words: card, vbank, trans, phone, cvs; an easy pay as its provider
 * (kakaopay, naverpay, ...; "point", V1's word for a generic easy pay, when the provider is not named); a gift
 * certificate as its kind (cultureland, ...). An unknown type is passed on lower-cased without its prefix.
 */
export function methodInV1Words(method: V2PaymentMethod | null | undefined): string | null {
  if (!method) return null;
  switch (method.type) {
    case "PaymentMethodCard":
      return "card";
    case "PaymentMethodVirtualAccount":
      return "vbank";
    case "PaymentMethodTransfer":
      return "trans";
    case "PaymentMethodMobile":
      return "phone";
    case "PaymentMethodConvenienceStore":
      return "cvs";
    case "PaymentMethodEasyPay":
      return method.provider ? (EASY_PAY_WORDS[method.provider] ?? method.provider.toLowerCase().replace(/_/g, "")) : "point";
    case "PaymentMethodGiftCertificate":
      return method.giftCertificateType ? (GIFT_WORDS[method.giftCertificateType] ?? method.giftCertificateType.toLowerCase()) : "giftcertificate";
    default:
      return method.type.replace(/^PaymentMethod/, "").toLowerCase() || null;
  }
}

function virtualAccountOf(method: V2PaymentMethod | null | undefined): VirtualAccount | null {
  if (method?.type !== "PaymentMethodVirtualAccount") return null;
  return {
    bank: method.bank ?? null,
    number: method.accountNumber ?? null,
    holder: method.remitteeName ?? null,
    dueAtMs: msOf(method.expiredAt),
  };
}

function cancelsOf(p: V2Payment): GatewayCancel[] {
  return p.cancellations
    .filter((c) => c.status === "SUCCEEDED")
    .map((c) => ({
      id: c.id,
      amount: c.totalAmount,
      // cancelledAt is optional on a cancellation; the request time is the nearest V2 gives.
      cancelledAtMs: msOf(c.cancelledAt) ?? msOf(c.requestedAt) ?? 0,
      reason: c.reason ?? null,
    }))
    .sort((a, b) => a.cancelledAtMs - b.cancelledAtMs);
}

/** A V2 payment as a GatewayPayment; throws GatewayTransportError("malformed") for a status it does not know. */
export function toGatewayPayment(p: V2Payment, where: { method: string; path: string }): GatewayPayment {
  const status = statusOf(p.status);
  if (status === undefined) {
    throw new GatewayTransportError("malformed", `PortOne V2 ${where.method} ${where.path} returned a payment in an unknown status ${JSON.stringify(p.status)}`, where);
  }
  const channelType = p.channel?.type;
  const common = {
    gatewayId: p.transactionId,
    merchantUid: p.id,
    amount: p.amount.total,
    cancelledAmount: p.amount.cancelled ?? 0,
    currency: p.currency,
    name: p.orderName ?? null,
    payMethod: methodInV1Words(p.method),
    paidAtMs: msOf(p.paidAt),
    cancelledAtMs: msOf(p.cancelledAt),
    failReason: status === "failed" ? (p.failure?.reason ?? p.failure?.pgMessage ?? null) : null,
    sandbox: channelType === "TEST" ? true : channelType === "LIVE" ? false : null,
    billingKey: p.billingKey ?? null,
    cancels: cancelsOf(p),
    virtualAccount: virtualAccountOf(p.method),
    receiptUrl: p.receiptUrl ?? null,
  };
  if (status === "paid") {
    // paidAt is required on PAID but optional on PARTIAL_CANCELLED: fall back to the nearest time V2 reports
    // (a PAID payment's status changed when it was paid; a partly cancelled one was requested just before).
    const paidAtMs = common.paidAtMs ?? (p.status === "PAID" ? msOf(p.statusChangedAt) : null) ?? msOf(p.requestedAt);
    if (paidAtMs === null) {
      throw new GatewayTransportError("malformed", `PortOne V2 ${where.method} ${where.path} returned a paid payment without a time`, where);
    }
    return { ...common, status, paidAtMs };
  }
  return { ...common, status };
}

/** ISSUED → usable; DELETED → not usable. Throws GatewayTransportError("malformed") for a status it does not know. */
export function toBillingKeyInfo(k: V2BillingKeyInfo, where: { method: string; path: string }): BillingKeyInfo {
  if (k.status !== "ISSUED" && k.status !== "DELETED") {
    throw new GatewayTransportError("malformed", `PortOne V2 ${where.method} ${where.path} returned a billing key in an unknown status ${JSON.stringify(k.status)}`, where);
  }
  const card = k.methods.find((m) => m.card)?.card ?? null;
  return {
    billingKey: k.billingKey,
    cardName: card?.name ?? null,
    cardNumberMasked: card?.number ?? null,
    customerId: k.customer?.id ?? null,
    usable: k.status === "ISSUED",
  };
}
