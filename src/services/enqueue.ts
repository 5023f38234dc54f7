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
