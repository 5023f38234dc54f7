import type { Locale } from "./locales";

// Amounts and times as each language writes them. Pure, shared by the pages and the browser script.

const grouped = (n: number) => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** Integer won (KRW has no minor unit): `12,000원` in Korean, `₩12,000` in English. */
export function formatAmount(locale: Locale, amount: number): string {
  const sign = amount < 0 ? "-" : "";
  return locale === "ko" ? `${sign}${grouped(Math.abs(amount))}원` : `${sign}₩${grouped(Math.abs(amount))}`;
}

/** A plain count or limit with thousands separators (both languages group by three with commas). */
export const formatNumber = (n: number) => (n < 0 ? "-" : "") + grouped(Math.abs(n));

// Korea has kept UTC+9 without daylight saving since 1988, so a fixed offset is exact and needs no tz database.
const SEOUL_OFFSET_MS = 9 * 3_600_000;
const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * An instant (ISO UTC string, as the API gives times, or epoch ms) in Korea Standard Time:
 * `2026년 11월 26일 20:07` in Korean, `26 Nov 2026, 20:07 KST` in English. Null or unparsable → "—".
 */
export function formatDateTime(locale: Locale, at: string | number | null, opts: { seconds?: boolean } = {}): string {
  if (at === null) return "—";
  const ms = typeof at === "number" ? at : Date.parse(at);
  if (!Number.isFinite(ms)) return "—";
  const d = new Date(ms + SEOUL_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, "0");
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}${opts.seconds ? `:${two(d.getUTCSeconds())}` : ""}`;
  return locale === "ko"
    ? `${d.getUTCFullYear()}년 ${d.getUTCMonth() + 1}월 ${d.getUTCDate()}일 ${time}`
    : `${d.getUTCDate()} ${EN_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${time} KST`;
}
