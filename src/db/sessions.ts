import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { cachedSql } from "./cached-sql";
import type { Db } from "./client";
import { sessions, users } from "./schema";

export const insertSession = (db: Db, row: typeof sessions.$inferInsert) => db.insert(sessions).values(row);

/**
 * The live session (not revoked, not expired at `now`) for a token hash, with its user, as a query builder: run
 * alone, or batched with a handler's own reads so that both cost one round trip (services/session.ts).
 */
export const liveSessionQuery = (db: Db, tokenHash: string, now: number) =>
  cachedSql(
    "liveSession",
    db
      // Aliased: D1 batches return rows keyed by column name, so two columns called "id" would collide.
      .select({ sessionId: sql<string>`${sessions.id}`.as("session_id"), user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, sql.placeholder("tokenHash")), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql.placeholder("now"))))
      .limit(sql.placeholder("one")),
    { tokenHash, now, one: 1 },
  );

/**
 * The user id of the live session for a token hash, as a subquery: lets a statement batched with the session
 * lookup act for that user only (the batch cannot wait for the lookup's answer).
 */
export const liveSessionUserIds = (db: Db, tokenHash: string, now: number) =>
  db
    .select({ userId: sessions.userId })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)));

/** Ends the session now: revoked, and expired too, so the retention sweep removes it with the expired ones. */
export const revokeSession = (db: Db, sessionId: string, now: number) =>
  db
    .update(sessions)
    .set({ revokedAt: now, expiresAt: now })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .run();
