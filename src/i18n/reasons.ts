import { formatAmount } from "./format";
import type { Params } from "./interpolate";
import type { MessageKey } from "./ko";
import type { Locale } from "./locales";

// The reasons pocketpay records for a payment's changes (payment_events.reason, fail_reason, a refund's reason)
// are English, written by the services (validate-payment, iamport-cancels, cancel-order, refund-payment) and by
// verification.ts. The pages show each reason pocketpay itself writes in the page's language; anything else
// (a card company's message from Iamport, the reason an administrator typed) is shown as it was given.

interface Words {
  t: (key: MessageKey, params?: Params) => string;
  has: (key: string) => key is MessageKey;
}

const money = (locale: Locale, amount: string, currency = "KRW") =>
  currency === "KRW" ? formatAmount(locale, Number(amount)) : `${amount} ${currency}`;

/** A pay method the catalogue knows, in the page's language; another stays as Iamport calls it. */
const method = ({ t, has }: Words, code: string) => {
  const key = `method.${code}`;
  return has(key) ? t(key) : code;
};

interface Rule {
  pattern: RegExp;
  describe: (m: RegExpMatchArray, words: Words, locale: Locale, again: (text: string) => string) => string;
}

const RULES: Rule[] = [
  {
    pattern: /^verified with Iamport: (\d+) ([A-Z]{3}) by (.+)$/,
    describe: (m, w, l) => w.t("reason.verified", { amount: money(l, m[1]!, m[2]), method: method(w, m[3]!) }),
  },
  { pattern: /^amount mismatch: ordered (\d+), paid (\d+)$/, describe: (m, w, l) => w.t("reason.amountMismatch", { ordered: money(l, m[1]!), paid: money(l, m[2]!) }) },
  { pattern: /^currency mismatch: ordered (\w+), paid (\w+)$/, describe: (m, w) => w.t("reason.currencyMismatch", { ordered: m[1]!, paid: m[2]! }) },
  { pattern: /^merchant_uid mismatch: Iamport has (.+)$/, describe: (m, w) => w.t("reason.merchantUidMismatch", { merchantUid: m[1]! }) },
  { pattern: /^paid on a test channel$/, describe: (_, w) => w.t("reason.testChannel") },
  { pattern: /^refund of a rejected payment$/, describe: (_, w) => w.t("reason.refundOfRejected") },
  { pattern: /^paid after the order was cancelled$/, describe: (_, w) => w.t("reason.paidAfterCancel") },
  { pattern: /^The payment failed at Iamport\.$/, describe: (_, w) => w.t("reason.failedAtIamport") },
  { pattern: /^cancelled by the buyer before paying$/, describe: (_, w) => w.t("reason.buyerCancelled") },
  { pattern: /^cancelled at Iamport$/, describe: (_, w) => w.t("reason.cancelledAtIamport") },
  { pattern: /^cancelled amount now (\d+)$/, describe: (m, w, l) => w.t("reason.cancelledAmountNow", { amount: money(l, m[1]!) }) },
  { pattern: /^rejected: (.+)$/, describe: (m, w, _l, again) => w.t("reason.rejected", { reason: again(m[1]!) }) },
  { pattern: /^Iamport refused: (.+)$/, describe: (m, w) => w.t("reason.iamportRefused", { message: m[1]! }) },
  { pattern: /^Iamport has no record of this refund$/, describe: (_, w) => w.t("reason.noRecordOfRefund") },
  // Subscriptions (services/settle-attempt, renew-subscription, manage-subscription, subscribe).
  { pattern: /^(\d+) KRW paid \((pay_[0-9a-f]+)\)$/, describe: (m, w, l) => w.t("reason.sub.paid", { amount: money(l, m[1]!), merchantUid: m[2]! }) },
  { pattern: /^attempt (\d+): (.+)$/, describe: (m, w, _l, again) => w.t("reason.sub.attempt", { attempt: m[1]!, reason: again(m[2]!) }) },
  { pattern: /^plan (price_\w+)$/, describe: (m, w) => w.t("reason.sub.plan", { price: m[1]! }) },
  { pattern: /^(price_\w+) → (price_\w+)(?: at the next period)?$/, describe: (m, w) => w.t("reason.sub.planChange", { from: m[1]!, to: m[2]! }) },
  { pattern: /^plan change withdrawn$/, describe: (_, w) => w.t("reason.sub.planWithdrawn") },
  { pattern: /^at the end of the period$/, describe: (_, w) => w.t("reason.sub.atPeriodEnd") },
  { pattern: /^canceled at the end of the period$/, describe: (_, w) => w.t("reason.sub.endedAtPeriodEnd") },
  { pattern: /^canceled now$/, describe: (_, w) => w.t("reason.sub.canceledNow") },
  { pattern: /^canceled now, current period refunded$/, describe: (_, w) => w.t("reason.sub.canceledRefunded") },
  { pattern: /^retries stopped after a hard decline$/, describe: (_, w) => w.t("reason.sub.hardDeclineEnd") },
  { pattern: /^retry requested by an administrator$/, describe: (_, w) => w.t("reason.sub.adminRetry") },
  // "at Iamport" in rows written before PortOne V2; "at the gateway" since.
  { pattern: /^billing key deleted at (?:Iamport|the gateway)$/, describe: (_, w) => w.t("reason.sub.keyDeleted") },
  { pattern: /^subscription canceled before this charge landed$/, describe: (_, w) => w.t("reason.sub.chargedAfterCancel") },
  { pattern: /^declined$/, describe: (_, w) => w.t("reason.sub.declined") },
  {
    // "refund 2000 (id), cancelled at Iamport 500 (id)": what one sync recorded.
    pattern: /^(?:(?:refund|cancelled at Iamport) \d+ \([^()]*\)(?:, |$))+$/,
    describe: (m, w, l) =>
      [...m[0].matchAll(/(refund|cancelled at Iamport) (\d+) \(([^()]*)\)/g)]
        .map((part) => w.t(part[1] === "refund" ? "reason.refundPart" : "reason.outsideCancelPart", { amount: money(l, part[2]!), id: part[3]! }))
        .join(", "),
  },
];

/** A recorded reason in the page's language when pocketpay wrote it; otherwise the text as it was given. */
export function describeReason(locale: Locale, words: Words, text: string): string {
  const again = (inner: string) => describeReason(locale, words, inner);
  for (const rule of RULES) {
    const m = text.match(rule.pattern);
    if (m) return rule.describe(m, words, locale, again);
  }
  return text;
}
