import { releaseClaim } from "../db/validation-hints";
import type { ValidationMessage } from "../domain/messages";
import type { Deps } from "./deps";

/**
 * Sends a validation message after the write it follows is saved. A failed send is logged, not raised: the row
 * is already durable, and the reconciler re-enqueues whatever has not been validated in time.
 */
export async function enqueueValidation(deps: Deps, message: ValidationMessage): Promise<boolean> {
  try {
    await deps.queue.send(message);
    return true;
  } catch (e) {
    console.error(
      JSON.stringify({
        level: "error",
        event: "enqueue_failed",
        merchant_uid: message.merchant_uid,
        imp_uid: message.imp_uid,
        error: e instanceof Error ? e.message : String(e),
      }),
    );
    return false;
  }
}

/**
 * Sends the message for a hint that claimed its payment's pending validation (src/db/validation-hints.ts). If it
 * cannot be sent, the claim is released so that the next hint queues its own; hints that rode on it meanwhile are
 * left to the reconciler, like any message that was never sent.
 */
export async function enqueueClaimed(deps: Deps, message: ValidationMessage & { merchant_uid: string; imp_uid: string }): Promise<boolean> {
  if (await enqueueValidation(deps, message)) return true;
  try {
    await releaseClaim(deps.db, message.merchant_uid, message.imp_uid);
  } catch {
    // The reconciler re-sends the order (still `ready`) and the unprocessed deliveries; their run clears it.
  }
  return false;
}
