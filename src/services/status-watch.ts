import type { PaymentRow } from "../db/schema";
import type { Announcement } from "../watch/channel";
import type { Deps } from "./deps";
import { presentPayment } from "./present";

/** The longest a request may wait for a payment's outcome (`?wait=`), in seconds: well under proxies' idle limits. */
export const MAX_WAIT_SECONDS = 25;

/** Tells whoever waits on this payment that it now is as `row` says (call after the change is committed). */
export const announceStatus = (deps: Pick<Deps, "watch">, row: PaymentRow) =>
  deps.watch.announce(row.merchantUid, { status: row.status, updatedAt: row.updatedAt, payment: presentPayment(row) });

/**
 * Waits up to `seconds` while the payment is `ready` (its outcome pending): the announcement of the change, or
 * null when the time ran out first. Costs no query: the caller reads D1 again if it needs more than the
 * announcement (the payment as the change left it).
 */
export function awaitOutcome(deps: Pick<Deps, "watch">, merchantUid: string, seconds: number): Promise<Announcement | null> {
  return deps.watch.waitWhile(merchantUid, "ready", Math.min(seconds, MAX_WAIT_SECONDS) * 1000);
}
