// zod schemas for Iamport V1 responses.
//
// Iamport may add output fields and enum values without notice (its backward-compatibility policy), so
// every object is loose (unknown keys kept), optional strings are nullish, and enum-like strings
// (status, pay_method, ...) are plain strings with the known values exported as types. Only the fields
// our verification depends on are required.

import * as z from "zod";

const str = z.string().nullish();
const int = z.number().int().nullish();
const bool = z.boolean().nullish();
/** Lists are always arrays for callers, even if Iamport sends null or omits them. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

export const EnvelopeSchema = z.looseObject({
  code: z.number().int(),
  message: z.string().nullish(),
  response: z.unknown().optional(),
});
export type IamportEnvelope = z.infer<typeof EnvelopeSchema>;

export const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  now: z.number().int(),
  expired_at: z.number().int(),
});
export type IamportTokenResponse = z.infer<typeof TokenResponseSchema>;

export const PreparedSchema = z.looseObject({
  merchant_uid: z.string(),
  amount: z.number(),
  currency: str,
});
export type IamportPrepared = z.infer<typeof PreparedSchema>;

export const PAYMENT_STATUSES = ["ready", "paid", "cancelled", "failed"] as const;
export type IamportPaymentStatus = (typeof PAYMENT_STATUSES)[number];
export function isKnownPaymentStatus(s: string): s is IamportPaymentStatus {
  return (PAYMENT_STATUSES as readonly string[]).includes(s);
}

export const PaymentCancelSchema = z.looseObject({
  pg_tid: str,
  amount: z.number(),
  cancelled_at: z.number().int(),
  reason: str,
  cancellation_id: str,
  receipt_url: str,
});
export type IamportPaymentCancel = z.infer<typeof PaymentCancelSchema>;

export const VbankDepositSchema = z.looseObject({
  pg_tid: str,
  amount: z.number().nullish(),
  depositor_name: str,
  deposited_at: int,
});

export const PaymentSchema = z.looseObject({
  imp_uid: z.string(),
  merchant_uid: z.string(),
  amount: z.number(),
  cancel_amount: z.number(),
  currency: z.string(),
  // Kept as a string so a new status does not turn a real payment into a "malformed" error;
  // compare against IamportPaymentStatus values or use isKnownPaymentStatus().
  status: z.string(),
  // Required by the 2026 spec, but older servers (and emulators) may omit it: callers check `=== false`.
  sandbox: bool,
  pay_method: str,
  channel: str,
  pg_provider: str,
  emb_pg_provider: str,
  pg_tid: str,
  pg_id: str,
  escrow: bool,
  apply_num: str,
  bank_code: str,
  bank_name: str,
  card_code: str,
  card_name: str,
  card_issuer_code: str,
  card_issuer_name: str,
  card_publisher_code: str,
  card_publisher_name: str,
  card_quota: int,
  card_number: str,
  card_type: int,
  vbank_code: str,
  vbank_name: str,
  vbank_num: str,
  vbank_holder: str,
  vbank_date: int,
  vbank_issued_at: int,
  name: str,
  buyer_name: str,
  buyer_email: str,
  buyer_tel: str,
  buyer_addr: str,
  buyer_postcode: str,
  custom_data: str,
  user_agent: str,
  started_at: int,
  paid_at: int,
  failed_at: int,
  cancelled_at: int,
  fail_reason: str,
  cancel_reason: str,
  receipt_url: str,
  cancel_history: list(PaymentCancelSchema),
  cancel_receipt_urls: list(z.string()),
  deposit_history: list(VbankDepositSchema),
  cash_receipt_issued: bool,
  customer_uid: str,
  customer_uid_usage: str,
  promotion: z.looseObject({ id: str, discount: z.number().nullish() }).nullish(),
});
export type IamportPayment = z.infer<typeof PaymentSchema>;

/** GET /payments: the found payments (200 all, 207 some); a null response means none were found. */
export const PaymentListSchema = list(PaymentSchema);

export const CustomerSchema = z.looseObject({
  customer_uid: z.string(),
  pg_provider: str,
  pg_id: str,
  sandbox: bool,
  customer_id: str,
  card_name: str,
  card_code: str,
  card_issuer_code: str,
  card_issuer_name: str,
  card_publisher_code: str,
  card_publisher_name: str,
  card_number: str,
  card_type: int,
  customer_name: str,
  customer_tel: str,
  customer_email: str,
  customer_addr: str,
  customer_postcode: str,
  inserted: int,
  updated: int,
});
export type IamportCustomer = z.infer<typeof CustomerSchema>;

export type IamportScheduleStatus = "scheduled" | "executed" | "revoked";

export const ScheduleResultSchema = z.looseObject({
  customer_uid: z.string(),
  merchant_uid: z.string(),
  imp_uid: str,
  pg_provider: str,
  pg_id: str,
  customer_id: str,
  schedule_at: int,
  executed_at: int,
  revoked_at: int,
  amount: z.number().nullish(),
  currency: str,
  name: str,
  buyer_name: str,
  buyer_email: str,
  buyer_tel: str,
  buyer_addr: str,
  buyer_postcode: str,
  custom_data: str,
  /** scheduled | executed | revoked (see IamportScheduleStatus); open set. */
  schedule_status: str,
  /** null before execution, then paid | failed | cancelled. */
  payment_status: str,
  fail_reason: str,
  promotion_id: str,
});
export type IamportScheduleResult = z.infer<typeof ScheduleResultSchema>;

export const ScheduleResultListSchema = list(ScheduleResultSchema);
