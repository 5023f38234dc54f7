// Billing periods. A subscription stores its anchor (the start of its first paid period); period n's boundaries are
// always computed from the anchor, never from the previous period, so a short month never shortens the ones after
// it (anchor on the 31st: Jan 31 → Feb 28/29 → Mar 31). Boundaries are the anchor's wall-clock time in Korea (the
// shop's and the buyer's calendar), stored as UTC epoch milliseconds: the cron runs in UTC, and KST midnight is
// 15:00 UTC the day before. Korea has kept UTC+9 without daylight saving since 1988, so the offset is a constant.

export const KST_OFFSET_MS = 9 * 3_600_000;
export const DAY_MS = 86_400_000;

export type BillingInterval = { unit: "month" | "year"; count: number };

const daysInMonth = (year: number, monthIndex: number) => new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();

/**
 * The instant `n` intervals after the anchor: the same day of the month and time of day in Korea, clamped to the
 * month's last day when the month is shorter. n = 0 is the anchor itself.
 */
export function periodBoundary(anchorMs: number, interval: BillingInterval, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError("period number must be a non-negative integer");
  const kst = new Date(anchorMs + KST_OFFSET_MS);
  const months = n * interval.count * (interval.unit === "year" ? 12 : 1);
  const totalMonth = kst.getUTCMonth() + months;
  const year = kst.getUTCFullYear() + Math.floor(totalMonth / 12);
  const monthIndex = totalMonth % 12;
  const day = Math.min(kst.getUTCDate(), daysInMonth(year, monthIndex));
  const wall = Date.UTC(year, monthIndex, day, kst.getUTCHours(), kst.getUTCMinutes(), kst.getUTCSeconds(), kst.getUTCMilliseconds());
  return wall - KST_OFFSET_MS;
}

/**
 * Paid period `n` (n ≥ 1) runs from boundary n-1 to boundary n. Period 0 is the trial (or nothing), before the anchor.
 */
export function paidPeriod(anchorMs: number, interval: BillingInterval, n: number): { start: number; end: number } {
  if (!Number.isInteger(n) || n < 1) throw new RangeError("paid periods are numbered from 1");
  return { start: periodBoundary(anchorMs, interval, n - 1), end: periodBoundary(anchorMs, interval, n) };
}

/** The calendar date in Korea of an instant, as YYYY-MM-DD (for tests, logs and invoice numbers). */
export function kstDate(ms: number): string {
  return new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 10);
}
