import { unprocessedDeliveries } from "../db/inbox";
import {
  dueRechecks,
  markValidationQueued,
  paymentsWithStaleRefunds,
  scheduleRechecks,
  stuckOrders,
} from "../db/reconcile";
import { dueOwedRefunds, updateOwedRefunds } from "../db/owed-refunds";
import { purgeIdempotencyKeys, purgeSessions, purgeWebhookDeliveries } from "../db/retention";
import { holdsMoney } from "../domain/payment-state";
import { nextOwedRefundCheckAt, nextRecheckAt } from "../domain/recheck";
import type { ValidationMessage } from "../domain/messages";
import type { Deps } from "./deps";

const HOUR = 3_600_000;
// Orders unpaid for this long are no longer polled: Iamport's webhook or the buyer must speak first.
const POLL_UNPAID_FOR_MS = 48 * HOUR;
/** Rows each step takes per run; the next run (every few minutes) takes the rest. Also Iamport's multi-get limit. */
export const RECONCILE_BATCH = 100;
/** Rows each retention step deletes per run. */
export const PURGE_BATCH = 500;

export interface ReconcileReport {
  stuck_payments: number;
  unprocessed_deliveries: number;
  pending_refunds: number;
  /** Paid payments compared with Iamport (one multi-get per hundred) and how many differed (sent for validation). */
  rechecked_payments: number;
  recheck_changed: number;
  /** Refunds we owe (cancel refused or unanswered) compared with Iamport, and how many were asked for again. */
  owed_refunds: number;
  owed_refunds_retried: number;
  purged: { sessions: number; idempotency_keys: number; webhook_deliveries: number };
  /** Messages that could not be sent; their rows are picked up again on the next run. */
  unsent_messages: number;
  /** Steps that failed this run; the others ran regardless. */
  failed: Array<{ step: string; error: string }>;
}

/**
 * The safety net for every lost hint, run by the cron every few minutes. Each step is independent: one that
 * fails (or a row that cannot be sent) is reported and the rest still run.
 *  - orders still `ready` past the grace period are validated again (by imp_uid if known, else by merchant_uid);
 *  - webhook deliveries stored but never processed are re-enqueued;
 *  - refunds whose outcome is unknown are settled from Iamport's cancel history;
 *  - paid payments due for their scheduled re-check (1 h, 1 day, 7 days, 30 days after paid) are compared with
 *    Iamport, a hundred per call, and only those that differ (a console cancel whose webhook was lost) are
 *    validated;
 *  - refunds we owe (a rejected or duplicate payment, one made after its order was cancelled) whose cancel Iamport
 *    refused or never answered are compared with Iamport on the same schedule from when they became owed, and
 *    validated again (which asks for the refund again) while Iamport still holds the money;
 *  - sessions, idempotency keys (24 h) and processed webhook deliveries past their retention are deleted.
 */
