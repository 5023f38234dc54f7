import { applyTransition, findPaymentByMerchantUid } from "../db/payments";
import type { PaymentRow } from "../db/schema";
import { conflict, notFound } from "../domain/errors";
import { GatewayNotFoundError } from "../gateway/errors";
import type { GatewayPayment } from "../gateway/types";
import type { Deps } from "./deps";
import { enqueueValidation } from "./enqueue";
import { gatewayFailure } from "./gateway-errors";
import { announceStatus } from "./status-watch";

/**
 * The owner gives up an order that was never paid. Iamport is asked first: if a payment exists for it, the
 * order is not cancelled but validated. Should the buyer still pay after this (a window left open), the
 * validator refunds that payment, so a cancelled order never keeps money.
 */
export async function cancelOrder(deps: Deps, a: { userId: string; merchantUid: string }): Promise<PaymentRow> {
  const order = await findPaymentByMerchantUid(deps.db, a.merchantUid);
  if (!order || order.userId !== a.userId) throw notFound("payment");
  if (order.status !== "ready") {
    throw conflict("invalid_state", `A ${order.status} payment cannot be cancelled as an unpaid order.`);
  }
  let atGateway: GatewayPayment | undefined;
  try {
    atGateway = await deps.gateway.getPayment({ merchantUid: order.merchantUid, status: "paid" });
  } catch (e) {
    if (!(e instanceof GatewayNotFoundError)) throw gatewayFailure(e);
  }
  if (atGateway) {
    await enqueueValidation(deps, { merchant_uid: order.merchantUid, imp_uid: atGateway.gatewayId, source: "browser" });
    throw conflict("payment_exists", "Iamport holds a payment for this order; it is being verified instead.");
  }
  const applied = await applyTransition(deps.db, {
    paymentId: order.id,
    from: "ready",
    to: "cancelled",
    source: "browser",
    reason: "cancelled by the buyer before paying",
    now: deps.now(),
    set: { cancelledAt: deps.now() },
  });
  const after = (await findPaymentByMerchantUid(deps.db, a.merchantUid))!;
  if (!applied && after.status !== "cancelled") {
    throw conflict("invalid_state", `The payment became ${after.status} meanwhile.`);
  }
  if (applied) await announceStatus(deps, after);
  return after;
}
