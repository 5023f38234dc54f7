// Identifiers of subscriptions and their billing keys. All carry 128 random bits or derive from one that does.

const hex = (bytes: Uint8Array, n = bytes.length) => {
  let s = "";
  for (let i = 0; i < n; i++) s += bytes[i]!.toString(16).padStart(2, "0");
  return s;
};

export const SUBSCRIPTION_ID_PATTERN = /^sub_[0-9a-f]{32}$/;
export const CUSTOMER_UID_PATTERN = /^cus_[0-9a-f]{32}$/;
/** A key PortOne V2 issued, as a browser reports it: PortOne names it, so only its length and characters are held. */
export const V2_BILLING_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export const newSubscriptionId = (randomBytes: (n: number) => Uint8Array) => `sub_${hex(randomBytes(16))}`;

/**
 * The billing key's name at Iamport: ours, unguessable, and new for every card registration. A customer_uid is
 * never reused: Iamport would silently re-point it at the new card and keep the old key alive.
 */
export const newCustomerUid = (randomBytes: (n: number) => Uint8Array) => `cus_${hex(randomBytes(16))}`;

/** The merchant_uid shown in the billing-key window (nothing is approved under it). */
export const newRegistrationUid = (randomBytes: (n: number) => Uint8Array) => `reg_${hex(randomBytes(16))}`;

/**
 * The merchant_uid of one charge attempt of one period: derived, not random, so an overlapping cron run or a
 * redelivered message names the same attempt, and Iamport's merchant_uid uniqueness refuses a second charge of
 * it. Shaped like every other pocketpay order id (pay_ + 32 hex), so webhooks, lookups and refunds treat renewal
 * payments as the payments they are; the subscription id's 128 random bits keep it unguessable.
 */
export async function renewalMerchantUid(subscriptionId: string, period: number, attempt: number): Promise<string> {
  const input = new TextEncoder().encode(`renewal\u0000${subscriptionId}\u0000${period}\u0000${attempt}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
  return `pay_${hex(digest, 16)}`;
}
