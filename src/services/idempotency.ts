import { claimKey, findKey, markKeyFailed, storeResponse, takeOverFailedKey, takeOverStaleKey, type KeyRef } from "../db/idempotency";
import { AppError, conflict } from "../domain/errors";
import { sha256Hex } from "../lib/crypto";
import type { Deps } from "./deps";

/** A response as first given, so a repeat with the same Idempotency-Key gets it again. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

// A claim older than this belongs to a request that died; a retry may take it over.
const STALE_CLAIM_MS = 60_000;

const requestHash = (...parts: unknown[]) => sha256Hex(JSON.stringify(parts));

/**
 * Claims the key for this request, or answers for it: 422 whenever the key came with another body (whether the
 * first request is running, failed or succeeded), the stored response of a finished first request, 409 while it
 * is still running. A first request that failed leaves its fingerprint, and a retry with the same body runs again.
 * Returns undefined when this request holds the claim and must do the work.
 */
async function claimOrReplay(deps: Deps, key: KeyRef, hash: string, attempt = 0): Promise<StoredResponse | undefined> {
  const now = deps.now();
  if (await claimKey(deps.db, key, hash, now)) return undefined;
  const existing = await findKey(deps.db, key);
  // Purged between our insert and our read (older than the retention), or taken over by a concurrent retry.
  if (!existing) return attempt < 3 ? claimOrReplay(deps, key, hash, attempt + 1) : conflictInProgress();
  if (existing.requestHash !== hash) {
    throw new AppError(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request body.");
  }
  if (existing.responseStatus !== null) {
    return { status: existing.responseStatus, body: JSON.parse(existing.responseBody ?? "null") };
  }
  if (existing.failedAt !== null) {
    if (await takeOverFailedKey(deps.db, key, now)) return undefined;
    return conflictInProgress(); // another retry took it over first
  }
  if (await takeOverStaleKey(deps.db, key, now - STALE_CLAIM_MS, now)) return undefined;
  return conflictInProgress();
}

function conflictInProgress(): never {
  throw conflict("request_in_progress", "A request with this Idempotency-Key is still being processed. Retry shortly.");
}

/**
 * Runs `work` once per key: a repeat gets the first response; a failure is marked on the key (its fingerprint
 * kept), so a retry with the same body starts afresh and one with another body is refused. The response is stored
 * after `work`, unless `work` stores it itself, atomically with its own writes (`storedByWork`), where a crash
 * between the two would let a later retry do the work a second time.
 */
export async function runIdempotently(
  deps: Deps,
  key: KeyRef | undefined,
  hashOf: unknown[],
  work: () => Promise<StoredResponse>,
  opts: { storedByWork?: boolean } = {},
): Promise<StoredResponse> {
  // Awaited, not returned: workerd reports an already-rejected promise handed on this way as unhandled.
  if (!key) return await work();
  const replay = await claimOrReplay(deps, key, await requestHash(...hashOf));
  if (replay) return replay;
  try {
    const response = await work();
    if (!opts.storedByWork) await storeResponse(deps.db, key, response.status, response.body).run();
    return response;
  } catch (e) {
    await markKeyFailed(deps.db, key, deps.now());
    throw e;
  }
}
