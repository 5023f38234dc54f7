import type {
  PortoneBillingKeyRequest,
  PortoneBillingKeyResponse,
  PortoneCheckoutParams,
  PortonePaymentRequest,
  PortonePaymentResponse,
} from "../domain/checkout-params";
import { paymentOutcome, paymentRequest } from "../domain/portone-window";
import { t } from "./i18n";
import { payMode, reportAndShow } from "./pay";
import { loadSdkScript } from "./sdk-script";
export { billingKeyOutcome, billingKeyRequest, paymentOutcome, paymentOutcomeFromQuery, paymentRequest, type WindowOutcome } from "../domain/portone-window";

// PortOne V2's browser SDK (PortOne.requestPayment / requestIssueBillingKey) and how its answers read, popup or
// redirect (domain/portone-window.ts). In redirect mode the window comes back through the checkout's redirect_url
// (GET /payments/return), which reports the attempt for the page.

export interface PortoneSdk {
  requestPayment(request: PortonePaymentRequest): Promise<PortonePaymentResponse | undefined>;
  requestIssueBillingKey(request: PortoneBillingKeyRequest): Promise<PortoneBillingKeyResponse | undefined>;
}

declare global {
  interface Window {
    PortOne?: PortoneSdk;
  }
}

export const loadPortoneSdk = (url: string): Promise<PortoneSdk> => loadSdkScript(url, () => window.PortOne, "PortOne");

/**
 * Opens PortOne's payment window for the checkout. A popup answers through the SDK's promise: its txId is reported
 * to `complete` (a hint; the server looks the payment up by paymentId) and the payment's page opens, as with
 * Iamport. In redirect mode the page leaves and the promise never settles. Resolves only if the SDK could not start.
 */
export async function startPortonePayment(checkout: PortoneCheckoutParams): Promise<string> {
  let portone: PortoneSdk;
  try {
    portone = await loadPortoneSdk(checkout.sdk_url);
  } catch {
    return t("client.sdkFailed");
  }
  const request = paymentRequest(checkout, payMode());
  let answer: PortonePaymentResponse | undefined;
  try {
    answer = await portone.requestPayment(request);
  } catch {
    // The SDK throws when it cannot open a window at all (a bad request): nothing was attempted.
    return t("client.sdkFailed");
  }
  // A redirection resolves nothing here: the buyer comes back through redirect_url.
  if (answer === undefined && request.redirectUrl) return new Promise<string>(() => {});
  const outcome = paymentOutcome(answer);
  await reportAndShow(
    checkout.request.paymentId,
    outcome.txId ? { payment_id: checkout.request.paymentId, tx_id: outcome.txId } : null,
    outcome.ok ? null : { code: outcome.code, message: outcome.message },
  );
  return new Promise<string>(() => {});
}
