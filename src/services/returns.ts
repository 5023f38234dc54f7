import { findPaymentByMerchantUid } from "../db/payments";
import { AppError } from "../domain/errors";
import { completeAttempt, completePayment } from "./complete-payment";
import type { Deps } from "./deps";
import { enqueueValidation } from "./enqueue";

/**
 * Where a redirection window sends the buyer back (V1 m_redirect_url, V2 redirectUrl). The owner's report is recorded like `complete`; a
 * conflicting or foreign report changes nothing (the page shows the payment as it stands). Signed out (another
 * browser, an expired session), nothing can be recorded as the owner's, but an order of ours still waiting for
 * its payment is validated sooner. A merchant_uid we never issued, or an order already settled, costs nothing.
 */
export async function reportReturn(
  deps: Deps,
  r: { userId: string | null; merchantUid: string } & ({ impUid: string } | { txId: string }),
): Promise<void> {
  if (r.userId) {
    const who = { userId: r.userId, merchantUid: r.merchantUid, source: "browser" as const };
    try {
      if ("txId" in r) await completeAttempt(deps, { ...who, txId: r.txId });
      else await completePayment(deps, { ...who, impUid: r.impUid });
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
    }
    return;
  }
  const order = await findPaymentByMerchantUid(deps.db, r.merchantUid);
  if (order?.status === "ready") await enqueueValidation(deps, { merchant_uid: order.merchantUid, source: "browser" });
}
