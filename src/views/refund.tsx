/** @jsxImportSource hono/jsx */
import { krw } from "./format";
import { Field, FormError } from "./layout";
import type { PaymentJson } from "./payment-parts";

/**
 * The admin's refund form (POST /api/payments/:merchant_uid/refunds). The page script sends the amount as an
 * integer with an Idempotency-Key made once per form, so a double click or a retry after a lost answer
 * refunds once; the server's errors (over the balance, a refund already in flight) show beside the amount.
 */
export function RefundSlot(p: { payment: PaymentJson }) {
  const refundable = p.payment.refundable_amount;
  return (
    <section class="card" id="refund" aria-labelledby="refund-title">
      <h2 id="refund-title">Refund</h2>
      {refundable > 0 ? (
        <form data-refund={p.payment.merchant_uid} data-refundable={String(refundable)} novalidate>
          <p>
            Refundable now: <strong data-refundable-label>{krw(refundable)}</strong> of {krw(p.payment.amount)}.
          </p>
          <FormError />
          <Field
            name="amount"
            label="Amount to refund (₩)"
            inputmode="numeric"
            value={String(refundable)}
            hint="Whole won. Less than the refundable amount makes a partial refund."
            required
          />
          <Field name="reason" label="Reason" maxlength={200} hint="Shown on the payment's timeline." required />
          <button type="submit" class="primary">
            Refund
          </button>
          <p class="muted" aria-live="polite" data-refund-status></p>
        </form>
      ) : (
        <p class="muted">Nothing to refund for this payment.</p>
      )}
    </section>
  );
}
