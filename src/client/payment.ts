import { api, errorOf } from "./api";
import { qs, say } from "./dom";
import { errorText, t } from "./i18n";
import type { CheckoutParams as Checkout } from "../domain/checkout-params";
import { payMode, startPayment } from "./pay";

/** How long one status request may wait for the verdict (seconds; the API's limit is 25). */
const WAIT_S = 20;

/** A payment's page (#payment): pay again, cancel the order, and follow verification until it settles. */
export function setUpPaymentPage() {
  const payment = qs("#payment");
  if (!payment) return;
  const uid = encodeURIComponent(payment.getAttribute("data-merchant-uid")!);
  const live = qs("[data-live]");
  const payAgain = qs<HTMLButtonElement>("[data-pay-again]");
  const cancel = qs<HTMLButtonElement>("[data-cancel-order]");
  let watching = false;
  const setBusy = (on: boolean) => {
    for (const b of [payAgain, cancel]) if (b) b.disabled = on;
  };

  /**
   * Waits for the verdict with long-polls (GET ?wait=N answers as soon as validation settles the payment, or after
   * N seconds): usually one request. A wait that ran its course is asked again at once; an early answer without
   * news (an error, no network, a proxy that cut the wait) is asked again after a pause that doubles up to 10 s,
   * so a struggling server is never hammered. Any change of status or imp_uid shows the page anew.
   */
  const watch = () => {
    if (watching) return;
    watching = true;
    setTimeout(() => {
      const slow = qs("[data-slow]");
      if (slow) slow.hidden = false;
    }, 30_000);
    let pauseMs = 1000;
    const ask = async () => {
      const asked = Date.now();
      const res = await api<{ status: string; imp_uid: string | null }>("GET", `/api/payments/${uid}?wait=${WAIT_S}`);
      if (res.status === 401) {
        location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
        return;
      }
      if (
        res.status === 200 && res.body &&
        (res.body.status !== payment.getAttribute("data-status") || (res.body.imp_uid ?? "") !== payment.getAttribute("data-imp-uid"))
      ) {
        location.replace(location.pathname);
        return;
      }
      if (res.status === 200 && Date.now() - asked >= (WAIT_S * 1000) / 2) {
        pauseMs = 1000;
        void ask();
        return;
      }
      setTimeout(ask, pauseMs);
      pauseMs = Math.min(pauseMs * 2, 10_000);
    };
    void ask();
  };

  payAgain?.addEventListener("click", async () => {
    setBusy(true);
    say(live, t(payMode() === "redirect" ? "client.opening" : "client.completeInWindow"));
    const problem = await startPayment(JSON.parse(payment.getAttribute("data-checkout")!) as Checkout);
    say(live, problem, true);
    setBusy(false);
  });

  cancel?.addEventListener("click", async () => {
    setBusy(true);
    say(live, t("client.cancelling"));
    const res = await api("POST", `/api/payments/${uid}/cancel`);
    if (res.status === 200) {
      location.replace(location.pathname);
      return;
    }
    const err = errorOf(res);
    say(live, errorText(err, res.status), true);
    if (err.code === "payment_exists") watch();
    else setBusy(false);
  });

  if (payment.hasAttribute("data-poll")) watch();
}
