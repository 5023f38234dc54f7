import { isUniqueViolation } from "../db/client";
import { findPaymentByMerchantUid, recordImpUid } from "../db/payments";
import type { PaymentRow } from "../db/schema";
import { conflict, notFound } from "../domain/errors";
import type { EventSource } from "../domain/payment-state";
import type { Deps } from "./deps";
import { enqueueValidation } from "./enqueue";

/**
 * The browser says it paid: keep the imp_uid it reported (owner only, never overwriting a different one) and
 * queue validation. The report itself changes no status: only Iamport's answer, in the consumer, does.
 */
export async function completePayment(
  deps: Deps,
  a: { userId: string; merchantUid: string; impUid: string; source: EventSource },
): Promise<PaymentRow> {
  let row: PaymentRow | undefined;
  try {
    row = await recordImpUid(deps.db, { ...a, now: deps.now() });
  } catch (e) {
    if (isUniqueViolation(e, "imp_uid")) {
      throw conflict("imp_uid_in_use", "This imp_uid is already recorded for another payment.");
    }
    throw e;
  }
  if (!row) {
    const existing = await findPaymentByMerchantUid(deps.db, a.merchantUid);
    if (!existing || existing.userId !== a.userId) throw notFound("payment");
    throw conflict("imp_uid_mismatch", "A different imp_uid is already recorded for this payment.", {
      recorded_imp_uid: existing.impUid,
    });
  }
  if (row.status === "ready") {
    await enqueueValidation(deps, { merchant_uid: row.merchantUid, imp_uid: a.impUid, source: a.source });
  }
  return row;
}
