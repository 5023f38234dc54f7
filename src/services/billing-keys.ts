import { keysToDelete, markKeyDeleted, markPendingKeyDeleted, stalePendingKeys } from "../db/subscriptions";
import type { Deps } from "./deps";

/**
 * Deletes at Iamport the keys a newer card replaced (or a canceled subscription left), then records them deleted.
 * Called right after the change, and by the sweep for any deletion that failed: a key is only deleted once its
 * replacement is confirmed, and never kept alive at Iamport once it is not ours to use.
 */
export async function deleteRetiredKeys(deps: Deps, subscriptionId: string | null, limit = 20): Promise<{ deleted: number; failed: number }> {
  const keys = await keysToDelete(deps.db, subscriptionId, limit);
  let deleted = 0;
  let failed = 0;
  for (const key of keys) {
    try {
      // Resolves for a key that is already gone (deleted in the console, or by an earlier run).
      await deps.gateway.billing.deleteBillingKey(key.customerUid, "replaced or no longer used");
    } catch (e) {
      failed++;
      console.error(JSON.stringify({ level: "warn", event: "billing_key_delete_failed", customer_uid: key.customerUid, error: e instanceof Error ? e.message : String(e) }));
      continue;
    }
    await markKeyDeleted(deps.db, key.customerUid, deps.now());
    deleted++;
  }
  return { deleted, failed };
}

/** Registrations not confirmed within this long are abandoned: a key Iamport may hold for them is deleted. */
export const PENDING_KEY_TTL_MS = 24 * 3_600_000;

/**
 * Deletes at Iamport the keys of card registrations nobody confirmed within a day (the buyer closed the page after
 * the window registered the card), so no key of ours stays alive unused. A later confirmation is refused (409).
 */
export async function deleteAbandonedKeys(deps: Deps, limit = 20): Promise<number> {
  const keys = await stalePendingKeys(deps.db, deps.now() - PENDING_KEY_TTL_MS, limit);
  let deleted = 0;
  for (const key of keys) {
    try {
      await deps.gateway.billing.deleteBillingKey(key.customerUid, "card registration never confirmed");
    } catch {
      continue;
    }
    await markPendingKeyDeleted(deps.db, key.customerUid, deps.now());
    deleted++;
  }
  return deleted;
}
