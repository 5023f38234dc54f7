import type { PortoneBillingKeyRequest, PortoneBillingKeyResponse, PortonePaymentRequest, PortonePaymentResponse } from "../domain/checkout-params";
export { billingKeyOutcome, paymentOutcome, paymentOutcomeFromQuery, paymentRequest, type WindowOutcome } from "../domain/portone-window";

// PortOne V2's browser SDK (PortOne.requestPayment / requestIssueBillingKey) and how its answers read, popup or
// redirect. Not wired to the pages yet: the server sends no portone-v2 checkout until the services move onto the
// gateway interface (see domain/checkout-params.ts).

export interface PortoneSdk {
  requestPayment(request: PortonePaymentRequest): Promise<PortonePaymentResponse | undefined>;
  requestIssueBillingKey(request: PortoneBillingKeyRequest): Promise<PortoneBillingKeyResponse | undefined>;
}

declare global {
  interface Window {
    PortOne?: PortoneSdk;
  }
}

let sdk: Promise<PortoneSdk> | null = null;

export function loadPortoneSdk(url: string): Promise<PortoneSdk> {
  if (window.PortOne) return Promise.resolve(window.PortOne);
  sdk ??= new Promise<PortoneSdk>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => (window.PortOne ? resolve(window.PortOne) : reject(new Error("no PortOne")));
    script.onerror = () => reject(new Error("load failed"));
    document.head.appendChild(script);
  }).catch((e: unknown) => {
    sdk = null;
    throw e;
  });
  return sdk;
}
