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

export const V2AmountSchema = z.looseObject({
  /** 총 결제금액: what the buyer was asked to pay (what pre-registration fixes). */
  total: z.number(),
  taxFree: num,
  vat: num,
  supply: num,
  discount: num,
  /** 실제 결제금액 (after card-company or easy-pay discounts). */
  paid: num,
  cancelled: num,
  cancelledTaxFree: num,
});

/** One entry of `cancellations`: REQUESTED, SUCCEEDED or FAILED. */
export const V2CancellationSchema = z.looseObject({
  status: z.string(),
  id: z.string(),
  pgCancellationId: str,
  totalAmount: z.number(),
  taxFreeAmount: num,
  vatAmount: num,
  reason: str,
  cancelledAt: str,
  requestedAt: str,
  receiptUrl: str,
});
export type V2Cancellation = z.infer<typeof V2CancellationSchema>;

export const V2CardSchema = z.looseObject({
  publisher: str,
  issuer: str,
  brand: str,
  type: str,
  bin: str,
  /** 카드 상품명 */
  name: str,
  /** masked card number */
  number: str,
});

/** PaymentMethod is a union on `type`; one loose object holds the fields of the variants we read. */
export const V2PaymentMethodSchema = z.looseObject({
  type: z.string(),
  card: V2CardSchema.nullish(),
  approvalNumber: str,
  /** PaymentMethodEasyPay */
  provider: str,
  /** PaymentMethodGiftCertificate */
  giftCertificateType: str,
  /** PaymentMethodVirtualAccount / PaymentMethodTransfer */
  bank: str,
  accountNumber: str,
  remitteeName: str,
  expiredAt: str,
  issuedAt: str,
});
export type V2PaymentMethod = z.infer<typeof V2PaymentMethodSchema>;

export const V2ChannelSchema = z.looseObject({
  /** LIVE | TEST */
  type: str,
  id: str,
  key: str,
  pgProvider: str,
});

export const V2PaymentSchema = z.looseObject({
  /** READY | PENDING (PAY_PENDING in the Payment union) | VIRTUAL_ACCOUNT_ISSUED | PAID | PARTIAL_CANCELLED | CANCELLED | FAILED */
  status: z.string(),
  /** Our paymentId (the merchant's id: pocketpay's merchantUid). */
  id: z.string(),
  /** PortOne's id of the attempt (V1's imp_uid for V1 payments). */
  transactionId: z.string(),
  storeId: str,
  method: V2PaymentMethodSchema.nullish(),
  channel: V2ChannelSchema.nullish(),
  billingKey: str,
  requestedAt: str,
  updatedAt: str,
  statusChangedAt: str,
  orderName: str,
  amount: V2AmountSchema,
  currency: z.string(),
  customer: z.looseObject({ id: str, name: str, email: str, phoneNumber: str }).nullish(),
  paidAt: str,
  failedAt: str,
  cancelledAt: str,
  failure: z.looseObject({ reason: str, pgCode: str, pgMessage: str }).nullish(),
  pgTxId: str,
  receiptUrl: str,
  cancellations: list(V2CancellationSchema),
});
export type V2Payment = z.infer<typeof V2PaymentSchema>;

/** POST /payments/{paymentId}/cancel: the cancellation made (the payment is read again afterwards). */
export const V2CancelResponseSchema = z.looseObject({ cancellation: V2CancellationSchema });

/** POST /payments/{paymentId}/billing-key: a summary only (pgTxId, paidAt); the payment is read afterwards. */
export const V2ChargeResponseSchema = z.looseObject({
  payment: z.looseObject({ pgTxId: str, paidAt: str }),
});

/** Pre-register and delete answer `{}` / `{ deletedAt }`: nothing we act on, but it must be JSON. */
export const V2AnyObjectSchema = z.looseObject({});

export const V2BillingKeyInfoSchema = z.looseObject({
  /** ISSUED | DELETED */
  status: z.string(),
  billingKey: z.string(),
  methods: list(z.looseObject({ type: z.string(), card: V2CardSchema.nullish(), provider: str })),
  channels: list(V2ChannelSchema),
  customer: z.looseObject({ id: str }).nullish(),
  issuedAt: str,
  deletedAt: str,
});
export type V2BillingKeyInfo = z.infer<typeof V2BillingKeyInfoSchema>;
