import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { cachedSql } from "./cached-sql";
import type { Db } from "./client";
import { paymentByImpUid, paymentByMerchantUid } from "./payments";
import type { NewDelivery } from "./inbox";
import { payments, webhookInbox } from "./schema";

// Coalescing of validation hints. The browser's report and Iamport's webhook usually name the same imp_uid within
// a second of each other, and each used to queue its own message; the second found the first's result and did
// nothing but occupy the queue. Now a hint queues a message only when none is waiting for that imp_uid:
// `payments.pending_validation_imp_uid` names the imp_uid of a queued message that has not started. A hint that
// finds it set rides on that message (a webhook keeps its inbox row unprocessed); the consumer clears it as it
// starts, before it asks Iamport, and in the same transaction takes over the deliveries that rode on it. So every
// hint is followed by a lookup that began after it arrived:
//  - a hint stored before the clear is seen by the run that cleared (its lookup comes after); a webhook's row
//    also turns off that run's "already settled" shortcut, so a cancel or a late approval is always looked up;
//  - a hint stored after the clear finds nothing pending and queues a message of its own;
//  - a message that is lost leaves its riders' rows unprocessed and its order `ready`, which the reconciler
//    sends again after its grace period, as for any lost message.

// Queries below take their SQL text from cached-sql.ts (built once per isolate): every value is a placeholder.
const ph = sql.placeholder;
const pendingIsNotImpUid = sql`${payments.pendingValidationImpUid} IS NOT ${ph("impUid")}`;

/**
 * Stores a valid webhook for one of our merchant_uids and, in the same transaction, claims the payment's pending
 * validation for its imp_uid. `queue`: whether the caller must send the validation message (nothing was waiting
 * for this imp_uid, or no order has this merchant_uid, which the consumer records as ignored).
 */
export async function storeWebhookHint(db: Db, row: NewDelivery & { impUid: string; merchantUid: string }) {
  const [inserted, claimed, order] = await db.batch([
    db.insert(webhookInbox).values(row).returning({ id: webhookInbox.id }),
    cachedSql(
      "webhookHint.claim",
      db
        .update(payments)
        .set({ pendingValidationImpUid: sql`${ph("impUid")}` })
        .where(and(eq(payments.merchantUid, ph("merchantUid")), pendingIsNotImpUid))
        .returning({ id: payments.id }),
      { impUid: row.impUid, merchantUid: row.merchantUid },
    ),
    cachedSql("webhookHint.order", db.select({ id: payments.id }).from(payments).where(eq(payments.merchantUid, ph("merchantUid"))), {
      merchantUid: row.merchantUid,
    }),
  ]);
  return { inboxId: inserted[0]!.id, queue: claimed.length > 0 || order.length === 0 };
}

/**
 * The browser's report (owner only, never overwriting a different imp_uid): records the imp_uid and, while the
 * order is `ready`, claims its pending validation, in one transaction. `queue`: whether the caller must send the
 * message (false: one for this imp_uid is already waiting and will answer this report too). `row` is undefined
 * when the order is not the user's or holds another imp_uid; a unique violation (another order holds the imp_uid)
 * is thrown and changes nothing. `watch`: the caller will wait for the outcome; the order is marked watched in the
 * same statement that returns its status (src/services/status-watch.ts).
 */
export async function recordBrowserReport(db: Db, a: { merchantUid: string; userId: string; impUid: string; now: number; watch?: boolean }) {
  const reportable = and(
    eq(payments.merchantUid, ph("merchantUid")),
    eq(payments.userId, ph("userId")),
    or(isNull(payments.impUid), eq(payments.impUid, ph("impUid"))),
  );
  const values = { merchantUid: a.merchantUid, userId: a.userId, impUid: a.impUid, now: a.now, ready: "ready" };
  const [claimed, recorded] = await db.batch([
    cachedSql(
      "browserReport.claim",
      db
        .update(payments)
        .set({ pendingValidationImpUid: sql`${ph("impUid")}` })
        .where(and(reportable, eq(payments.status, sql`${ph("ready")}`), pendingIsNotImpUid))
        .returning({ id: payments.id }),
      values,
    ),
    cachedSql(
      a.watch ? "browserReport.record+watch" : "browserReport.record",
      db
        .update(payments)
        .set({
          impUid: sql`${ph("impUid")}`,
          updatedAt: sql`${ph("now")}`,
          validationQueuedAt: sql`${ph("now")}`,
          ...(a.watch ? { watchedAt: sql`coalesce(${payments.watchedAt}, ${ph("now")})` } : {}),
        })
        .where(reportable)
        .returning(),
      values,
    ),
  ]);
  return { row: recorded[0], queue: claimed.length > 0 };
}

