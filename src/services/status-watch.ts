import { markWatched } from "../db/payments";
import type { PaymentRow } from "../db/schema";
import type { Announcement } from "../watch/channel";
import type { Deps } from "./deps";
import { presentPayment } from "./present";

/** The longest a request may wait for a payment's outcome (`?wait=`), in seconds: well under proxies' idle limits. */
export const MAX_WAIT_SECONDS = 25;

// The rule that keeps announcements cheap without losing a wake-up: a waiter marks the payment watched
// (`payments.watched_at`) in the same statement or batch as the read that finds it `ready`, before it parks on the
// watch; whoever changes the status reads `watched_at` in its compare-and-set (transitionWatched) and announces
// only when it is set. D1 runs the two one after the other: either the change comes first, and the waiter reads
// the new status and does not wait, or the mark comes first, and the change sees it and announces. A payment
// nobody waited on (a webhook whose buyer left, a renewal, the reconciler's fixes) costs no Durable Object call.

const announcementOf = (row: PaymentRow): Announcement => ({ status: row.status, updatedAt: row.updatedAt, payment: presentPayment(row) });

/**
 * Tells whoever waits on this payment that it now is as `row` says (call after the change is committed, with
 * `row.watchedAt` as the change read it): nothing to do when nobody marked it watched.
 */
export async function announceStatus(deps: Pick<Deps, "watch">, row: PaymentRow): Promise<void> {
  if (row.watchedAt === null) return;
  await deps.watch.announce(row.merchantUid, announcementOf(row));
}

/**
 * Waits up to `seconds` while the payment `row` (as just read) is `ready`: the announcement of the change, or null
 * when the time ran out first. A row not yet marked watched is marked first (one statement, returning the payment
 * as it now is); if its status already changed, that is the answer. Callers read D1 again if they need more than
 * the announcement (the payment as the change left it).
 */
export async function awaitOutcome(deps: Pick<Deps, "watch" | "db" | "now">, row: PaymentRow, seconds: number): Promise<Announcement | null> {
  if (row.watchedAt === null) {
    const now = await markWatched(deps.db, row.id, deps.now());
    if (now && now.status !== "ready") return announcementOf(now);
  }
  return deps.watch.waitWhile(row.merchantUid, "ready", Math.min(seconds, MAX_WAIT_SECONDS) * 1000);
}
