import type { PaymentStatus } from "../domain/payment-state";

/** ₩12,000 — integer won with thousands separators (KRW has no minor unit). */
export const krw = (amount: number) => "₩" + Math.round(amount).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");

// Korea has kept UTC+9 without daylight saving since 1988, so a fixed offset is exact and needs no tz database.
const SEOUL_OFFSET_MS = 9 * 3_600_000;

/** "2025-11-26 01:55" in Asia/Seoul, from an ISO UTC string (the API's times) or epoch milliseconds. */
export function seoulTime(at: string | number | null, seconds = false): string {
  if (at === null) return "—";
  const ms = typeof at === "number" ? at : Date.parse(at);
  if (!Number.isFinite(ms)) return "—";
  const s = new Date(ms + SEOUL_OFFSET_MS).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, seconds ? 19 : 16)}`;
}

export const STATUS_LABELS: Record<PaymentStatus, string> = {
  ready: "Awaiting payment",
  paid: "Paid",
  failed: "Failed",
  rejected: "Rejected",
  partially_cancelled: "Partly refunded",
  cancelled: "Cancelled",
};

export const SOURCE_LABELS: Record<string, string> = {
  browser: "browser",
  webhook: "Iamport webhook",
  reconciler: "reconciler",
  admin: "administrator",
  system: "pocketpay",
};