/**
 * The browser's report on PortOne V2: the window's txId names an attempt, and V2 retries in the same window are
 * new attempts of the same paymentId, so the txId is not recorded on the order (a stale one would then block the
 * right one, as a different imp_uid does on V1); validation binds the transactionId PortOne answers for the
 * paymentId. Owner only: `row` is undefined when the order is not the user's. While the order is `ready` it claims
 * the pending validation for this txId, so repeats of the same report queue one message between them; a report
 * of another txId (a retry in the window) claims again and is looked up too.
 */
export async function recordAttemptReport(db: Db, a: { merchantUid: string; userId: string; txId: string; now: number; watch?: boolean }) {
  const own = and(eq(payments.merchantUid, a.merchantUid), eq(payments.userId, a.userId));
  const [claimed, recorded] = await db.batch([
    db
      .update(payments)
      .set({ pendingValidationImpUid: a.txId })
      .where(and(own, eq(payments.status, "ready"), sql`${payments.pendingValidationImpUid} IS NOT ${a.txId}`))
      .returning({ id: payments.id }),
    db
      .update(payments)
      .set({
        updatedAt: a.now,
        validationQueuedAt: a.now,
        // The caller will wait for the outcome (complete?wait): announced to it (src/services/status-watch.ts).
        ...(a.watch ? { watchedAt: sql`coalesce(${payments.watchedAt}, ${a.now})` } : {}),
      })
      .where(own)
      .returning(),
  ]);
  return { row: recorded[0], queue: claimed.length > 0 };
}

/** Releases a claim whose message could not be sent, so the next hint queues one (compare-and-set on the imp_uid). */
export const releaseClaim = (db: Db, merchantUid: string, impUid: string) =>
  db
    .update(payments)
    .set({ pendingValidationImpUid: null })
    .where(and(eq(payments.merchantUid, merchantUid), eq(payments.pendingValidationImpUid, impUid)))
    .run();

/**
 * The consumer starts validating (merchant_uid, imp_uid): in one transaction, reads the order the hint names and
 * the order holding the imp_uid, clears the pending validation for this imp_uid, and takes the webhook deliveries
 * still waiting for it (`riders`: inbox ids other than the message's own), whose hints this run now answers.
 */
export async function startValidation(db: Db, merchantUid: string, impUid: string, ownInboxId: number | undefined) {
  const values = { merchantUid, impUid, valid: 1 };
  const [byMerchantUid, byImpUid, , waiting] = await db.batch([
    paymentByMerchantUid(db, merchantUid),
    paymentByImpUid(db, impUid),
    cachedSql(
      "startValidation.clear",
      db
        .update(payments)
        .set({ pendingValidationImpUid: sql`null` })
        .where(and(eq(payments.merchantUid, ph("merchantUid")), eq(payments.pendingValidationImpUid, ph("impUid")))),
      values,
    ),
    cachedSql(
      "startValidation.riders",
      db
        .select({ id: webhookInbox.id })
        .from(webhookInbox)
        .where(
          and(
            eq(webhookInbox.merchantUid, ph("merchantUid")),
            eq(webhookInbox.impUid, ph("impUid")),
            isNull(webhookInbox.processedAt),
            eq(webhookInbox.valid, ph("valid")),
          ),
        ),
      values,
    ),
  ]);
  return {
    byMerchantUid: byMerchantUid[0],
    byImpUid: byImpUid[0],
    riders: waiting.map((r) => r.id).filter((id) => id !== ownInboxId),
  };
}

/** Marks the deliveries a validation answered (its own and its riders) as processed, unless already marked. */
export const markDeliveriesProcessed = (db: Db, ids: number[], now: number, note: string | null) =>
  db
    .update(webhookInbox)
    .set({ processedAt: now, error: note })
    .where(and(inArray(webhookInbox.id, ids), isNull(webhookInbox.processedAt)))
    .run();
