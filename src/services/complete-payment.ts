import { isUniqueViolation } from "../db/client";
import { findPaymentByImpUid, findPaymentByMerchantUid } from "../db/payments";
import { recordAttemptReport, recordBrowserReport } from "../db/validation-hints";
import type { PaymentRow } from "../db/schema";
import { conflict, notFound } from "../domain/errors";
import type { EventSource } from "../domain/payment-state";
import type { Deps } from "./deps";
import { enqueueClaimed, enqueueValidation } from "./enqueue";
import { impUidVerified } from "./validate-payment";

/**
 * The browser says it paid: keep the imp_uid it reported (owner only, never overwriting a different one) and
 * queue validation. The report itself changes no status: only Iamport's answer, in the consumer, does.
 * `watch`: the caller will wait for the outcome; the order is marked watched in the same write (status-watch.ts).
 */
export async function completePayment(
  deps: Deps,
  a: { userId: string; merchantUid: string; impUid: string; source: EventSource; watch?: boolean },
): Promise<PaymentRow> {
  let row: PaymentRow | undefined;
  let queue: boolean;
  try {
    ({ row, queue } = await recordBrowserReport(deps.db, { ...a, now: deps.now() }));
  } catch (e) {
    if (!isUniqueViolation(e, "imp_uid")) throw e;
    return reportHeldElsewhere(deps, a);
  }
  if (!row) {
    const existing = await findPaymentByMerchantUid(deps.db, a.merchantUid);
    if (!existing || existing.userId !== a.userId) throw notFound("payment");
    throw conflict("imp_uid_mismatch", "A different imp_uid is already recorded for this payment.", {
      recorded_imp_uid: existing.impUid,
    });
  }
  // Not queued when a validation of this imp_uid is already waiting (usually the webhook's): it answers this too.
  if (row.status === "ready" && queue) {
    await enqueueClaimed(deps, { merchant_uid: row.merchantUid, imp_uid: a.impUid, source: a.source });
  }
  return row;
}

/**
 * The browser says PortOne V2's window finished an attempt (txId) for the order. Like Iamport's report it is only
 * a hint: validation looks the payment up at PortOne by paymentId (our merchant_uid), whichever attempt is the
 * newest, and binds the transactionId PortOne answers. Owner only (404 otherwise); no status changes here.
 */
export async function completeAttempt(
  deps: Deps,
  a: { userId: string; merchantUid: string; txId: string; source: EventSource; watch?: boolean },
): Promise<PaymentRow> {
  const { row, queue } = await recordAttemptReport(deps.db, { ...a, now: deps.now() });
  if (!row) throw notFound("payment");
  // Not queued when a validation for this attempt is already waiting: it answers this report too.
  if (row.status === "ready" && queue) {
    await enqueueClaimed(deps, { merchant_uid: row.merchantUid, imp_uid: a.txId, source: a.source });
  }
  return row;
}

/**
 * Another order already holds the reported imp_uid. If Iamport confirmed it is that order's, this report is wrong
 * (409). If not, the other order's claim is only someone's unchecked report (a stranger can post any imp_uid to
 * their own order): it must not make the rightful owner's report fail. This one is accepted without recording the
 * imp_uid, and validation, which asks Iamport whose it is, binds it to the order Iamport names.
 */
async function reportHeldElsewhere(
  deps: Deps,
  a: { userId: string; merchantUid: string; impUid: string; source: EventSource },
): Promise<PaymentRow> {
  const holder = await findPaymentByImpUid(deps.db, a.impUid);
  if (holder && impUidVerified(holder)) {
    throw conflict("imp_uid_in_use", "This imp_uid belongs to another payment.");
  }
  const own = await findPaymentByMerchantUid(deps.db, a.merchantUid);
  if (!own || own.userId !== a.userId) throw notFound("payment");
  if (own.impUid !== null && own.impUid !== a.impUid) {
    throw conflict("imp_uid_mismatch", "A different imp_uid is already recorded for this payment.", { recorded_imp_uid: own.impUid });
  }
  if (own.status === "ready") {
    await enqueueValidation(deps, { merchant_uid: own.merchantUid, imp_uid: a.impUid, source: a.source });
  }
  return own;
}
