import { newVbankNum } from "./ids";
import type { VbankAccount } from "./payment";

/** Banks the sandbox issues accounts at, by 금융결제원 standard code (the Payment's vbank_code). */
export const BANKS: ReadonlyArray<{ code: string; name: string }> = [
  { code: "004", name: "KB국민은행" },
  { code: "088", name: "신한은행" },
  { code: "020", name: "우리은행" },
  { code: "081", name: "하나은행" },
  { code: "011", name: "NH농협은행" },
  { code: "003", name: "IBK기업은행" },
];

export const VBANK_HOLDER = "샌드박스상점";
/** Without `vbank_due`, the deadline is the end of the 7th day after issuance, KST (sandbox choice). */
const DEFAULT_DUE_DAYS = 7;
const KST = 9 * 3600;

/** 23:59:59 KST of the day `sec` falls on in Korea, `days` later. */
function endOfKstDay(sec: number, days = 0): number {
  const kstDayStart = Math.floor((sec + KST) / 86_400) * 86_400 - KST;
  return kstDayStart + (days + 1) * 86_400 - 1;
}

/**
 * `vbank_due` as the SDK takes it: YYYYMMDD, YYYY-MM-DD (end of that day), or YYYYMMDDhhmm / "YYYY-MM-DD hh:mm"
 * (that minute), all in KST. Null for anything else.
 */
export function parseDue(raw: string): number | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[ T]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/.exec(raw.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
  const utc = Date.UTC(y!, mo! - 1, d!, h ?? 0, mi ?? 0, s ?? 0) / 1000 - KST;
  const check = new Date((utc + KST) * 1000);
  if (check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d! || (h ?? 0) > 23 || (mi ?? 0) > 59) return null;
  return h === undefined ? endOfKstDay(utc) : utc;
}

export type AccountResult = { ok: true; account: VbankAccount } | { ok: false; reason: string };

/** Opens an account at the chosen bank (the first one by default) with its deposit deadline. */
export function openAccount(nowMs: number, bankCode: string | null | undefined, due: string | number | null | undefined): AccountResult {
  const now = Math.floor(nowMs / 1000);
  const bank = bankCode ? BANKS.find((b) => b.code === bankCode) : BANKS[0];
  if (!bank) return { ok: false, reason: "vbank_code" };
  let date = endOfKstDay(now, DEFAULT_DUE_DAYS);
  if (due !== undefined && due !== null && due !== "") {
    const parsed = parseDue(String(due));
    if (parsed === null || parsed <= now) return { ok: false, reason: "vbank_due" };
    date = parsed;
  }
  return {
    ok: true,
    account: { code: bank.code, name: bank.name, num: newVbankNum(), holder: VBANK_HOLDER, date, issuedAt: now },
  };
}
