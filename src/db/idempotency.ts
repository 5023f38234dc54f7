import { and, eq, isNotNull, isNull, lt } from "drizzle-orm";
import type { Db } from "./client";
import { idempotencyKeys } from "./schema";

export interface KeyRef {
  userId: string;
  scope: string;
  key: string;
}

const match = (k: KeyRef) =>
  and(eq(idempotencyKeys.userId, k.userId), eq(idempotencyKeys.scope, k.scope), eq(idempotencyKeys.key, k.key));

/** Claims the key for a new request; returns false when a request with this key exists already. */
export async function claimKey(db: Db, k: KeyRef, requestHash: string, now: number): Promise<boolean> {
  const result = await db
    .insert(idempotencyKeys)
    .values({ ...k, requestHash, createdAt: now })
    .onConflictDoNothing()
    .run();
  return result.meta.changes === 1;
}

export const findKey = (db: Db, k: KeyRef) => db.select().from(idempotencyKeys).where(match(k)).get();

/** Takes over a key whose request failed, so a retry with the same body runs again; only if nobody else did first. */
export const takeOverFailedKey = async (db: Db, k: KeyRef, now: number) =>
  (
    await db
      .update(idempotencyKeys)
      .set({ createdAt: now, failedAt: null })
      .where(and(match(k), isNull(idempotencyKeys.responseStatus), isNotNull(idempotencyKeys.failedAt)))
      .run()
  ).meta.changes === 1;

/** Takes over a claim whose request never finished (crashed or timed out), only if nobody else did first. */
export const takeOverStaleKey = async (db: Db, k: KeyRef, staleBefore: number, now: number) =>
  (
    await db
      .update(idempotencyKeys)
      .set({ createdAt: now })
      .where(
        and(match(k), isNull(idempotencyKeys.responseStatus), isNull(idempotencyKeys.failedAt), lt(idempotencyKeys.createdAt, staleBefore)),
      )
      .run()
  ).meta.changes === 1;

export const storeResponse = (db: Db, k: KeyRef, status: number, body: unknown) =>
  db
    .update(idempotencyKeys)
    .set({ responseStatus: status, responseBody: JSON.stringify(body) })
    .where(and(match(k), isNull(idempotencyKeys.responseStatus)));

/**
 * Marks the claim of a request that failed. The key keeps its request fingerprint, so the same key with another
 * body is still refused (422), while a retry with the same body may run again.
 */
export const markKeyFailed = (db: Db, k: KeyRef, now: number) =>
  db
    .update(idempotencyKeys)
    .set({ failedAt: now })
    .where(and(match(k), isNull(idempotencyKeys.responseStatus)))
    .run();
