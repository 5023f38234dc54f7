import { MSG } from "./envelope";
import { logInfo } from "./log";
import type { CardInfo } from "./payment";

// Test cards: a number ending in 0002 fails authentication; one ending in 0051 is accepted but every charge is
// declined for its limit. Anything else well-formed and unexpired works.
const REJECTED_SUFFIX = "0002";
const DECLINED_SUFFIX = "0051";

export type CardCheck =
  | { ok: true; card: CardInfo; declines: boolean }
  | { ok: false; message: string };

function brand(digits: string): { card_code: string; card_name: string } {
  if (digits.startsWith("4")) return { card_code: "366", card_name: "신한카드" };
  if (digits.startsWith("5")) return { card_code: "381", card_name: "KB국민카드" };
  return { card_code: "361", card_name: "BC카드" };
}

/** Masked like Iamport: first 6 digits, stars, last digit (510737*********6). */
const mask = (digits: string): string => digits.slice(0, 6) + "*".repeat(digits.length - 7) + digits.slice(-1);

/** Year and month in Korea (cards expire at the end of their month, KST). */
function kstMonth(nowMs: number): number {
  const d = new Date(nowMs + 9 * 3600_000);
  return d.getUTCFullYear() * 12 + d.getUTCMonth() + 1;
}

/**
 * What the card company says about keyed card data (`card_number` "dddd-dddd-dddd-dddd", `expiry` "YYYY-MM"), as of
 * the sandbox's clock. Refusals carry Iamport's messages; the reason goes to the log.
 */
export function checkCard(cardNumber: string, expiry: string, nowMs: number): CardCheck {
  const digits = cardNumber.replace(/[-\s]/g, "");
  if (!/^\d{15,16}$/.test(digits)) {
    logInfo("card_refused", { reason: "card_number is not 15-16 digits" });
    return { ok: false, message: MSG.invalidCardNumber };
  }
  const m = /^(\d{4})-?(\d{2})$/.exec(expiry.trim());
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) {
    logInfo("card_refused", { reason: `expiry "${expiry}" is not YYYY-MM` });
    return { ok: false, message: MSG.cardAuthFailed };
  }
  if (Number(m[1]) * 12 + month < kstMonth(nowMs)) {
    logInfo("card_refused", { reason: `card expired ${m[1]}-${m[2]}` });
    return { ok: false, message: MSG.cardAuthFailed };
  }
  if (digits.endsWith(REJECTED_SUFFIX)) {
    logInfo("card_refused", { reason: "test card ending 0002 always fails authentication" });
    return { ok: false, message: MSG.cardAuthFailed };
  }
  return {
    ok: true,
    card: { ...brand(digits), card_number: mask(digits), card_type: 0 },
    declines: digits.endsWith(DECLINED_SUFFIX),
  };
}
