// merchant_uid: "pay_" + 32 hex chars of SHA-256(user id, ms time, 16 random bytes).
// 36 characters fits Iamport's 40; the 128 random bits make it unguessable even knowing user and time.
export const MERCHANT_UID_PATTERN = /^pay_[0-9a-f]{32}$/;

export async function merchantUid(
  userId: string,
  nowMs: number,
  randomBytes: (n: number) => Uint8Array,
): Promise<string> {
  const random = randomBytes(16);
  const prefix = new TextEncoder().encode(`${userId}\u0000${nowMs}\u0000`);
  const input = new Uint8Array(prefix.length + random.length);
  input.set(prefix);
  input.set(random, prefix.length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
  let hex = "";
  for (let i = 0; i < 16; i++) hex += digest[i]!.toString(16).padStart(2, "0");
  return `pay_${hex}`;
}
