import { and, asc, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "./client";
import { webhookInbox } from "./schema";

export type NewDelivery = typeof webhookInbox.$inferInsert;

export const storeDelivery = async (db: Db, row: NewDelivery) =>
  (await db.insert(webhookInbox).values(row).returning({ id: webhookInbox.id }).get()).id;

/**
 * Stores a signed delivery unless one with its webhook-id is already stored: the id of the new row, or null for a
 * retry (or a replay) of a delivery already kept. The unique index decides, so two copies racing store one row.
 */
export const storeDeliveryOnce = async (db: Db, row: NewDelivery & { webhookId: string }) =>
  (await db.insert(webhookInbox).values(row).onConflictDoNothing({ target: webhookInbox.webhookId }).returning({ id: webhookInbox.id }).get())
    ?.id ?? null;

export const markProcessed = (db: Db, id: number, now: number, note: string | null) =>
  db
    .update(webhookInbox)
    .set({ processedAt: now, error: note })
    .where(and(eq(webhookInbox.id, id), isNull(webhookInbox.processedAt)))
    .run();

export const unprocessedDeliveries = (db: Db, receivedBefore: number, limit: number) =>
  db
    .select()
    .from(webhookInbox)
    .where(and(eq(webhookInbox.valid, 1), isNull(webhookInbox.processedAt), lt(webhookInbox.receivedAt, receivedBefore)))
    .orderBy(asc(webhookInbox.id))
    .limit(limit)
    .all();
