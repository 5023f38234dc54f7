import type { Background, Env } from "../env";
import type { Customer } from "../db/customers";
import { insertPaymentUnlessPaid } from "../db/payments";
import { newImpUid } from "../ids";
import { newPayment, type NewPayment, type Payment } from "../payment";
import { sendWebhook } from "../webhooks";

export interface KeyCharge {
  merchantUid: string;
  amount: number;
  currency: string;
  name: string | null;
  buyer: NonNullable<NewPayment["buyer"]>;
  customData: string | null;
  userAgent: string | null;
}

/**
 * Which outcomes notify the shop: `approvals` for `/again` and onetime (Iamport notifies approvals only), `attempts`
 * for a scheduled run (its webhook is sent for `paid` and for `failed`).
 */
export type Notify = "approvals" | "attempts";

/**
 * Charges a stored key, or a keyed card about to be stored, through the API channel. A decline is still a payment
 * (status `failed`, code 0 at the API). Returns null when the merchant_uid already has a paid payment.
 */
export async function chargeCard(
  env: Env,
  ctx: Background,
  nowMs: number,
  key: { customer: Pick<Customer, "customer_uid" | "pg_id" | "card_code" | "card_name" | "card_number" | "card_type">; declines: boolean; stored: boolean },
  order: KeyCharge,
  notify: Notify,
): Promise<Payment | null> {
  const { customer } = key;
  const payment = newPayment({
    impUid: newImpUid(),
    merchantUid: order.merchantUid,
    amount: order.amount,
    currency: order.currency,
    status: key.declines ? "failed" : "paid",
    nowMs,
    name: order.name,
    channel: "api",
    buyer: order.buyer,
    customData: order.customData,
    userAgent: order.userAgent,
    card: {
      card_code: customer.card_code,
      card_name: customer.card_name,
      card_number: customer.card_number,
      card_type: customer.card_type ?? 0,
    },
    customerUid: key.stored ? customer.customer_uid : null,
    // A run of Iamport's scheduler is `payment.scheduled`; /again (and onetime) `payment`.
    usage: notify === "attempts" ? "payment.scheduled" : "payment",
    pgId: customer.pg_id,
  });
  if (!(await insertPaymentUnlessPaid(env.SANDBOX_DB, payment, "json"))) return null;
  if (payment.status === "paid" || notify === "attempts") {
    await sendWebhook(
      env,
      ctx,
      { imp_uid: payment.imp_uid, merchant_uid: payment.merchant_uid, status: payment.status },
      { format: "json", nowMs },
    );
  }
  return payment;
}

/** Missing buyer_* fall back to the key's customer_* (documented for schedules, done the same for `/again`). */
export function buyerFrom(
  b: Partial<Record<"buyer_name" | "buyer_email" | "buyer_tel" | "buyer_addr" | "buyer_postcode", string>>,
  c: Pick<Customer, "customer_name" | "customer_email" | "customer_tel" | "customer_addr" | "customer_postcode"> | null,
): KeyCharge["buyer"] {
  return {
    buyer_name: b.buyer_name ?? c?.customer_name ?? null,
    buyer_email: b.buyer_email ?? c?.customer_email ?? null,
    buyer_tel: b.buyer_tel ?? c?.customer_tel ?? null,
    buyer_addr: b.buyer_addr ?? c?.customer_addr ?? null,
    buyer_postcode: b.buyer_postcode ?? c?.customer_postcode ?? null,
  };
}
