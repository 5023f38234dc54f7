import { markProcessed } from "../db/inbox";
import { markDeliveriesProcessed } from "../db/validation-hints";
import { GatewayError, GatewayRefusalError, isRetryable } from "../gateway/errors";
import type { Deps } from "../services/deps";
import { renewSubscription } from "../services/renew-subscription";
import { validatePayment } from "../services/validate-payment";
import { isRenewalMessage, RenewalMessageSchema, ValidationMessageSchema, type ValidationMessage } from "../domain/messages";

/** Growing delay between attempts: 5 s, 10 s, 20 s … capped at 5 minutes. */
export const retryDelaySeconds = (attempts: number) => Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));

const log = (fields: Record<string, unknown>) => console.log(JSON.stringify(fields));

/**
 * Validates each message. Gateway transport failures, the gateway's temporary refusals (for Iamport V1: a lookup
 * refused on HTTP 200, code -1 on a write, a 401 that survived a fresh token) and our own transient failures retry
 * with a growing delay (after max_retries the queue moves the message to the dead-letter queue); final refusals and
 * poison messages are recorded and acknowledged, since repeating them cannot change the answer.
 */
export async function consumeValidationBatch(batch: MessageBatch<unknown>, deps: Deps): Promise<void> {
  // Messages about the same payment (the browser's report and the webhook often share a batch) run one after
  // another, so the second finds the first's result and needs no Iamport lookup; different payments run at once.
  const groups = new Map<string, Message<unknown>[]>();
  for (const message of batch.messages) {
    const body = message.body as (Partial<ValidationMessage> & { subscription_id?: string }) | null;
    const key = (typeof body === "object" && body !== null && (body.subscription_id ?? body.merchant_uid ?? body.imp_uid)) || message.id;
    groups.set(key, [...(groups.get(key) ?? []), message]);
  }
  await Promise.all(
    [...groups.values()].map(async (messages) => {
      for (const message of messages) await consumeOne(message, deps);
    }),
  );
}

async function consumeOne(message: Message<unknown>, deps: Deps) {
  if (isRenewalMessage(message.body)) return consumeRenewal(message, deps);
  const parsed = ValidationMessageSchema.safeParse(message.body);
  if (!parsed.success) {
    log({ level: "error", event: "poison_message", id: message.id, issues: parsed.error.issues.map((i) => i.message) });
    message.ack();
    return;
  }
  const body = parsed.data;
  try {
    const outcome = await validatePayment(deps, body);
    const { payment: _row, riders, ...result } = outcome.result === "applied" ? outcome : { ...outcome, payment: null };
    log({ level: "info", event: "validated", attempts: message.attempts, source: body.source, coalesced: riders.length, ...result });
    // Its own delivery, and those that queued no message because this one was waiting (src/db/validation-hints.ts).
    const answered = body.inbox_id ? [body.inbox_id, ...riders] : riders;
    if (answered.length > 0) await markDeliveriesProcessed(deps.db, answered, deps.now(), outcome.result === "ignored" ? outcome.detail : null);
    message.ack();
  } catch (e) {
    if (e instanceof GatewayError && !isRetryable(e)) {
      const kind = e instanceof GatewayRefusalError ? e.kind : undefined;
      log({ level: "warn", event: "gateway_refused", kind, imp_uid: body.imp_uid, merchant_uid: body.merchant_uid, error: e.message });
      if (body.inbox_id) await markProcessed(deps.db, body.inbox_id, deps.now(), e.message.slice(0, 500));
      message.ack();
      return;
    }
    const delaySeconds = retryDelaySeconds(message.attempts);
    log({
      level: "warn",
      event: "validation_retry",
      attempts: message.attempts,
      delay_seconds: delaySeconds,
      imp_uid: body.imp_uid,
      merchant_uid: body.merchant_uid,
      error: e instanceof Error ? e.message : String(e),
    });
    message.retry({ delaySeconds });
  }
}

/**
 * A subscription may have something due. The renewal step decides from the subscription itself, so a duplicate or
 * late message changes nothing; failures retry like validations (an attempt in flight is found by lookup).
 */
async function consumeRenewal(message: Message<unknown>, deps: Deps) {
  const parsed = RenewalMessageSchema.safeParse(message.body);
  if (!parsed.success) {
    log({ level: "error", event: "poison_message", id: message.id, issues: parsed.error.issues.map((i) => i.message) });
    message.ack();
    return;
  }
  try {
    const outcome = await renewSubscription(deps, parsed.data.subscription_id);
    log({ level: "info", event: "renewal", attempts: message.attempts, subscription_id: parsed.data.subscription_id, ...outcome });
    message.ack();
  } catch (e) {
    if (e instanceof GatewayError && !isRetryable(e)) {
      log({ level: "warn", event: "gateway_refused", subscription_id: parsed.data.subscription_id, error: e.message });
      message.ack();
      return;
    }
    const delaySeconds = retryDelaySeconds(message.attempts);
    log({ level: "warn", event: "renewal_retry", attempts: message.attempts, delay_seconds: delaySeconds, subscription_id: parsed.data.subscription_id, error: e instanceof Error ? e.message : String(e) });
    message.retry({ delaySeconds });
  }
}

/**
 * Messages that exhausted their retries. They are logged loudly and marked on their inbox row; the payment stays
 * as it was (never guessed), and the reconciler will try again on its next run.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, deps: Deps): Promise<void> {
  for (const message of batch.messages) {
    const parsed = ValidationMessageSchema.safeParse(message.body);
    const body: Partial<ValidationMessage> = parsed.success ? parsed.data : {};
    console.error(JSON.stringify({ level: "error", event: "dead_letter", id: message.id, ...body }));
    if (body.inbox_id) await markProcessed(deps.db, body.inbox_id, deps.now(), "dead-lettered after retries");
    message.ack();
  }
}
