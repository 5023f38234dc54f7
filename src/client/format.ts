/** ₩12,000 — integer won with thousands separators. */
export const krw = (n: number) => "\u20a9" + String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
