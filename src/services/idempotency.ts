import { claimKey, findKey, releaseKey, storeResponse, takeOverStaleKey, type KeyRef } from "../db/idempotency";
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
 * Claims the key for this request, or answers for it: the stored response of a finished first request, 422 when
 * the key came with another body, 409 while the first request is still running.
 * Returns undefined when this request holds the claim and must do the work.
 */
async function claimOrReplay(deps: Deps, key: KeyRef, hash: string): Promise<StoredResponse | undefined> {
  const now = deps.now();
  if (await claimKey(deps.db, key, hash, now)) return undefined;
  const existing = await findKey(deps.db, key);
  if (!existing) return claimOrReplay(deps, key, hash); // released between our insert and our read
  if (existing.requestHash !== hash) {
    throw new AppError(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request body.");
  }
  if (existing.responseStatus !== null) {
    return { status: existing.responseStatus, body: JSON.parse(existing.responseBody ?? "null") };
  }
  if (await takeOverStaleKey(deps.db, key, now - STALE_CLAIM_MS, now)) return undefined;
  throw conflict("request_in_progress", "A request with this Idempotency-Key is still being processed. Retry shortly.");
}

/**
 * Runs `work` once per key: a repeat gets the first response, a failure releases the claim so a retry starts
 * afresh. The response is stored after `work`, unless `work` stores it itself, atomically with its own writes
 * (`storedByWork`), where a crash between the two would let a later retry do the work a second time.
 */
export async function runIdempotently(
  deps: Deps,
  key: KeyRef | undefined,
  hashOf: unknown[],
  work: () => Promise<StoredResponse>,
  opts: { storedByWork?: boolean } = {},
): Promise<StoredResponse> {
  if (!key) return work();
  const replay = await claimOrReplay(deps, key, await requestHash(...hashOf));
  if (replay) return replay;
  try {
    const response = await work();
    if (!opts.storedByWork) await storeResponse(deps.db, key, response.status, response.body).run();
    return response;
  } catch (e) {
    await releaseKey(deps.db, key);
    throw e;
  }
}
