import { keysToDelete, markKeyDeleted, markPendingKeyDeleted, stalePendingKeys } from "../db/subscriptions";
import type { BillingKeyRow } from "../db/schema";
import type { Deps } from "./deps";

/**
 * Deletes at the gateway the keys a newer card replaced (or a canceled subscription left), then records them
 * deleted. Called right after the change, and by the sweep for any deletion that failed: a key is only deleted once
 * its replacement is confirmed, and never kept alive at the gateway once it is not ours to use.
 */
export async function deleteRetiredKeys(deps: Deps, subscriptionId: string | null, limit = 20): Promise<{ deleted: number; failed: number }> {
  const keys = await keysToDelete(deps.db, subscriptionId, limit);
  let deleted = 0;
  let failed = 0;
  for (const key of keys) {
    try {
      // Resolves for a key that is already gone (deleted in the console, or by an earlier run). A replaced key was
      // confirmed, so the gateway's key is known.
      if (key.billingKey) await deps.gateway.billing.deleteBillingKey(key.billingKey, "replaced or no longer used");
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

/** Registrations not confirmed within this long are abandoned: a key the gateway may hold for them is deleted. */
export const PENDING_KEY_TTL_MS = 24 * 3_600_000;

/**
 * Deletes at the gateway the keys of card registrations nobody confirmed within a day (the buyer closed the page
 * after the window registered the card), so no key of ours stays alive unused. A later confirmation is refused (409).
 */
export async function deleteAbandonedKeys(deps: Deps, limit = 20): Promise<number> {
  const keys = await stalePendingKeys(deps.db, deps.now() - PENDING_KEY_TTL_MS, limit);
  let deleted = 0;
  for (const key of keys) if (await deleteAbandonedKey(deps, key)) deleted++;
  return deleted;
}

/**
 * One abandoned registration: V1 named its key (the customer_uid), so it is deleted by that name; a V2 key is
 * PortOne's to name and was never reported, so the keys PortOne issued to the registration's customer id are found
 * and deleted. Recorded deleted only once the gateway has none left alive; otherwise the next sweep tries again.
 */
export async function deleteAbandonedKey(deps: Deps, key: BillingKeyRow): Promise<boolean> {
  try {
    const names = key.billingKey ? [key.billingKey] : (await deps.gateway.billing.keysIssuedTo(key.customerUid)).map((k) => k.billingKey);
    for (const name of names) await deps.gateway.billing.deleteBillingKey(name, "card registration never confirmed");
  } catch (e) {
    console.error(JSON.stringify({ level: "warn", event: "billing_key_delete_failed", customer_uid: key.customerUid, error: e instanceof Error ? e.message : String(e) }));
    return false;
  }
  await markPendingKeyDeleted(deps.db, key.customerUid, deps.now());
  return true;
}
