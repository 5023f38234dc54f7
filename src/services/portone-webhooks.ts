import * as z from "zod";
import { storeDeliveryOnce } from "../db/inbox";
import { AppError, badRequest } from "../domain/errors";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import type { ValidationMessage } from "../domain/messages";
import { verifyWebhookSignature, type SignedHeaders } from "../gateway/portone-v2/webhook-signature";
import type { Deps } from "./deps";
import { enqueueValidation } from "./enqueue";

// PortOne V2's webhook (version 2024-04-25): {type, timestamp, data}. Like Iamport's, a hint only: once its
// signature holds it is stored, then the queue asks the gateway for the payment (by paymentId, our merchant_uid)
// and checks it against the order. Loose on purpose: PortOne adds event types and fields without notice.
// The OpenAPI document shows this schema as the webhook's body (src/openapi/document.ts).
export const PortoneNotification = z
  .object({
    type: z.string().min(1).max(100),
    timestamp: z.string().max(64).optional(),
    data: z
      .looseObject({
        paymentId: z.string().min(1).max(200).optional(),
        transactionId: z.string().min(1).max(200).optional(),
        cancellationId: z.string().max(200).optional(),
      }),
  })
  .meta({ id: "PortoneNotification" });

type Notification = z.infer<typeof PortoneNotification>;

/**
 * The events that can change a payment, with the status each claims in the validation's (V1) words: never acted
 * on, only used to skip a lookup that could change nothing. Every other event (Transaction.Ready and PayPending,
 * which leave a payment unpaid; CancelPending, which a Cancelled follows; BillingKey.*, which pocketpay confirms
 * itself; disputes; types PortOne adds later) is stored, marked processed and not validated.
 */
const PAYMENT_EVENTS: Record<string, string> = {
  "Transaction.Paid": "paid",
  "Transaction.Failed": "failed",
  "Transaction.VirtualAccountIssued": "ready",
  "Transaction.Cancelled": "cancelled",
  "Transaction.PartialCancelled": "cancelled",
};

export interface PortoneDelivery {
  sourceIp: string;
  contentType: string;
  headers: SignedHeaders;
  /** The body exactly as received: the signature covers these bytes. */
  body: string;
}

/** What became of a verified delivery. */
export type PortoneDeliveryOutcome =
  | { result: "queued"; inboxId: number; merchantUid: string }
  | { result: "ignored"; inboxId: number; note: string }
  /** The same webhook-id was stored before: a retry, or a replay within the tolerance; nothing new is done. */
  | { result: "duplicate" };

const log = (fields: Record<string, unknown>) => console.log(JSON.stringify(fields));

function parse(body: string): { notification: Notification } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { problem: "body is not valid JSON" };
  }
  const result = PortoneNotification.safeParse(json);
  if (!result.success) return { problem: result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ") };
  const n = result.data;
  if (n.type.startsWith("Transaction.") && (!n.data.paymentId || !n.data.transactionId)) {
    return { problem: `data: a ${n.type} event carries paymentId and transactionId` };
  }
  return { notification: n };
}

/**
 * Verifies the signature over the raw body before reading anything of it: an unsigned, mis-signed, stale or
 * future delivery is refused (401) and stores nothing. A verified one is stored once per webhook-id before the
 * answer (a malformed one too, for inspection, then 400), and an event that can change a payment of ours queues
 * its validation, once however often the delivery comes.
 */
export async function receivePortoneWebhook(deps: Deps, d: PortoneDelivery): Promise<PortoneDeliveryOutcome> {
  const secrets = deps.config.PORTONE_WEBHOOK_SECRET;
  if (secrets.length === 0) {
    log({ level: "error", event: "config_error", settings: ["PORTONE_WEBHOOK_SECRET"] });
    throw new AppError(503, "config_error", "PortOne V2 webhooks are not set up on this server.");
  }
  const check = await verifyWebhookSignature({ secrets, headers: d.headers, rawBody: d.body, nowMs: deps.now() });
  if (!check.ok) {
    const { ok: _ok, ...failure } = check;
    log({ level: "warn", event: "portone_webhook_refused", ...failure });
    const header = failure.reason === "missing_header" || failure.reason === "malformed_header" ? `: ${failure.header}` : "";
    throw new AppError(401, "invalid_signature", `Webhook signature refused: ${failure.reason}${header}.`, failure);
  }

  const now = deps.now();
  const parsed = parse(d.body);
  const paymentId = "notification" in parsed ? parsed.notification.data.paymentId : undefined;
  const hint = "notification" in parsed ? PAYMENT_EVENTS[parsed.notification.type] : undefined;
  const note =
    "problem" in parsed
      ? parsed.problem
      : hint === undefined
        ? `ignored: ${parsed.notification.type} does not change a payment`
        : !MERCHANT_UID_PATTERN.test(paymentId!)
          ? "not a pocketpay paymentId"
          : null;
  const inboxId = await storeDeliveryOnce(deps.db, {
    webhookId: check.webhookId,
    receivedAt: now,
    sourceIp: d.sourceIp,
    contentType: d.contentType,
    body: d.body,
    // The imp_uid column is Iamport's payment id; V2's transactionId stays in the stored body.
    impUid: null,
    merchantUid: paymentId ?? null,
    status: "notification" in parsed ? parsed.notification.type : null,
    valid: "notification" in parsed ? 1 : 0,
    error: note,
    processedAt: note === null ? null : now,
  });
  if ("problem" in parsed) throw badRequest("invalid_webhook", `Malformed PortOne notification: ${parsed.problem}`);
  if (inboxId === null) return { result: "duplicate" };
  if (note !== null) return { result: "ignored", inboxId, note };

  const { data } = parsed.notification;
  const message: ValidationMessage = {
    // By paymentId only: the lookup asks the gateway for the order's payment, whichever attempt is newest.
    merchant_uid: paymentId!,
    source: "webhook",
    inbox_id: inboxId,
    hint_status: hint,
    ...(data.cancellationId && data.cancellationId.length <= 64 ? { cancellation_id: data.cancellationId } : {}),
  };
  await enqueueValidation(deps, message);
  return { result: "queued", inboxId, merchantUid: paymentId! };
}
