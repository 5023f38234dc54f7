import { and, eq, gt, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { unprocessedDeliveries } from "../db/inbox";
import { payments, refunds } from "../db/schema";
import type { ValidationMessage } from "../queue/messages";
import type { Deps } from "./deps";

const HOUR = 3_600_000;
// Orders unpaid for this long are no longer polled: Iamport's webhook or the buyer must speak first.
const POLL_UNPAID_FOR_MS = 48 * HOUR;
const BATCH = 100;

export interface ReconcileReport {
  stuck_payments: number;
  unprocessed_deliveries: number;
  pending_refunds: number;
}

/**
 * The safety net for every lost hint: a webhook that never came, a browser closed before `complete`, a queue
 * send that failed after its write. It re-enqueues validation for
 *  - orders still `ready` past the grace period (with an imp_uid: looked up by it; without: by merchant_uid),
 *    each polled at most every max(grace, age / 4) so abandoned orders cost little;
 *  - webhook deliveries stored but never processed;
 *  - refunds whose outcome is unknown (their payment is re-read and its cancel history recorded).
 */
export async function reconcile(deps: Deps): Promise<ReconcileReport> {
  const now = deps.now();
  const grace = deps.config.RECONCILE_AFTER_SECONDS * 1000;
  const lastTouched = sql`coalesce(${payments.validationQueuedAt}, ${payments.createdAt})`;

  const [stuck, deliveries, pendingRefunds] = await Promise.all([
    deps.db
      .select({ id: payments.id, merchantUid: payments.merchantUid, impUid: payments.impUid })
      .from(payments)
      .where(
        and(
          eq(payments.status, "ready"),
          gt(payments.createdAt, now - POLL_UNPAID_FOR_MS),
          sql`${lastTouched} < ${now} - max(${grace}, (${now} - ${payments.createdAt}) / 4)`,
        ),
      )
      .limit(BATCH)
      .all(),
    unprocessedDeliveries(deps.db, now - grace, BATCH),
    deps.db
      .selectDistinct({ merchantUid: payments.merchantUid, impUid: payments.impUid })
      .from(refunds)
      .innerJoin(payments, eq(payments.id, refunds.paymentId))
      .where(and(eq(refunds.status, "pending"), lt(refunds.updatedAt, now - grace), isNotNull(payments.impUid)))
      .limit(BATCH)
      .all(),
  ]);

  const messages: ValidationMessage[] = [
    ...stuck.map((p) => ({
      merchant_uid: p.merchantUid,
      ...(p.impUid ? { imp_uid: p.impUid } : {}),
      source: "reconciler" as const,
    })),
    ...deliveries.flatMap((d) =>
      d.impUid ? [{ imp_uid: d.impUid, source: "reconciler" as const, inbox_id: d.id }] : [],
    ),
    ...pendingRefunds.map((r) => ({
      merchant_uid: r.merchantUid,
      imp_uid: r.impUid!,
      source: "reconciler" as const,
      settle_refunds_before: now - grace,
    })),
  ];
  if (stuck.length > 0) {
    await deps.db
      .update(payments)
      .set({ validationQueuedAt: now })
      .where(inArray(payments.id, stuck.map((p) => p.id)))
      .run();
  }
  if (messages.length > 0) await deps.queue.sendBatch(messages);
  return { stuck_payments: stuck.length, unprocessed_deliveries: deliveries.length, pending_refunds: pendingRefunds.length };
}
