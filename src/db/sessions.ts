import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "./client";
import { sessions, users } from "./schema";

export const insertSession = (db: Db, row: typeof sessions.$inferInsert) => db.insert(sessions).values(row);

/** One query: the live session for a token hash together with its user. */
export async function findLiveSession(db: Db, tokenHash: string, now: number) {
  return db
    .select({ sessionId: sessions.id, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .get();
}

/** Ends the session now: revoked, and expired too, so the retention sweep removes it with the expired ones. */
export const revokeSession = (db: Db, sessionId: string, now: number) =>
  db
    .update(sessions)
    .set({ revokedAt: now, expiresAt: now })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .run();
