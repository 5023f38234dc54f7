import * as z from "zod";
import { EVENT_SOURCES } from "./payment-state";

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

/**
 * "This subscription may have something due (a renewal, a retry, its end)." Sent by the renewal sweep and after a
 * card change; the consumer reads the subscription and decides, so a duplicate or a late message changes nothing.
 * It shares the validation queue: its consumer already has the retry, dead-letter and Iamport-error handling.
 */
export const RenewalMessageSchema = z.strictObject({
  kind: z.literal("renewal"),
  subscription_id: z.string().regex(/^sub_[0-9a-f]{32}$/),
});
export type RenewalMessage = z.infer<typeof RenewalMessageSchema>;

export const isRenewalMessage = (body: unknown): boolean =>
  typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "renewal";

export interface ValidationQueue {
  send(message: ValidationMessage): Promise<void>;
  sendBatch(messages: ValidationMessage[]): Promise<void>;
}

export interface RenewalQueue {
  send(message: RenewalMessage): Promise<void>;
  sendBatch(messages: RenewalMessage[]): Promise<void>;
}

export const queueFrom = <M extends ValidationMessage | RenewalMessage = ValidationMessage>(queue: Queue<unknown>) => ({
  send: async (message: M) => {
    await queue.send(message, { contentType: "json" });
  },
  sendBatch: async (messages: M[]) => {
    // The Queues API takes at most 100 messages per sendBatch call.
    for (let i = 0; i < messages.length; i += 100) {
      await queue.sendBatch(messages.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
    }
  },
});
