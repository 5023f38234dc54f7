import { rawStatement } from "./batch";
import type { Db } from "./client";

/**
 * D1 has no interactive transactions, but a batch is atomic: if any statement fails, none is applied. This
 * statement fails (CHECK on cas_guard) when the statement just before it changed no row, so a compare-and-set
 * that lost its race rolls back everything batched with it.
 */
export const assertPreviousChanged = (db: Db) => rawStatement(db, "INSERT INTO cas_guard (ok) SELECT changes()");

/** Keeps cas_guard empty; runs last in the batch. */
export const clearGuard = (db: Db) => rawStatement(db, "DELETE FROM cas_guard");

export function isLostRace(e: unknown): boolean {
  for (let cur: unknown = e; cur instanceof Error; cur = cur.cause) {
    if (cur.message.includes("cas_guard_lost_race")) return true;
  }
  return false;
}
