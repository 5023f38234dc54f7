import { api, newKey } from "./api";
import { field, qs, qsa, say, typedAmount } from "./dom";
import { clearErrors, showErrors } from "./form-errors";
import { t } from "./i18n";

/** The admin's refund form (data-refund="<merchant_uid>"): one Idempotency-Key per intended refund. */
export function setUpRefunds() {
  for (const form of qsa<HTMLFormElement>("form[data-refund]")) {
    let key = newKey();
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const button = qs<HTMLButtonElement>("button[type=submit]", form)!;
      if (button.disabled) return;
      clearErrors(form);
      // Sent as a number when it is one; anything else goes as typed, so the server names the problem.
      const body = { amount: typedAmount(field(form, "amount")?.value ?? "") ?? "", reason: field(form, "reason")?.value ?? "" };
      button.disabled = true;
      const status = qs("[data-refund-status]", form);
      say(status, t("client.refunding"));
      const uid = encodeURIComponent(form.getAttribute("data-refund")!);
      const res = await api("POST", `/api/payments/${uid}/refunds`, body, { "Idempotency-Key": key });
      // Same URL: only a reload shows the refunded payment (a changed #hash alone would not load it).
      if (res.status === 201) {
        location.reload();
        return;
      }
      // The key keeps the body it was first sent with. Only an unknown outcome (no answer, 503: the refund may be
      // pending) is retried with it; after any answer, an edited form is a new request with a new key.
      if (res.status !== 0 && res.status !== 503) key = newKey();
      button.disabled = false;
      say(status, "");
      showErrors(form, res, { amount_exceeds_refundable: "amount", balance_changed: "amount", refund_in_progress: "amount" });
    });
  }
}
