// zod schemas for the PortOne V2 responses pocketpay reads (shapes from portone-io/server-sdk, javascript/src/generated).
//
// PortOne adds fields and enum values without notice (the SDK types every enum as `... | string & {}` and every union
// with an "unrecognized" arm), so every object is loose, optional fields are nullish, and statuses, method types and
// error types are plain strings: an unknown value is decided on by the mapper, never rejected here. Only the fields
// the mapping depends on are required.

import * as z from "zod";

const str = z.string().nullish();
const num = z.number().nullish();
/** Lists are always arrays for callers, even when PortOne sends null or leaves them out. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

/** Every V2 error body: `type` is the error's name (PAYMENT_NOT_FOUND, ALREADY_PAID, PG_PROVIDER, ...). */
export const V2ErrorSchema = z.looseObject({
  type: z.string().min(1),
  message: str,
  /** PG_PROVIDER only: the PG's own code and message (a decline's reason). */
  pgCode: str,
  pgMessage: str,
});
export type V2Error = z.infer<typeof V2ErrorSchema>;

// Only the fields the mapping reads are listed (the rest pass through the loose objects unchecked): each listed
// field costs bundle size. The full shapes are the SDK's generated Payment, PaymentCancellation, BillingKeyInfo.

export const V2AmountSchema = z.looseObject({
  /** 총 결제금액: what the buyer was asked to pay (what pre-registration fixes); `paid` is less after a discount. */
  total: z.number(),
  cancelled: num,
});

/** One entry of `cancellations`: REQUESTED, SUCCEEDED or FAILED. */
export const V2CancellationSchema = z.looseObject({
  status: z.string(),
  id: z.string(),
  totalAmount: z.number(),
  reason: str,
  cancelledAt: str,
  requestedAt: str,
});

/** card.name: 카드 상품명; card.number: the masked number. */
const V2CardSchema = z.looseObject({ name: str, number: str });

/** PaymentMethod is a union on `type`; one loose object holds the fields of the variants we read. */
export const V2PaymentMethodSchema = z.looseObject({
  type: z.string(),
  /** PaymentMethodEasyPay */
  provider: str,
  /** PaymentMethodGiftCertificate */
  giftCertificateType: str,
  /** PaymentMethodVirtualAccount */
  bank: str,
  accountNumber: str,
  remitteeName: str,
  expiredAt: str,
});
export type V2PaymentMethod = z.infer<typeof V2PaymentMethodSchema>;

export const V2PaymentSchema = z.looseObject({
  /** READY | PENDING (PAY_PENDING in the Payment union) | VIRTUAL_ACCOUNT_ISSUED | PAID | PARTIAL_CANCELLED | CANCELLED | FAILED */
  status: z.string(),
  /** Our paymentId (the merchant's id: pocketpay's merchantUid). */
  id: z.string(),
  /** PortOne's id of the attempt (V1's imp_uid for V1 payments). */
  transactionId: z.string(),
  method: V2PaymentMethodSchema.nullish(),
  /** channel.type: LIVE | TEST */
  channel: z.looseObject({ type: str }).nullish(),
  billingKey: str,
  requestedAt: str,
  statusChangedAt: str,
  orderName: str,
  amount: V2AmountSchema,
  currency: z.string(),
  paidAt: str,
  cancelledAt: str,
  failure: z.looseObject({ reason: str, pgMessage: str }).nullish(),
  receiptUrl: str,
  cancellations: list(V2CancellationSchema),
});
export type V2Payment = z.infer<typeof V2PaymentSchema>;

/** POST /payments/{paymentId}/cancel: the cancellation made (the payment is read again afterwards). */
export const V2CancelResponseSchema = z.looseObject({ cancellation: V2CancellationSchema });

/**
 * Pre-register (`{}`), delete (`{ deletedAt }`) and a billing-key charge (`{ payment: { pgTxId, paidAt } }`, a summary;
 * the payment is read afterwards): nothing we act on, but it must be a JSON object.
 */
export const V2AnyObjectSchema = z.looseObject({});

export const V2BillingKeyInfoSchema = z.looseObject({
  /** ISSUED | DELETED */
  status: z.string(),
  billingKey: z.string(),
  methods: list(z.looseObject({ card: V2CardSchema.nullish() })),
  customer: z.looseObject({ id: str }).nullish(),
});
export type V2BillingKeyInfo = z.infer<typeof V2BillingKeyInfoSchema>;

/** GET /billing-keys (GetBillingKeyInfosResponse): one page of keys. */
export const V2BillingKeyListSchema = z.looseObject({ items: z.array(V2BillingKeyInfoSchema) });
