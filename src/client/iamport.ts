import type { IamportCheckoutParams } from "../domain/checkout-params";
import { api } from "./api";
import { t } from "./i18n";

// Iamport's browser SDK (IMP.init / IMP.request_pay), and what the page does with the window's answer.

/** What POST /api/payments answers in `checkout`, and the payment page carries in data-checkout (Iamport's). */
export type Checkout = IamportCheckoutParams;

/** The SDK callback's payload (`imp_success` is what mobile redirects name `success`). */
export interface PayResponse {
  imp_uid?: string | null;
  success?: boolean;
  imp_success?: boolean;
  error_code?: string | null;
  error_msg?: string | null;
}

export interface Imp {
  init(impCode: string): void;
  request_pay(params: Checkout["params"], callback: (rsp: PayResponse | null) => void): void;
}

declare global {
  interface Window {
    IMP?: Imp;
  }
}

/**
 * Redirect mode (the whole page goes to the payment window and comes back through m_redirect_url) on phones, or
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

let sdk: Promise<Imp> | null = null;

export function loadSdk(url: string): Promise<Imp> {
  if (window.IMP) return Promise.resolve(window.IMP);
  sdk ??= new Promise<Imp>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => (window.IMP ? resolve(window.IMP) : reject(new Error("no IMP")));
    script.onerror = () => reject(new Error("load failed"));
    document.head.appendChild(script);
  }).catch((e: unknown) => {
    sdk = null;
    throw e;
  });
  return sdk;
}

/** Resolves only if the SDK could not start (with what to tell the buyer); otherwise the page moves on. */
export async function startPayment(checkout: Checkout): Promise<string> {
  let imp: Imp;
  try {
    imp = await loadSdk(checkout.sdk_url);
  } catch {
    return t("client.sdkFailed");
  }
  const params = { ...checkout.params };
  if (payMode() === "redirect") params.m_redirect_url = checkout.m_redirect_url;
  imp.init(checkout.imp_code);
  imp.request_pay(params, (rsp) => void finishPayment(params.merchant_uid, rsp ?? {}));
  return new Promise<string>(() => {});
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How long `complete` may hold its answer while the queue validates the payment (seconds): long enough for a
 * normal validation, so the payment page usually opens on the outcome and asks nothing more; when validation takes
 * longer, complete answers 202 and the page waits for the outcome itself (payment.ts).
 */
const COMPLETE_WAIT_S = 10;

/** The callback is a hint, never the truth: the imp_uid goes to the server, which asks Iamport what happened. */
async function finishPayment(merchantUid: string, rsp: PayResponse) {
  const uid = encodeURIComponent(merchantUid);
  const failed = rsp.success === false || rsp.imp_success === false || !!rsp.error_code;
  if (rsp.imp_uid) {
    // After a failure the window's own words are shown at once; the page then waits for the verdict (payment.ts).
    const wait = failed ? "" : `?wait=${COMPLETE_WAIT_S}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await api("POST", `/api/payments/${uid}/complete${wait}`, { imp_uid: rsp.imp_uid });
      if (res.status !== 0 && res.status < 500) break;
      await pause(1000 * (attempt + 1));
    }
  }
  const q = new URLSearchParams();
  if (failed) {
    q.set("result", "failed");
    if (rsp.error_code) q.set("code", String(rsp.error_code).slice(0, 32));
    if (rsp.error_msg) q.set("message", String(rsp.error_msg).slice(0, 300));
  }
  const query = q.toString();
  location.assign(`/payments/${uid}${query ? `?${query}` : ""}`);
}
