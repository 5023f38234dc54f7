// The parameters of a card registration, shared by the server that makes them (services/subscribe.ts) and the
// browser that passes them to IMP.init / IMP.request_pay (client/subscriptions.ts). No imports: the browser
// bundle takes this file as it is.

/** What the browser passes to IMP.init / IMP.request_pay to register a card (nothing is approved). */
export interface CardRegistration {
  imp_code: string;
  pg: string;
  pay_method: "card";
  merchant_uid: string;
  customer_uid: string;
  name: string;
  /** Shown in the window only: the plan's price. The billing channel approves nothing at registration. */
  amount: number;
  buyer_email: string;
  buyer_name: string;
  m_redirect_url: string;
}
