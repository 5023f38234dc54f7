import type { PortoneBillingKeyRequest, PortoneCheckoutParams, PortonePaymentRequest } from "./checkout-params";
import type { PortoneCardRegistration } from "./card-registration";

// How the browser reads PortOne V2's payment window: pure, so the pages (client/portone.ts) and the tests share it.

/** A window's outcome in the terms the pages already use: the gateway's attempt id, or why it failed. */
export type WindowOutcome =
  | { ok: true; paymentId: string; txId: string }
  | { ok: false; paymentId: string | null; txId: string | null; code: string; message: string | null };

/**
 * Reads requestPayment's promise result, or the query a redirection brings back (paymentId, txId, code,
 * message). A failure is whatever carries a code; a success needs the attempt's txId, which the server then looks
 * up (never trusted as the outcome).
 */
export function paymentOutcome(r: Partial<Record<"paymentId" | "txId" | "code" | "message", string | null>> | undefined): WindowOutcome {
  const paymentId = r?.paymentId || null;
  const txId = r?.txId || null;
  if (r?.code) return { ok: false, paymentId, txId, code: r.code.slice(0, 64), message: r.message ? r.message.slice(0, 300) : null };
  if (!paymentId || !txId) return { ok: false, paymentId, txId, code: "NO_RESPONSE", message: null };
  return { ok: true, paymentId, txId };
}

export const paymentOutcomeFromQuery = (query: URLSearchParams) =>
  paymentOutcome({ paymentId: query.get("paymentId"), txId: query.get("txId"), code: query.get("code"), message: query.get("message") });

/** The request a checkout opens, for the page's mode: a redirection returns to redirect_url, a popup answers. */
export function paymentRequest(checkout: PortoneCheckoutParams, mode: "popup" | "redirect"): PortonePaymentRequest {
  return mode === "redirect"
    ? { ...checkout.request, redirectUrl: checkout.redirect_url, windowType: { pc: "REDIRECTION", mobile: "REDIRECTION" } }
    : { ...checkout.request, windowType: { pc: "POPUP", mobile: "POPUP" } };
}


/** Reads requestIssueBillingKey's result, or a redirection's query (billingKey, code, message). */
export function billingKeyOutcome(
  r: Partial<Record<"billingKey" | "code" | "message", string | null>> | undefined,
): { ok: true; billingKey: string } | { ok: false; code: string; message: string | null } {
  if (r?.code) return { ok: false, code: r.code.slice(0, 64), message: r.message ? r.message.slice(0, 300) : null };
  if (!r?.billingKey) return { ok: false, code: "NO_RESPONSE", message: null };
  return { ok: true, billingKey: r.billingKey };
}

/** The billing-key request a card registration opens, for the page's mode (as paymentRequest does for payments). */
export function billingKeyRequest(registration: PortoneCardRegistration, mode: "popup" | "redirect"): PortoneBillingKeyRequest {
  return mode === "redirect"
    ? { ...registration.request, redirectUrl: registration.redirect_url, windowType: { pc: "REDIRECTION", mobile: "REDIRECTION" } }
    : { ...registration.request, windowType: { pc: "POPUP", mobile: "POPUP" } };
}
