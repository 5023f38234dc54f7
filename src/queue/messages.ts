import * as z from "zod";
import { EVENT_SOURCES } from "../domain/payment-state";

/**
 * "Look this payment up at Iamport and settle the order." Every hint (browser, webhook, reconciler) becomes one
 * of these; the message is a hint too, so it names what to look up and nothing about the outcome.
 */
export const ValidationMessageSchema = z
  .object({
    merchant_uid: z.string().min(1).max(40).optional(),
    imp_uid: z.string().min(1).max(64).optional(),
    source: z.enum(EVENT_SOURCES),
    inbox_id: z.number().int().positive().optional(),
    /** The status the webhook claimed: never acted on, only used to skip a lookup that could change nothing. */
    hint_status: z.string().max(32).optional(),
    /** The webhook named a cancellation: always looked up, never skipped as already settled. */
    cancellation_id: z.string().max(64).optional(),
    /** From the reconciler: refunds still pending since before this time (ms) are settled from Iamport's record. */
    settle_refunds_before: z.number().int().positive().optional(),
  })
  .refine((m) => m.merchant_uid !== undefined || m.imp_uid !== undefined, "needs merchant_uid or imp_uid");

export type ValidationMessage = z.infer<typeof ValidationMessageSchema>;

export interface ValidationQueue {
  send(message: ValidationMessage): Promise<void>;
  sendBatch(messages: ValidationMessage[]): Promise<void>;
}

export const queueFrom = (queue: Queue<unknown>): ValidationQueue => ({
  send: async (message) => {
    await queue.send(message, { contentType: "json" });
  },
  sendBatch: async (messages) => {
    // The Queues API takes at most 100 messages per sendBatch call.
    for (let i = 0; i < messages.length; i += 100) {
      await queue.sendBatch(messages.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
    }
  },
});
