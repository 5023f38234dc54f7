import { describe, expect, it } from "vitest";
import { kstDate, paidPeriod, periodBoundary } from "../../src/domain/billing-dates";
import { dunningEndsAt, isHardDecline, nextRetryAt } from "../../src/domain/dunning";
import { canTransitionSubscription, SUBSCRIPTION_STATUSES } from "../../src/domain/subscription-state";
import { renewalMerchantUid } from "../../src/domain/subscription-ids";
import { MERCHANT_UID_PATTERN } from "../../src/domain/merchant-uid";

const monthly = { unit: "month", count: 1 } as const;
/** A KST wall-clock time as the UTC instant it is. */
const kst = (iso: string) => Date.parse(`${iso}+09:00`);

// The twelve renewals after an anchor in December 2027, written out by hand (2028 is a leap year).
const EXPECTED: Record<number, string[]> = {
  1: ["2028-01-01", "2028-02-01", "2028-03-01", "2028-04-01", "2028-05-01", "2028-06-01", "2028-07-01", "2028-08-01", "2028-09-01", "2028-10-01", "2028-11-01", "2028-12-01"],
  15: ["2028-01-15", "2028-02-15", "2028-03-15", "2028-04-15", "2028-05-15", "2028-06-15", "2028-07-15", "2028-08-15", "2028-09-15", "2028-10-15", "2028-11-15", "2028-12-15"],
  28: ["2028-01-28", "2028-02-28", "2028-03-28", "2028-04-28", "2028-05-28", "2028-06-28", "2028-07-28", "2028-08-28", "2028-09-28", "2028-10-28", "2028-11-28", "2028-12-28"],
  29: ["2028-01-29", "2028-02-29", "2028-03-29", "2028-04-29", "2028-05-29", "2028-06-29", "2028-07-29", "2028-08-29", "2028-09-29", "2028-10-29", "2028-11-29", "2028-12-29"],
  30: ["2028-01-30", "2028-02-29", "2028-03-30", "2028-04-30", "2028-05-30", "2028-06-30", "2028-07-30", "2028-08-30", "2028-09-30", "2028-10-30", "2028-11-30", "2028-12-30"],
  31: ["2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31", "2028-06-30", "2028-07-31", "2028-08-31", "2028-09-30", "2028-10-31", "2028-11-30", "2028-12-31"],
};

describe("billing dates", () => {
  for (const day of [1, 15, 28, 29, 30, 31]) {
    it(`12 monthly renewals anchored on the ${day}th land on the expected dates, at the anchor's time in Korea`, () => {
      const anchor = kst(`2027-12-${String(day).padStart(2, "0")}T10:20:30`);
      const renewals = Array.from({ length: 12 }, (_, i) => periodBoundary(anchor, monthly, i + 1));
      expect(renewals.map(kstDate)).toEqual(EXPECTED[day]);
      for (const at of renewals) expect(new Date(at).toISOString().slice(11, 19)).toBe("01:20:30");
    });
  }

  it("clamps in a common year too, and comes back to the 31st (anchor is stored, never the last date)", () => {
    const anchor = kst("2026-01-31T09:00:00");
    expect([1, 2, 3].map((n) => kstDate(periodBoundary(anchor, monthly, n)))).toEqual(["2026-02-28", "2026-03-31", "2026-04-30"]);
  });

  it("computes boundaries in Korea: 00:30 KST on the 31st is the 30th in UTC, and the next is Feb 28 KST", () => {
    const anchor = kst("2026-01-31T00:30:00");
    expect(new Date(anchor).toISOString()).toBe("2026-01-30T15:30:00.000Z");
    expect(new Date(periodBoundary(anchor, monthly, 1)).toISOString()).toBe("2026-02-27T15:30:00.000Z");
    expect(new Date(periodBoundary(anchor, monthly, 2)).toISOString()).toBe("2026-03-30T15:30:00.000Z");
  });

  it("handles yearly and multi-month intervals, and Feb 29 anchors", () => {
    const leap = kst("2028-02-29T12:00:00");
    expect([1, 2, 4].map((n) => kstDate(periodBoundary(leap, { unit: "year", count: 1 }, n)))).toEqual(["2029-02-28", "2030-02-28", "2032-02-29"]);
    const anchor = kst("2026-08-31T12:00:00");
    expect([1, 2].map((n) => kstDate(periodBoundary(anchor, { unit: "month", count: 6 }, n)))).toEqual(["2027-02-28", "2027-08-31"]);
  });

  it("numbers paid periods from 1: period n runs from boundary n-1 to boundary n", () => {
    const anchor = kst("2026-03-15T08:00:00");
    const p2 = paidPeriod(anchor, monthly, 2);
    expect([kstDate(p2.start), kstDate(p2.end)]).toEqual(["2026-04-15", "2026-05-15"]);
    expect(() => paidPeriod(anchor, monthly, 0)).toThrow(RangeError);
    expect(() => periodBoundary(anchor, monthly, -1)).toThrow(RangeError);
  });
});

