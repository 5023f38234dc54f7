import { adminListPayments, findUserSummary, type AdminFilter } from "../db/admin";
import type { Db } from "../db/client";
import { listPaymentsWithItems, loadPaymentDetail, markWatchedStatement, paymentDetailFrom, paymentDetailReads, type ListFilter } from "../db/payments";
import { notFound } from "../domain/errors";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import { isAdminUser } from "./roles";
import type { LiveSession, SessionLookup } from "./session";

// The read side for routes and pages: they never query the database themselves.

type Reader = { db: Db };

/**
 * A page of the user's own payments with their line items, newest first (one more row than `limit` tells whether
 * there is another); one round trip.
 */
export const ownPayments = (deps: Reader, f: ListFilter & { userId: string }) => listPaymentsWithItems(deps.db, f);

/** The payment with its timeline and refunds (one round trip), or undefined; malformed ids need no query. */
export const paymentDetail = async (deps: Reader, merchantUid: string) =>
  MERCHANT_UID_PATTERN.test(merchantUid) ? loadPaymentDetail(deps.db, merchantUid) : undefined;

/** The detail for its owner or an admin; anyone else gets the same 404 as for a payment that does not exist. */
export async function visiblePaymentDetail(deps: Reader, viewer: { userId: string; admin: boolean }, merchantUid: string) {
  const detail = await paymentDetail(deps, merchantUid);
  if (!detail || (detail.payment.userId !== viewer.userId && !viewer.admin)) throw notFound("payment");
  return detail;
}

/**
 * The detail for the session's user, if theirs or they are an administrator (anyone else: the same 404 as for a
 * payment that does not exist), read in one batch with the session lookup: an authenticated read is one round
 * trip. A session that is not live gets 401 and no result. `watch`: the caller will wait on the payment's
 * outcome if it is `ready`; the owner's payment is marked watched in the same batch.
 */
export async function sessionPaymentDetail(deps: Reader, session: SessionLookup, merchantUid: string, watch?: { now: number }) {
  if (!MERCHANT_UID_PATTERN.test(merchantUid)) {
    await session.require();
    throw notFound("payment");
  }
  const reads = paymentDetailReads(deps.db, merchantUid);
  let live: LiveSession;
  let results: Parameters<typeof paymentDetailFrom>[0];
  if (watch) {
    // The caller may wait for the outcome: the owner's payment is marked watched (if `ready`) before it is read,
    // in the same batch, so the status read and the mark are one (status-watch.ts).
    const mark = markWatchedStatement(deps.db, merchantUid, watch.now, session.liveUserIds());
    const [found, [, ...rest]] = await session.requireWith([mark, ...reads] as const);
    [live, results] = [found, rest as unknown as typeof results];
  } else {
    [live, results] = await session.requireWith(reads);
  }
  const detail = paymentDetailFrom(results);
  if (!detail || (detail.payment.userId !== live.user.id && !isAdminUser(live.user))) throw notFound("payment");
  return { session: live as LiveSession, detail };
}

/** Every buyer's payments for the admin pages, with the buyer's email beside each. */
export const allPayments = (deps: Reader, f: AdminFilter) => adminListPayments(deps.db, f);

/** Who made a payment, for the admin pages; a deleted account shows as such. */
export const paymentOwner = async (deps: Reader, userId: string) =>
  (await findUserSummary(deps.db, userId)) ?? null;
