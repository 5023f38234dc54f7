import type { PortoneBillingKeyRequest } from "./checkout-params";

// The parameters of a card registration, shared by the server that makes them (services/subscribe.ts) and the
// browser that opens the gateway's billing-key window with them (client/subscriptions.ts). A union keyed on the
// gateway, like CheckoutParams. Type-only imports: the browser bundle takes this file as it is.

/** Iamport V1: what the browser passes to IMP.init / IMP.request_pay to register a card (nothing is approved). */
export interface IamportCardRegistration {
  gateway: "iamport-v1";
  imp_code: string;
  pg: string;
  pay_method: "card";
  merchant_uid: string;
  /** Ours: the key's name at Iamport, new for every registration. */
  customer_uid: string;
  name: string;
  /** Shown in the window only: the plan's price. The billing channel approves nothing at registration. */
  amount: number;
  buyer_email: string;
  buyer_name: string;
  m_redirect_url: string;
}

/**
 * PortOne V2: PortOne.requestIssueBillingKey(request). PortOne chooses the key; `request.customer.customerId` is
 * the registration's own id (customer_uid), which binds the key PortOne issues to this pending registration: the
 * server accepts a reported key only when PortOne says it was issued to that customer. `redirect_url` is added as
 * the request's redirectUrl in redirect mode (a phone).
 */
export interface PortoneCardRegistration {
  gateway: "portone-v2";
  sdk_url: string;
  redirect_url: string;
  request: Omit<PortoneBillingKeyRequest, "redirectUrl" | "windowType"> & { issueId: string; issueName: string; customer: { customerId: string; fullName?: string; email?: string } };
}

export type CardRegistration = IamportCardRegistration | PortoneCardRegistration;