describe("dunning schedule", () => {
  const days = [1, 3, 5, 7];
  const t0 = kst("2026-05-10T09:00:00");
  const DAY = 86_400_000;

  it("retries 1, 3, 5 and 7 days after the first decline, then is exhausted", () => {
    expect(nextRetryAt(t0, t0, days)).toBe(t0 + DAY);
    expect(nextRetryAt(t0, t0 + DAY + 1, days)).toBe(t0 + 3 * DAY);
    expect(nextRetryAt(t0, t0 + 3 * DAY + 1, days)).toBe(t0 + 5 * DAY);
    expect(nextRetryAt(t0, t0 + 5 * DAY + 1, days)).toBe(t0 + 7 * DAY);
    expect(nextRetryAt(t0, t0 + 7 * DAY + 1, days)).toBeNull();
    expect(dunningEndsAt(t0, days)).toBe(t0 + 7 * DAY);
  });

  it("keeps the schedule after an early retry (a card change)", () => {
    expect(nextRetryAt(t0, t0 + 2 * DAY, days)).toBe(t0 + 3 * DAY);
  });

  it("tells lost or stolen cards from other declines", () => {
    expect(isHardDecline("분실 신고된 카드입니다")).toBe(true);
    expect(isHardDecline("Card reported STOLEN")).toBe(true);
    expect(isHardDecline("한도초과")).toBe(false);
    expect(isHardDecline(null)).toBe(false);
  });
});

describe("subscription states", () => {
  it("lists the issue's lifecycle and nothing else", () => {
    expect(canTransitionSubscription("incomplete", "active")).toBe(true);
    expect(canTransitionSubscription("incomplete", "trialing")).toBe(true);
    expect(canTransitionSubscription("trialing", "active")).toBe(true);
    expect(canTransitionSubscription("active", "past_due")).toBe(true);
    expect(canTransitionSubscription("past_due", "active")).toBe(true);
    expect(canTransitionSubscription("past_due", "unpaid")).toBe(true);
    expect(canTransitionSubscription("past_due", "canceled")).toBe(true);
    expect(canTransitionSubscription("active", "unpaid")).toBe(false);
    expect(canTransitionSubscription("incomplete", "past_due")).toBe(false);
    for (const to of SUBSCRIPTION_STATUSES) expect(canTransitionSubscription("canceled", to)).toBe(false);
  });

  it("derives one merchant_uid per (subscription, period, attempt), shaped like every order id", async () => {
    const a = await renewalMerchantUid("sub_0123456789abcdef0123456789abcdef", 3, 1);
    expect(a).toMatch(MERCHANT_UID_PATTERN);
    expect(await renewalMerchantUid("sub_0123456789abcdef0123456789abcdef", 3, 1)).toBe(a);
    expect(await renewalMerchantUid("sub_0123456789abcdef0123456789abcdef", 3, 2)).not.toBe(a);
    expect(await renewalMerchantUid("sub_0123456789abcdef0123456789abcdef", 4, 1)).not.toBe(a);
  });
});
