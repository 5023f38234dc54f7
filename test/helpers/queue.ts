import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { consumeValidationBatch } from "../../src/queue/consumer";
import type { ValidationMessage } from "../../src/domain/messages";
import type { Deps } from "../../src/services/deps";

export const QUEUE = "pocketpay-payment-validation";

/**
 * Delivers one message to the Worker's real queue handler, as the Queues runtime would on attempt `attempts`,
 * and returns what the handler decided (ack, or retry with its delay). With `deps`, the validation consumer runs
 * with them instead (e.g. an Iamport client scripted to fail in a way the sandbox cannot).
 */
export async function deliver(body: ValidationMessage | unknown, attempts = 1, deps?: Deps) {
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
  if (deps) await consumeValidationBatch(batch, deps);
  else await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return {
    acked: result.explicitAcks.includes(id),
    retried: result.retryMessages.some((m: { msgId: string }) => m.msgId === id),
    delaySeconds,
  };
}
