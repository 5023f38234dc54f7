import { rawStatement } from "./batch";
import type { Db } from "./client";

// What pocketpay stops keeping, and when. Payments, their events and refunds are money records and are never
// purged. Rate-limit counters live in Cloudflare's rate-limit bindings, not in D1, so they leave nothing here.

const DAY = 24 * 3_600_000;
/** Idempotency keys answer repeats for 24 hours, as Stripe's do. */
export const IDEMPOTENCY_KEY_TTL_MS = DAY;
/** Processed webhook deliveries are kept 30 days for inspection; unprocessed ones until they are processed. */
export const WEBHOOK_DELIVERY_TTL_MS = 30 * DAY;

// Each statement deletes at most `limit` rows, chosen through an index, so one run is bounded however much is due.
const purge = async (db: Db, table: string, where: string, limit: number, ...params: unknown[]) =>
  (await rawStatement(db, `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ?)`, ...params, limit).run())
    .meta.changes;

/** Sessions past their expiry (logging out ends a session's expiry too): they can never be used again. */
export const purgeSessions = (db: Db, now: number, limit: number) => purge(db, "sessions", "expires_at < ?", limit, now);

export const purgeIdempotencyKeys = (db: Db, now: number, limit: number) =>
  purge(db, "idempotency_keys", "created_at < ?", limit, now - IDEMPOTENCY_KEY_TTL_MS);

export const purgeWebhookDeliveries = (db: Db, now: number, limit: number) =>
  purge(db, "webhook_inbox", "received_at < ? AND processed_at IS NOT NULL", limit, now - WEBHOOK_DELIVERY_TTL_MS);
