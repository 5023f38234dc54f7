import type { IamportCheckoutParams } from "../domain/checkout-params";
import { t } from "./i18n";
import { payMode, reportAndShow } from "./pay";
import { loadSdkScript } from "./sdk-script";
// Kept for the pages that import it from here (subscriptions.ts).
export { payMode };

// Iamport's browser SDK (IMP.init / IMP.request_pay), and how its callback is read.

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

export const loadSdk = (url: string): Promise<Imp> => loadSdkScript(url, () => window.IMP, "IMP");

/** Resolves only if the SDK could not start (with what to tell the buyer); otherwise the page moves on. */
export async function startIamportPayment(checkout: Checkout): Promise<string> {
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

/** The callback is a hint, never the truth: the imp_uid goes to the server, which asks Iamport what happened. */
function finishPayment(merchantUid: string, rsp: PayResponse) {
  const failed = rsp.success === false || rsp.imp_success === false || !!rsp.error_code;
  return reportAndShow(
    merchantUid,
    rsp.imp_uid ? { imp_uid: rsp.imp_uid } : null,
    failed ? { code: rsp.error_code ?? null, message: rsp.error_msg ?? null } : null,
  );
}
