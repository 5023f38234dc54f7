// Random identifiers shaped like Iamport's. Web Crypto only: no Math.random for anything a test might collide on.

function randomDigits(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => String(b % 10)).join("");
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function randomFrom(alphabet: string, n: number): string {
  // 252 = 7 * 36: reject the tail so every character is equally likely.
  let out = "";
  while (out.length < n) {
    for (const b of crypto.getRandomValues(new Uint8Array(n * 2))) {
      if (b < 252 && out.length < n) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

/** `imp_` + 12 digits, e.g. imp_448280090638. */
export const newImpUid = (): string => "imp_" + randomDigits(12);

/** 40 lowercase hex characters, as observed on real tokens. */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** 20 uppercase alphanumerics, e.g. 06JC8FVHJTW2WY16FEY0. */
export const newCancellationId = (): string => randomFrom(ALNUM, 20);

export const newApplyNum = (): string => randomDigits(8);

/** KG Inicis test-MID transaction ids look like StdpayCARDINIpayTest20240101123456abcd (VBNK for accounts). */
export function newPgTid(nowMs: number, method: "CARD" | "VBNK" = "CARD"): string {
  const d = new Date(nowMs + 9 * 3600_000); // KST, as Inicis stamps it
  const stamp = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `Stdpay${method}INIpayTest${stamp}${randomFrom("abcdef0123456789", 6)}`;
}

/** A virtual account number: 14 digits, the shape most Korean banks issue. */
export const newVbankNum = (): string => randomDigits(14);
