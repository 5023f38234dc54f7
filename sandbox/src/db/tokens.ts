import { newToken } from "../ids";

export const TOKEN_TTL = 1800;
const EXTEND_WINDOW = 60;
const EXTEND_BY = 300;

export interface TokenRow {
  token: string;
  expired_at: number;
}

/**
 * Iamport's rule: while a token is valid, getToken returns it with the same expiry; in its last minute the
 * expiry is pushed out by 5 minutes; after expiry a new 30-minute token is issued.
 */
export async function issueToken(db: D1Database, now: number): Promise<TokenRow> {
  const current = await db
    .prepare("SELECT token, expired_at FROM sandbox_tokens WHERE expired_at > ? ORDER BY expired_at DESC LIMIT 1")
    .bind(now)
    .first<TokenRow>();
  if (current) {
    if (current.expired_at - now > EXTEND_WINDOW) return current;
    // Compare-and-set so two racing callers extend once, then both read the result.
    await db
      .prepare("UPDATE sandbox_tokens SET expired_at = expired_at + ? WHERE token = ? AND expired_at = ?")
      .bind(EXTEND_BY, current.token, current.expired_at)
      .run();
    const after = await db
      .prepare("SELECT token, expired_at FROM sandbox_tokens WHERE token = ?")
      .bind(current.token)
      .first<TokenRow>();
    return after ?? current;
  }
  const fresh = { token: newToken(), expired_at: now + TOKEN_TTL };
  await db
    .prepare("INSERT INTO sandbox_tokens (token, issued_at, expired_at) VALUES (?, ?, ?)")
    .bind(fresh.token, now, fresh.expired_at)
    .run();
  return fresh;
}

export async function isTokenValid(db: D1Database, token: string, now: number): Promise<boolean> {
  const row = await db
    .prepare("SELECT 1 AS ok FROM sandbox_tokens WHERE token = ? AND expired_at > ?")
    .bind(token, now)
    .first<{ ok: number }>();
  return row !== null;
}
