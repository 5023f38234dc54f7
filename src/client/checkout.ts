import { api, newKey } from "./api";
import { field, qs, say, typedAmount } from "./dom";
import { clearErrors, showErrors } from "./form-errors";
import type { CheckoutParams as Checkout } from "../domain/checkout-params";
import { payMode, startPayment } from "./pay";
import { amount as won, t } from "./i18n";

/**
 * The custom-amount form (#checkout, shown only where the shop takes them): the buyer names the item and the
 * amount; one order per Idempotency-Key, then Iamport's window. Catalogue orders go through the cart (./cart.ts).
 */
export function setUpCheckout() {
  const form = qs<HTMLFormElement>("#checkout");
  if (!form) return;
  let key = form.getAttribute("data-idempotency-key") || newKey();
  const button = qs<HTMLButtonElement>("button[type=submit]", form)!;
  const status = qs("[data-checkout-status]", form);
  let busy = false;

  // Anything not numeric is sent as typed: the API's own validation names the problem beside the field.
  const order = () => ({ name: field(form, "name")?.value ?? "", amount: typedAmount(field(form, "amount")?.value ?? "") });

  const sync = () => {
    if (busy) return;
    const { amount } = order();
    const payable = typeof amount === "number" && amount > 0;
    qs("[data-total]", form)!.textContent = payable ? won(amount) : "\u2014";
    button.textContent = payable ? t("client.payAmount", { amount: won(amount) }) : t("client.pay");
  };
  form.addEventListener("input", sync);
  sync();

  const hint = qs("[data-mode-hint]", form);
  if (hint) hint.textContent = t(payMode() === "redirect" ? "client.hint.redirect" : "client.hint.popup");

  // A page restored from the back/forward cache is a new form: it must not replay the last order.
  window.addEventListener("pageshow", (e) => {
    if (!e.persisted) return;
    key = newKey();
    busy = false;
    button.disabled = false;
    say(status, "");
    sync();
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    button.disabled = true;
    button.textContent = t("client.creating");
    clearErrors(form);
    say(status, "");
    const body = order();
    let res = await api<{ merchant_uid: string; checkout: Checkout }>("POST", "/api/payments", body, { "Idempotency-Key": key });
    if (res.status === 422 && res.body?.error?.code === "idempotency_key_reused") {
      // The form changed after an earlier order was created with this key: this is a new order.
      key = newKey();
      res = await api("POST", "/api/payments", body, { "Idempotency-Key": key });
    }
    if (res.status !== 201 || !res.body) {
      busy = false;
      button.disabled = false;
      sync();
      showErrors(form, res);
      return;
    }
    button.textContent = t("client.waiting");
    say(status, t(payMode() === "redirect" ? "client.opening" : "client.completeInWindow"));
    const problem = await startPayment(res.body.checkout);
    const q = new URLSearchParams({ result: "failed", message: problem });
    location.assign(`/payments/${encodeURIComponent(res.body.merchant_uid)}?${q}`);
  });
}
