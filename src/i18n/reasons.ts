import { formatAmount } from "./format";
import type { Params } from "./interpolate";
import type { MessageKey } from "./ko";
import type { Locale } from "./locales";

// Why a payment changed, as pocketpay records it (payment_events.reason, fail_reason, a refund's reason) is
// English, written by the services (validate-payment, iamport-cancels, cancel-order, refund-payment) and by
// verification.ts. The pages show each reason pocketpay itself writes in the page's language; anything else
// (a card company's message from Iamport, the reason an administrator typed) is shown as it was given.

type Translate = (key: MessageKey, params?: Params) => string;

const money = (locale: Locale, amount: string, currency = "KRW") =>
  currency === "KRW" ? formatAmount(locale, Number(amount)) : `${amount} ${currency}`;

interface Rule {
  pattern: RegExp;
  describe: (m: RegExpMatchArray, t: Translate, locale: Locale, again: (text: string) => string) => string;
}

const RULES: Rule[] = [
  {
    pattern: /^verified with Iamport: (\d+) ([A-Z]{3}) by (.+)$/,
    describe: (m, t, l) => t("reason.verified", { amount: money(l, m[1]!, m[2]), method: methodName(t, m[3]!) }),
  },
  { pattern: /^amount mismatch: ordered (\d+), paid (\d+)$/, describe: (m, t, l) => t("reason.amountMismatch", { ordered: money(l, m[1]!), paid: money(l, m[2]!) }) },
  { pattern: /^currency mismatch: ordered (\w+), paid (\w+)$/, describe: (m, t) => t("reason.currencyMismatch", { ordered: m[1]!, paid: m[2]! }) },
  { pattern: /^merchant_uid mismatch: Iamport has (.+)$/, describe: (m, t) => t("reason.merchantUidMismatch", { merchantUid: m[1]! }) },
  { pattern: /^paid on a test channel$/, describe: (_, t) => t("reason.testChannel") },
  { pattern: /^refund of a rejected payment$/, describe: (_, t) => t("reason.refundOfRejected") },
  { pattern: /^paid after the order was cancelled$/, describe: (_, t) => t("reason.paidAfterCancel") },
  { pattern: /^The payment failed at Iamport\.$/, describe: (_, t) => t("reason.failedAtIamport") },
  { pattern: /^cancelled by the buyer before paying$/, describe: (_, t) => t("reason.buyerCancelled") },
  { pattern: /^cancelled at Iamport$/, describe: (_, t) => t("reason.cancelledAtIamport") },
  { pattern: /^cancelled amount now (\d+)$/, describe: (m, t, l) => t("reason.cancelledAmountNow", { amount: money(l, m[1]!) }) },
  { pattern: /^rejected: (.+)$/, describe: (m, t, _l, again) => t("reason.rejected", { reason: again(m[1]!) }) },
  { pattern: /^Iamport refused: (.+)$/, describe: (m, t) => t("reason.iamportRefused", { message: m[1]! }) },
  { pattern: /^Iamport has no record of this refund$/, describe: (_, t) => t("reason.noRecordOfRefund") },
  {
    // "refund 2000 (id), cancelled at Iamport 500 (id)": what one sync recorded.
    pattern: /^(?:(?:refund|cancelled at Iamport) \d+ \([^()]*\)(?:, |$))+$/,
    describe: (m, t, l) =>
      [...m[0].matchAll(/(refund|cancelled at Iamport) (\d+) \(([^()]*)\)/g)]
        .map((part) => t(part[1] === "refund" ? "reason.refundPart" : "reason.outsideCancelPart", { amount: money(l, part[2]!), id: part[3]! }))
        .join(", "),
  },
];

const methodName = (t: Translate, method: string) => {
  const key = `method.${method}` as MessageKey;
  const text = t(key);
  return text.startsWith("\u27e6") ? method : text;
};

/** A recorded reason in the page's language when pocketpay wrote it; otherwise the text as it was given. */
export function describeReason(locale: Locale, t: Translate, text: string): string {
  const again = (inner: string) => describeReason(locale, t, inner);
  for (const rule of RULES) {
    const m = text.match(rule.pattern);
    if (m) return rule.describe(m, t, locale, again);
  }
  return text;
}
