// What the server hands the browser to open a gateway's payment or card-registration window, as one union keyed
// on the gateway, and the PortOne V2 browser SDK's request and response shapes it needs (portone-io/browser-sdk:
// PaymentRequest, IssueBillingKeyRequest, PaymentResponse, IssueBillingKeyResponse; only the fields pocketpay
// sends or reads). No imports: the browser bundle takes this file as it is.
// POST /api/payments answers the member of the configured GATEWAY (services/create-payment.ts checkoutFor).

/** The SDK's window types per device: a popup or iframe answers through the promise, a redirection via redirectUrl. */
export type PortoneWindowType = "IFRAME" | "POPUP" | "REDIRECTION" | "UI";

export interface PortoneCustomer {
  customerId?: string;
  fullName?: string;
  email?: string;
}

/** PortOne.requestPayment's argument (browser-sdk v2 PaymentRequest), as pocketpay fills it. */
export interface PortonePaymentRequest {
  storeId: string;
  channelKey: string;
  /** Our merchant_uid: pre-registered with its amount before the window opens. */
  paymentId: string;
  orderName: string;
  totalAmount: number;
  currency: "KRW";
  payMethod: "CARD";
  customer?: PortoneCustomer;
  /** Where a redirection window returns, with paymentId, txId, code and message in the query. */
  redirectUrl?: string;
  windowType?: { pc?: PortoneWindowType; mobile?: PortoneWindowType };
}

/** PortOne.requestIssueBillingKey's argument (browser-sdk v2 IssueBillingKeyRequest). */
export interface PortoneBillingKeyRequest {
  storeId: string;
  channelKey: string;
  billingKeyMethod: "CARD";
  issueId?: string;
  issueName?: string;
  customer?: PortoneCustomer;
  redirectUrl?: string;
  windowType?: { pc?: PortoneWindowType; mobile?: PortoneWindowType };
}

/** What requestPayment resolves to (undefined after a redirection); `code` is present only on failure. */
export interface PortonePaymentResponse {
  transactionType: "PAYMENT";
  paymentId: string;
  txId: string;
  code?: string;
  message?: string;
  pgCode?: string;
  pgMessage?: string;
}

/** What requestIssueBillingKey resolves to; `code` is present only on failure. */
export interface PortoneBillingKeyResponse {
  transactionType: "ISSUE_BILLING_KEY";
  billingKey?: string;
  code?: string;
  message?: string;
  pgCode?: string;
  pgMessage?: string;
}

/** Iamport V1: IMP.init(imp_code), then IMP.request_pay(params). A checkout without `gateway` (older answers) is this one. */
export interface IamportCheckoutParams {
  gateway?: "iamport-v1";
  imp_code: string;
  sdk_url: string;
  m_redirect_url: string;
  params: { merchant_uid: string; m_redirect_url?: string; [key: string]: unknown };
}

/** PortOne V2: PortOne.requestPayment(request); `redirect_url` is added in redirect mode. */
export interface PortoneCheckoutParams {
  gateway: "portone-v2";
  sdk_url: string;
  redirect_url: string;
  request: Omit<PortonePaymentRequest, "redirectUrl" | "windowType">;
}

export type CheckoutParams = IamportCheckoutParams | PortoneCheckoutParams;
