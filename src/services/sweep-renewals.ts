import { claimDue, releaseClaims } from "../db/subscriptions";
import { deleteAbandonedKeys, deleteRetiredKeys } from "./billing-keys";
import type { Deps } from "./deps";

/** Subscriptions claimed per statement (and per sendBatch: the Queues API takes at most 100 messages). */
export const SWEEP_BATCH = 100;
/** A claim whose message was lost is taken again after this long (longer than a charge's lease). */
export const RECLAIM_AFTER_MS = 10 * 60_000;

export interface SweepReport {
  enqueued: number;
  unsent: number;
  keys_deleted: number;
  keys_delete_failed: number;
  abandoned_keys_deleted: number;
}

/**
 * The renewal scheduler, run by the cron: finds subscriptions with something due (next_action_at has come), a
 * hundred at a time, claims them in the same statement, and enqueues one renewal message each, up to
 * RENEWAL_SWEEP_LIMIT a run. Charging happens in the consumer, never here; the only scheduler is ours (Iamport's
 * schedule API is never used: two schedulers charge twice). Also retries deleting billing keys at Iamport that
 * a newer card replaced, and deletes those of card registrations nobody confirmed within a day.
 */
export async function sweepRenewals(deps: Deps): Promise<SweepReport> {
  const now = deps.now();
  const report: SweepReport = { enqueued: 0, unsent: 0, keys_deleted: 0, keys_delete_failed: 0, abandoned_keys_deleted: 0 };
  while (report.enqueued < deps.config.RENEWAL_SWEEP_LIMIT) {
    const ids = await claimDue(deps.db, { now, reclaimBefore: now - RECLAIM_AFTER_MS, limit: Math.min(SWEEP_BATCH, deps.config.RENEWAL_SWEEP_LIMIT - report.enqueued) });
    if (ids.length === 0) break;
    try {
      await deps.renewals.sendBatch(ids.map((id) => ({ kind: "renewal" as const, subscription_id: id })));
      report.enqueued += ids.length;
    } catch (e) {
      // Given back, so the next run sends them at once.
      await releaseClaims(deps.db, ids);
      report.unsent += ids.length;
      console.error(JSON.stringify({ level: "error", event: "renewal_enqueue_failed", count: ids.length, error: e instanceof Error ? e.message : String(e) }));
      break;
    }
  }
  const keys = await deleteRetiredKeys(deps, null);
  report.keys_deleted = keys.deleted;
  report.keys_delete_failed = keys.failed;
  report.abandoned_keys_deleted = await deleteAbandonedKeys(deps);
  return report;
}