export async function reconcile(deps: Deps): Promise<ReconcileReport> {
  const now = deps.now();
  const grace = deps.config.RECONCILE_AFTER_SECONDS * 1000;
  const report: ReconcileReport = {
    stuck_payments: 0,
    unprocessed_deliveries: 0,
    pending_refunds: 0,
    rechecked_payments: 0,
    recheck_changed: 0,
    owed_refunds: 0,
    owed_refunds_retried: 0,
    purged: { sessions: 0, idempotency_keys: 0, webhook_deliveries: 0 },
    unsent_messages: 0,
    failed: [],
  };
  const step = async (name: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      report.failed.push({ step: name, error });
      console.error(JSON.stringify({ level: "error", event: "reconcile_step_failed", step: name, error }));
    }
  };
  const send = async (messages: ValidationMessage[]) => {
    const sent = await sendEach(deps, messages);
    report.unsent_messages += messages.length - sent.length;
    return sent;
  };

  await step("stuck_payments", async () => {
    const stuck = await stuckOrders(deps.db, { now, graceMs: grace, pollForMs: POLL_UNPAID_FOR_MS, limit: RECONCILE_BATCH });
    report.stuck_payments = stuck.length;
    const byUid = new Map(stuck.map((p) => [p.merchantUid, p.id]));
    const sent = await send(
      stuck.map((p) => ({ merchant_uid: p.merchantUid, ...(p.impUid ? { imp_uid: p.impUid } : {}), source: "reconciler" as const })),
    );
    // Marked only once sent: a row whose message was lost is simply taken again next run.
    await markValidationQueued(deps.db, sent.map((m) => byUid.get(m.merchant_uid!)!), now);
  });

  await step("unprocessed_deliveries", async () => {
    const deliveries = await unprocessedDeliveries(deps.db, now - grace, RECONCILE_BATCH);
    report.unprocessed_deliveries = deliveries.length;
    await send(
      deliveries.flatMap((d): ValidationMessage[] =>
        d.impUid
          ? [{ imp_uid: d.impUid, ...(d.merchantUid ? { merchant_uid: d.merchantUid } : {}), source: "reconciler" as const, inbox_id: d.id }]
          : // PortOne V2's deliveries name the order only (paymentId): it is looked up by that.
            d.merchantUid
            ? [{ merchant_uid: d.merchantUid, source: "reconciler" as const, inbox_id: d.id }]
            : [],
      ),
    );
  });

  await step("pending_refunds", async () => {
    const pending = await paymentsWithStaleRefunds(deps.db, now - grace, RECONCILE_BATCH);
    report.pending_refunds = pending.length;
    await send(
      pending.map((r) => ({
        merchant_uid: r.merchantUid,
        imp_uid: r.impUid!,
        source: "reconciler" as const,
        settle_refunds_before: now - grace,
      })),
    );
  });

  await step("rechecks", async () => {
    const due = await dueRechecks(deps.db, now, RECONCILE_BATCH);
    const checkable = due.filter((p) => holdsMoney(p.status) && p.impUid !== null);
    // One multi-get for up to a hundred payments; only those the gateway records differently are looked at again.
    const found = await deps.gateway.getPayments(checkable.map((p) => ({ gatewayId: p.impUid!, merchantUid: p.merchantUid })));
    const truth = new Map(found.map((p) => [p.gatewayId, p]));
    const missing = checkable.filter((p) => !truth.has(p.impUid!));
    const changed = checkable.filter((p) => {
      const t = truth.get(p.impUid!);
      return t !== undefined && (t.cancelledAmount !== p.cancelledAmount || t.status !== "paid" || t.merchantUid !== p.merchantUid);
    });
    report.rechecked_payments = checkable.length;
    report.recheck_changed = changed.length;
    if (missing.length > 0) {
      // Iamport does not know a payment we recorded as paid: nothing to do automatically, but never silent.
      console.error(JSON.stringify({ level: "error", event: "recheck_not_found", merchant_uids: missing.map((p) => p.merchantUid) }));
    }
    const sent = new Set(
      (await send(changed.map((p) => ({ merchant_uid: p.merchantUid, imp_uid: p.impUid!, source: "reconciler" as const })))).map(
        (m) => m.merchant_uid,
      ),
    );
    // A payment whose message could not be sent keeps its due time and is compared again next run.
    await scheduleRechecks(
      deps.db,
      due
        .filter((p) => !changed.includes(p) || sent.has(p.merchantUid))
        .map((p) => ({ id: p.id, at: holdsMoney(p.status) && p.paidAt !== null ? nextRecheckAt(p.paidAt, now) : null })),
    );
  });

  await step("owed_refunds", async () => {
    const due = await dueOwedRefunds(deps.db, now, RECONCILE_BATCH);
    if (due.length === 0) return;
    const found = new Map(
      (await deps.gateway.getPayments(due.map((r) => ({ gatewayId: r.impUid, merchantUid: r.merchantUid })))).map((p) => [p.gatewayId, p]),
    );
    const stillHeld = due.filter((r) => {
      const t = found.get(r.impUid);
      return t !== undefined && t.amount - t.cancelledAmount > 0;
    });
    report.owed_refunds = due.length;
    report.owed_refunds_retried = stillHeld.length;
    // Each is validated again from scratch: the decision (and the refund) is the validation's, not ours.
    const sent = new Set(
      (
        await send(stillHeld.map((r) => ({ merchant_uid: found.get(r.impUid)!.merchantUid, imp_uid: r.impUid, source: "reconciler" as const })))
      ).map((m) => m.imp_uid),
    );
    const overdue: string[] = [];
    const outcomes = due.flatMap((r): Array<{ impUid: string; resolvedAt: number | null; nextCheckAt: number }> => {
      const t = found.get(r.impUid);
      if (t !== undefined && t.amount - t.cancelledAmount <= 0) return [{ impUid: r.impUid, resolvedAt: now, nextCheckAt: r.nextCheckAt }];
      // Unsent: keep its due time, so the next run takes it again.
      if (t !== undefined && !sent.has(r.impUid)) return [];
      const next = nextOwedRefundCheckAt(r.createdAt, now);
      if (next.overdue || t === undefined) overdue.push(r.impUid);
      return [{ impUid: r.impUid, resolvedAt: null, nextCheckAt: next.at }];
    });
    if (overdue.length > 0) {
      // Thirty days of asking (or a payment Iamport no longer knows): a person must look at these.
      console.error(JSON.stringify({ level: "error", event: "refund_still_owed", imp_uids: overdue }));
    }
    await updateOwedRefunds(deps.db, outcomes);
  });

  await step("purge_sessions", async () => {
    report.purged.sessions = await purgeSessions(deps.db, now, PURGE_BATCH);
  });
  await step("purge_idempotency_keys", async () => {
    report.purged.idempotency_keys = await purgeIdempotencyKeys(deps.db, now, PURGE_BATCH);
  });
  await step("purge_webhook_deliveries", async () => {
    report.purged.webhook_deliveries = await purgeWebhookDeliveries(deps.db, now, PURGE_BATCH);
  });

  return report;
}

/**
 * Sends the messages a hundred at a time (the Queues limit); a batch the queue refuses is sent one message at a
 * time, so one bad message cannot hold back the other 99. Returns the messages that were sent.
 */
async function sendEach(deps: Deps, messages: ValidationMessage[]): Promise<ValidationMessage[]> {
  const sent: ValidationMessage[] = [];
  for (let i = 0; i < messages.length; i += RECONCILE_BATCH) {
    const batch = messages.slice(i, i + RECONCILE_BATCH);
    try {
      await deps.queue.sendBatch(batch);
      sent.push(...batch);
      continue;
    } catch {
      // fall through: one at a time
    }
    for (const message of batch) {
      try {
        await deps.queue.send(message);
        sent.push(message);
      } catch (e) {
        console.error(
          JSON.stringify({
            level: "error",
            event: "reconcile_send_failed",
            merchant_uid: message.merchant_uid,
            imp_uid: message.imp_uid,
            error: e instanceof Error ? e.message : String(e),
          }),
        );
      }
    }
  }
  return sent;
}
