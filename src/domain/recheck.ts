// When a paid payment is compared with Iamport again, after the webhook or the browser first settled it: a cancel
// made in Iamport's console whose webhook was lost (or dropped by the IP allow-list) is noticed within an hour,
// and later ones on a decaying schedule, so the cost stays low however many payments there are. Pure.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Offsets from paid_at at which a payment is re-checked; after the last one it never is again. */
export const RECHECK_AFTER_PAID_MS = [HOUR, DAY, 7 * DAY, 30 * DAY] as const;

/** The next scheduled re-check strictly after `now`, or null when the schedule is over. */
export function nextRecheckAt(paidAt: number, now: number): number | null {
  for (const offset of RECHECK_AFTER_PAID_MS) if (paidAt + offset > now) return paidAt + offset;
  return null;
}

/** The first look at a refund we owe, should its cancel go unanswered or be refused. */
export const firstOwedRefundCheckAt = (owedSince: number) => owedSince + HOUR;

/**
 * The next look at a refund we still owe: the same decaying schedule from when it became owed, then every thirty
 * days for as long as Iamport holds the money (each of those is also logged as an error for a person to act on).
 */
export function nextOwedRefundCheckAt(owedSince: number, now: number): { at: number; overdue: boolean } {
  const scheduled = nextRecheckAt(owedSince, now);
  return scheduled !== null ? { at: scheduled, overdue: false } : { at: now + 30 * DAY, overdue: true };
}
