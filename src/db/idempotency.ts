import { and, eq, isNull, lt } from "drizzle-orm";
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

/** Takes over a claim whose request never finished (crashed or timed out), only if nobody else did first. */
export const takeOverStaleKey = async (db: Db, k: KeyRef, staleBefore: number, now: number) =>
  (
    await db
      .update(idempotencyKeys)
      .set({ createdAt: now })
      .where(and(match(k), isNull(idempotencyKeys.responseStatus), lt(idempotencyKeys.createdAt, staleBefore)))
      .run()
  ).meta.changes === 1;

export const storeResponse = (db: Db, k: KeyRef, status: number, body: unknown) =>
  db
    .update(idempotencyKeys)
    .set({ responseStatus: status, responseBody: JSON.stringify(body) })
    .where(and(match(k), isNull(idempotencyKeys.responseStatus)));

/** Releases a claim whose request failed before doing anything, so a retry with the same key starts afresh. */
export const releaseKey = (db: Db, k: KeyRef) =>
  db.delete(idempotencyKeys).where(and(match(k), isNull(idempotencyKeys.responseStatus))).run();
