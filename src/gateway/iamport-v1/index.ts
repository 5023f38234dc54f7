// Iamport V1 behind the gateway interface: a thin adapter over the raw client in src/iamport, which stays the one
// place that knows V1's endpoints, envelopes and tokens. Nothing else in src/ imports src/iamport.
//
// Status map: V1's statuses are the gateway's (ready, paid, cancelled, failed; a partial cancel stays "paid" with
// cancelledAmount > 0); see payment.ts for units and the rare records we refuse to act on.

import type { Gateway, GatewayPayment, PaymentRef } from "../types";
import { IamportNotFoundError, type IamportClient, type IamportPayment } from "../../iamport";
import { translated } from "./errors";
import { cancellationKey, toBillingKeyInfo, toGatewayPayment } from "./payment";

export { cancellationKey };

export function createIamportV1Gateway(client: IamportClient): Gateway {
  const payment = (method: string, path: string) => (p: IamportPayment) => toGatewayPayment(p, { method, path });

  return {
    name: "iamport-v1",

    preRegister: (input) =>
      translated(async () => {
        await client.prepare({ merchant_uid: input.merchantUid, amount: input.amount, currency: input.currency });
      }),

    getPayment: (ref: PaymentRef) =>
      translated(() =>
        ref.gatewayId !== undefined
          ? client.getPayment(ref.gatewayId).then(payment("GET", "/payments/{imp_uid}"))
          : client.findPayment(ref.merchantUid, ref.status).then(payment("GET", "/payments/find/{merchant_uid}")),
      ),

    getPayments: (refs) =>
      translated(async () => {
        // V1's multi-get by imp_uid: one call for up to a hundred, only the found ones returned.
        const found = await client.getPayments({ imp_uids: refs.map((r) => r.gatewayId) });
        return found.map(payment("GET", "/payments"));
      }),

    cancel: (input) =>
      translated(() =>
        // By imp_uid only (it takes precedence at V1 when both are sent); the checksum is the balance the caller believes is
        // left, so Iamport refuses a cancel against any other balance (a repeat after a success, a console cancel).
        // The client refuses a missing/zero amount or an amount above the checksum before any request.
        client
          .cancelPayment({ imp_uid: input.gatewayId, amount: input.amount, checksum: input.remainingBalance, reason: input.reason })
          .then(payment("POST", "/payments/cancel")),
      ),

    billing: {
      getBillingKey: (billingKey) => translated(() => client.billing.getCustomer(billingKey).then(toBillingKeyInfo)),

      deleteBillingKey: (billingKey, reason) =>
        translated(async () => {
          try {
            await client.billing.deleteCustomer(billingKey, reason ? { reason } : undefined);
          } catch (e) {
            // Already gone (deleted before, in the console, or never issued): what the caller wanted.
            if (!(e instanceof IamportNotFoundError)) throw e;
          }
        }),

      // V1's key is named by the customer_uid: the customer's key is that one, or none.
      keysIssuedTo: (customerId) =>
        translated(async () => {
          try {
            return [toBillingKeyInfo(await client.billing.getCustomer(customerId))];
          } catch (e) {
            if (e instanceof IamportNotFoundError) return [];
            throw e;
          }
        }),

      // A decline is code 0 with status "failed": it comes back as a failed payment, as the interface wants.
      // currency is left out, as pocketpay's renewals always left it: V1's default is KRW, the only one allowed here.
      charge: (input): Promise<GatewayPayment> =>
        translated(() =>
          client.billing
            .payAgain({
              customer_uid: input.billingKey,
              merchant_uid: input.merchantUid,
              amount: input.amount,
              name: input.name,
              ...(input.buyer?.email !== undefined ? { buyer_email: input.buyer.email } : {}),
              ...(input.buyer?.name !== undefined ? { buyer_name: input.buyer.name } : {}),
              ...(input.buyer?.tel !== undefined ? { buyer_tel: input.buyer.tel } : {}),
            })
            .then(payment("POST", "/subscribe/payments/again")),
        ),
    },
  };
}
