import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import type { ValidationMessage } from "../../src/queue/messages";

export const QUEUE = "pocketpay-payment-validation";

/**
 * Delivers one message to the Worker's real queue handler, as the Queues runtime would on attempt `attempts`,
 * and returns what the handler decided (ack, or retry with its delay).
 */
export async function deliver(body: ValidationMessage | unknown, attempts = 1) {
  const id = crypto.randomUUID();
  const batch = createMessageBatch(QUEUE, [{ id, timestamp: new Date(), attempts, body }]);
  // The runtime's queue result does not report the requested delay here, so the call itself is observed too.
  const message = batch.messages[0]!;
  const retry = message.retry.bind(message);
  let delaySeconds: number | undefined;
  message.retry = (options?: QueueRetryOptions) => {
    delaySeconds = options?.delaySeconds;
    retry(options);
  };
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return {
    acked: result.explicitAcks.includes(id),
    retried: result.retryMessages.some((m: { msgId: string }) => m.msgId === id),
    delaySeconds,
  };
}
