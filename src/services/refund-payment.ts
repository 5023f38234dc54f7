import { findPaymentById, findPaymentByMerchantUid } from "../db/payments";
import type { KeyRef } from "../db/idempotency";
import { failRefund, findRefund, findRefundByKey, refundsOf, reserveRefund } from "../db/refunds";
import type { PaymentRow, RefundRow, UserRow } from "../db/schema";
import { AppError, concurrentChange, conflict, gatewayUnavailable, notFound } from "../domain/errors";
import { holdsMoney } from "../domain/payment-state";
import { GatewayError, GatewayRefusalError, GatewayTransportError } from "../gateway/errors";
import type { GatewayPayment } from "../gateway/types";
import { presentPayment, presentRefund } from "./present";
import type { Deps } from "./deps";
import { gatewayFailure } from "./gateway-errors";
import { matchCancellations, recordCancellations } from "./gateway-cancels";
import { runIdempotently, type StoredResponse } from "./idempotency";

export interface RefundInput {
  amount: number;
  reason: string;
}

/**
 * An admin refunds all or part of a paid payment.
 *  1. The amount is reserved in D1 by one conditional statement (see reserveRefund) before Iamport is called.
 *  2. Iamport is sent that exact amount and the balance it was reserved against as the checksum.
 *  3. Success: Iamport's cancel_history is recorded (settling the reservation). Refusal: the reservation is
 *     released. No answer: the refund stays pending with its reservation; a retry with the same
 *     Idempotency-Key resends the identical cancel (which Iamport refuses if the first one landed, so it cannot
 *     refund twice), and the reconciler settles it from cancel_history otherwise.
 */
export async function refundPayment(
  deps: Deps,
  admin: UserRow,
  merchantUid: string,
  input: RefundInput,
  idempotencyKey?: string,
): Promise<StoredResponse> {
  const payment = await findPaymentByMerchantUid(deps.db, merchantUid);
  if (!payment) throw notFound("payment");
  const key: KeyRef | undefined = idempotencyKey
    ? { userId: admin.id, scope: `POST /api/payments/${merchantUid}/refunds`, key: idempotencyKey }
    : undefined;
  // Stored after the refund: a crash in between is safe, since a retry with the key resumes this refund's row.
  return runIdempotently(deps, key, [input.amount, input.reason], () =>
    runRefund(deps, admin, payment, input, idempotencyKey ?? null),
  );
}

async function runRefund(
  deps: Deps,
  admin: UserRow,
  payment: PaymentRow,
  input: RefundInput,
  idempotencyKey: string | null,
): Promise<StoredResponse> {
  // A retry of a refund whose outcome was unknown resumes that refund; it never reserves a second one.
  let refund = idempotencyKey ? await findRefundByKey(deps.db, payment.id, idempotencyKey) : undefined;
  // The key's fingerprint (24 h) already refuses another body; this also holds after it is purged.
  if (refund && (refund.amount !== input.amount || refund.reason !== input.reason)) {
    throw new AppError(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request body.");
  }
  if (refund?.status === "succeeded") return respond(deps, refund);
  if (!refund) {
    refund = await reserveRefund(deps.db, {
      paymentId: payment.id,
      amount: input.amount,
      reason: input.reason,
      requestedBy: admin.email,
      idempotencyKey,
      now: deps.now(),
    });
    if (!refund) throw await whyNotReserved(deps, payment.merchantUid, input.amount);
  }

  let truth: GatewayPayment;
  try {
    truth = await deps.gateway.cancel({
      gatewayId: payment.impUid!,
      merchantUid: payment.merchantUid,
      amount: refund.amount,
      remainingBalance: refund.checksum!,
      reason: refund.reason,
    });
  } catch (e) {
    if (e instanceof GatewayRefusalError) return handleRefusal(deps, payment, refund, e);
    if (e instanceof GatewayTransportError) {
      // Outcome unknown: keep the reservation and the pending row; never guess.
      throw gatewayUnavailable("The payment gateway did not answer. The refund is pending; retry with the same Idempotency-Key.");
    }
    throw e;
  }
  await recordUntilSettled(deps, payment.merchantUid, truth);
  return respond(deps, (await findRefund(deps.db, refund.id))!);
}

/**
 * Iamport said no. That can mean the refund already happened (a retry of one whose answer was lost, or a cancel
 * made meanwhile in the console for the same amount), so its record is read before the reservation is released.
 */
async function handleRefusal(deps: Deps, payment: PaymentRow, refund: RefundRow, refusal: GatewayRefusalError): Promise<StoredResponse> {
  let truth: GatewayPayment;
  try {
    truth = await deps.gateway.getPayment({ gatewayId: payment.impUid!, merchantUid: payment.merchantUid });
  } catch (e) {
    // Whether the cancel happened is unknown until Iamport answers: the refund stays pending (reserved) and the
    // reconciler, or a retry with the same Idempotency-Key, settles it.
    if (e instanceof GatewayError) {
      throw gatewayUnavailable("The payment gateway did not confirm the refund. It is pending; retry with the same Idempotency-Key.");
    }
    throw e;
  }
  // Only a cancellation of exactly this refund's amount that we have not recorded can be this refund.
  const rows = await refundsOf(deps.db, payment.id);
  const ours = matchCancellations(truth.cancels, rows).some((m) => m.pending?.id === refund.id);
  if (ours) {
    await recordUntilSettled(deps, payment.merchantUid, truth);
    const after = (await findRefund(deps.db, refund.id))!;
    if (after.status === "succeeded") return respond(deps, after);
  }
  // It did not happen: release the reservation first, then record whatever others cancelled meanwhile.
  // Stored reasons are read back by src/i18n/reasons.ts: the wording stays as it was.
  await failRefund(deps.db, refund, `Iamport refused: ${refusal.gatewayMessage ?? refusal.code}`, deps.now());
  await recordUntilSettled(deps, payment.merchantUid, truth);
  const balance = truth.amount - truth.cancelledAmount;
  if (balance !== refund.checksum) {
    throw conflict("balance_changed", "The payment's refundable balance changed at Iamport. Review it and try again.", {
      refundable_amount: balance,
    });
  }
  // A temporary refusal is a 503 (try again); a final one a 502 with Iamport's code and message.
  throw gatewayFailure(refusal);
}

/** Records Iamport's cancel history; a concurrent writer (a webhook's sync) only means reading again. */
async function recordUntilSettled(deps: Deps, merchantUid: string, truth: GatewayPayment) {
  for (let i = 0; i < 5; i++) {
    const payment = (await findPaymentByMerchantUid(deps.db, merchantUid))!;
    if ((await recordCancellations(deps, payment, truth, "admin")) !== "lost_race") return;
  }
  throw concurrentChange();
}

async function whyNotReserved(deps: Deps, merchantUid: string, amount: number): Promise<AppError> {
  const p = (await findPaymentByMerchantUid(deps.db, merchantUid))!;
  if (!holdsMoney(p.status)) return conflict("invalid_state", `A ${p.status} payment cannot be refunded.`);
  if (p.reservedAmount > 0) return conflict("refund_in_progress", "Another refund of this payment is in progress.");
  return conflict("amount_exceeds_refundable", `At most ${p.amount - p.cancelledAmount} can be refunded.`, {
    refundable_amount: p.amount - p.cancelledAmount,
    requested_amount: amount,
  });
}

async function respond(deps: Deps, refund: RefundRow): Promise<StoredResponse> {
  const payment = (await findPaymentById(deps.db, refund.paymentId))!;
  return { status: 201, body: { refund: presentRefund(refund), payment: presentPayment(payment) } };
}
