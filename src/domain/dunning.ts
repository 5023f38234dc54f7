import { DAY_MS } from "./billing-dates";

// Dunning: a declined renewal is retried on a fixed schedule counted from its first decline (DUNNING_RETRY_DAYS,
// 1, 3, 5 and 7 days by default). A retry made early (the buyer registered another card) does not move the
// schedule: the next retry is the first slot still ahead.

/** The next retry after `now`, or null when no slot is left (retries exhausted). */
export function nextRetryAt(firstDeclineAt: number, now: number, retryDays: readonly number[]): number | null {
  for (const days of retryDays) {
    const at = firstDeclineAt + days * DAY_MS;
    if (at > now) return at;
  }
  return null;
}

/** The last slot of the schedule: a subscription whose retries were stopped (hard decline) ends then. */
export function dunningEndsAt(firstDeclineAt: number, retryDays: readonly number[]): number {
  return firstDeclineAt + Math.max(0, ...retryDays) * DAY_MS;
}

// Card companies report a lost or stolen card in the payment's fail_reason; Iamport gives no code for it, so the
// words are matched (a miss only costs the retries a soft decline gets, never a charge).
const HARD_DECLINE_WORDS = ["분실", "도난", "정지된 카드", "lost", "stolen", "pickup", "pick up"];

/** A decline no retry can fix: the card was reported lost or stolen. (A deleted key is detected at Iamport.) */
export function isHardDecline(failReason: string | null | undefined): boolean {
  if (!failReason) return false;
  const text = failReason.toLowerCase();
  return HARD_DECLINE_WORDS.some((w) => text.includes(w));
}
