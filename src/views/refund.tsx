/** @jsxImportSource hono/jsx */
import { useI18n } from "./i18n";
import { Field, FormError } from "./layout";
import type { PaymentJson } from "./payment-parts";

/**
 * The admin's refund form (POST /api/payments/:merchant_uid/refunds). The page script sends the amount as an
 * integer with an Idempotency-Key made once per form, so a double click or a retry after a lost answer
 * refunds once; the server's errors (over the balance, a refund already in flight) show beside the amount.
 */
export function RefundSlot(p: { payment: PaymentJson }) {
  const { t, amount } = useI18n();
  const refundable = p.payment.refundable_amount;
  return (
    <section class="card" id="refund" aria-labelledby="refund-title">
      <h2 id="refund-title">{t("refund.title")}</h2>
      {refundable > 0 ? (
        <form data-refund={p.payment.merchant_uid} data-refundable={String(refundable)} novalidate>
          <p>
            {`${t("refund.refundable")} `}
            <strong data-refundable-label>{amount(refundable)}</strong>
            {` ${t("refund.ofTotal", { amount: amount(p.payment.amount) })}`}
          </p>
          <FormError />
          <Field
            name="amount"
            label={t("refund.amount")}
            inputmode="numeric"
            value={String(refundable)}
            hint={t("refund.amount.hint")}
            required
          />
          <Field name="reason" label={t("refund.reason")} maxlength={200} hint={t("refund.reason.hint")} required />
          <button type="submit" class="primary">
            {t("refund.submit")}
          </button>
          <p class="muted" aria-live="polite" data-refund-status></p>
        </form>
      ) : (
        <p class="muted">{t("refund.nothing")}</p>
      )}
    </section>
  );
}
