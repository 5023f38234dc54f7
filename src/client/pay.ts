import type { CheckoutParams } from "../domain/checkout-params";
import { api } from "./api";
import { startIamportPayment } from "./iamport";
import { startPortonePayment } from "./portone";

// Opening the payment window of whichever gateway the server's checkout names (Iamport V1 or PortOne V2), and what
// the page does with the window's answer: report it to `complete` (a hint; the server asks the gateway), then
// show the payment's page, exactly the same way for both.

/**
 * Redirect mode (the whole page goes to the payment window and comes back through the return URL) on phones, or
 * when asked for with ?mode=redirect; the choice is kept for this tab so "pay again" uses it too.
 */
export function payMode(): "popup" | "redirect" {
  let mode = new URLSearchParams(location.search).get("mode");
  try {
    if (mode === "redirect" || mode === "popup") sessionStorage.setItem("pp_mode", mode);
    else mode = sessionStorage.getItem("pp_mode");
  } catch {
    // storage disabled
  }
  if (mode === "redirect" || mode === "popup") return mode;
  return window.matchMedia?.("(max-width: 640px)").matches ? "redirect" : "popup";
}

/** Resolves only if the SDK could not start (with what to tell the buyer); otherwise the page moves on. */
export const startPayment = (checkout: CheckoutParams): Promise<string> =>
  checkout.gateway === "portone-v2" ? startPortonePayment(checkout) : startIamportPayment(checkout);

/**
 * How long `complete` may hold its answer while the queue validates the payment (seconds): long enough for a
 * normal validation, so the payment page usually opens on the outcome and asks nothing more; when validation takes
 * longer, complete answers 202 and the page waits for the outcome itself (payment.ts).
 */
const COMPLETE_WAIT_S = 10;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends the window's answer (`report`: the gateway's attempt id in its own words, or null when there was no
 * attempt) to `complete`, then opens the payment's page, with the window's own words after a failure.
 */
export async function reportAndShow(
  merchantUid: string,
  report: Record<string, string> | null,
  failure: { code: string | null; message: string | null } | null,
): Promise<void> {
  const uid = encodeURIComponent(merchantUid);
  if (report) {
    // After a failure the window's own words are shown at once; the page then waits for the verdict (payment.ts).
    const wait = failure ? "" : `?wait=${COMPLETE_WAIT_S}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await api("POST", `/api/payments/${uid}/complete${wait}`, report);
      if (res.status !== 0 && res.status < 500) break;
      await pause(1000 * (attempt + 1));
    }
  }
  const q = new URLSearchParams();
  if (failure) {
    q.set("result", "failed");
    if (failure.code) q.set("code", failure.code.slice(0, 32));
    if (failure.message) q.set("message", failure.message.slice(0, 300));
  }
  const query = q.toString();
  location.assign(`/payments/${uid}${query ? `?${query}` : ""}`);
}
