import { fromBase64Url, timingSafeEqual, toBase64Url } from "../lib/crypto";

// Deployed Workers refuse PBKDF2 above 100,000 iterations; this is the most we may use there.
export const PBKDF2_MAX_ITERATIONS = 100_000;
export const PASSWORD_ALGORITHM = "pbkdf2-sha256";

export interface PasswordHash {
  algorithm: typeof PASSWORD_ALGORITHM;
  iterations: number;
  salt: string; // base64url
  hash: string; // base64url, 32 bytes
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  if (iterations > PBKDF2_MAX_ITERATIONS) {
    throw new RangeError(`PBKDF2 iterations ${iterations} exceed the Workers limit of ${PBKDF2_MAX_ITERATIONS}`);
  }
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(
  password: string,
  salt: Uint8Array,
  iterations: number = PBKDF2_MAX_ITERATIONS,
): Promise<PasswordHash> {
  const hash = await derive(password, salt, iterations);
  return { algorithm: PASSWORD_ALGORITHM, iterations, salt: toBase64Url(salt), hash: toBase64Url(hash) };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (stored.algorithm !== PASSWORD_ALGORITHM) return false;
  const hash = await derive(password, fromBase64Url(stored.salt), stored.iterations);
  return timingSafeEqual(hash, fromBase64Url(stored.hash));
}
