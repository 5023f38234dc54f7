import { api, errorOf } from "./api";
import { qs, say } from "./dom";
import { errorText, t } from "./i18n";
import { payMode, startPayment, type Checkout } from "./iamport";

/** A payment's page (#payment): pay again, cancel the order, and follow verification until it settles. */
export function setUpPaymentPage() {
  const payment = qs("#payment");
  if (!payment) return;
  const uid = encodeURIComponent(payment.getAttribute("data-merchant-uid")!);
  const live = qs("[data-live]");
  const payAgain = qs<HTMLButtonElement>("[data-pay-again]");
  const cancel = qs<HTMLButtonElement>("[data-cancel-order]");
  let polling = false;
  const setBusy = (on: boolean) => {
    for (const b of [payAgain, cancel]) if (b) b.disabled = on;
  };

  const poll = () => {
    if (polling) return;
    polling = true;
    const started = Date.now();
    let delay = 800;
    const tick = async () => {
      const res = await api<{ status: string; imp_uid: string | null }>("GET", `/api/payments/${uid}`);
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
      if (Date.now() - started > 30_000) {
        const slow = qs("[data-slow]");
        if (slow) slow.hidden = false;
      }
      delay = Math.min(delay * 1.3, 5000);
      setTimeout(tick, delay);
    };
    setTimeout(tick, delay);
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
    if (err.code === "payment_exists") poll();
    else setBusy(false);
  });

  if (payment.hasAttribute("data-poll")) poll();
}
