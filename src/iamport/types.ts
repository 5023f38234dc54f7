// Request bodies. Only fields pocketpay may plausibly send are typed; Iamport accepts more (see
// reference/iamport-v1.md) and they can be added here when needed. Optional fields stay optional:
// over-strict request types were a top complaint about the official TypeScript client.

export interface PrepareInput {
  merchant_uid: string;
  amount: number;
  /** Omit to leave the currency unchecked. */
  currency?: string;
}

type CancelTarget = { imp_uid: string; merchant_uid?: string } | { imp_uid?: string; merchant_uid: string };

export type CancelPaymentInput = CancelTarget & {
  /** Amount to refund now: required and > 0 (Iamport reads a missing amount as "everything"). */
  amount: number;
  /** Refundable balance before this cancel (amount - cancel_amount) as we believe it; Iamport refuses on mismatch. */
  checksum: number;
  reason?: string;
  tax_free?: number;
  vat_amount?: number;
  /** API cancels send no webhook unless this is true. */
  enable_webhook?: boolean;
  /** Virtual-account refunds. */
  refund_holder?: string;
  refund_bank?: string;
  refund_account?: string;
  refund_tel?: string;
};

export interface CreateCustomerInput {
  /** "dddd-dddd-dddd-dddd" */
  card_number: string;
  /** "YYYY-MM" */
  expiry: string;
  birth?: string;
  pwd_2digit?: string;
  cvc?: string;
  pg?: string;
  channel_key?: string;
  customer_id?: string;
  customer_name?: string;
  customer_tel?: string;
  customer_email?: string;
  customer_addr?: string;
  customer_postcode?: string;
}

interface BuyerFields {
  buyer_name?: string;
  buyer_email?: string;
  buyer_tel?: string;
  buyer_addr?: string;
  buyer_postcode?: string;
}

export interface PayAgainInput extends BuyerFields {
  customer_uid: string;
  /** Unique per charge. */
  merchant_uid: string;
  amount: number;
  /** Required: some PGs (Inicis billing) refuse without it. */
  name: string;
  currency?: string;
  tax_free?: number;
  vat_amount?: number;
  card_quota?: number;
  custom_data?: string;
  notice_url?: string;
  channel_key?: string;
}

export interface ScheduleItem extends BuyerFields {
  merchant_uid: string;
  /** Unix seconds. */
  schedule_at: number;
  amount: number;
  name: string;
  currency?: string;
  tax_free?: number;
  vat_amount?: number;
  custom_data?: string;
  notice_url?: string;
}

export interface ScheduleInput {
  customer_uid: string;
  customer_id?: string;
  checking_amount?: number;
  card_number?: string;
  expiry?: string;
  birth?: string;
  pwd_2digit?: string;
  channel_key?: string;
  schedules: ScheduleItem[];
}

/** Omit merchant_uid to revoke all of the customer's schedules; omit customer_uid to revoke the listed ones. */
export interface UnscheduleInput {
  customer_uid?: string;
  merchant_uid?: string | string[];
}
