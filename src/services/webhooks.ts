import * as z from "zod";
import { storeDelivery } from "../db/inbox";
import { badRequest } from "../domain/errors";
import { IMP_UID_PATTERN } from "../domain/imp-uid";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import type { Deps } from "./deps";
import { storeWebhookHint } from "../db/validation-hints";
import { enqueueClaimed } from "./enqueue";

// Iamport's V1 notification: {imp_uid, merchant_uid, status} (+ cancellation_id), as JSON or a form, unsigned.
// It is a hint only: it is stored, then the queue asks Iamport what really happened. Loose on purpose: Iamport
// adds fields without notice, and a delivery must never be refused for one.
// The OpenAPI document shows this schema as the webhook's body (src/openapi/document.ts).
export const IamportNotification = z
  .object({
    imp_uid: z.string().regex(IMP_UID_PATTERN, "must be an Iamport imp_uid").meta({ description: "Iamport's payment id." }),
    merchant_uid: z.string().min(1).max(40).meta({ description: "The order's id (pocketpay's are `pay_` and 32 hex characters)." }),
    status: z.string().min(1).max(32).meta({ description: "Iamport's status then: ready (a virtual account issued), paid, failed or cancelled." }),
    cancellation_id: z.string().max(64).optional().meta({ description: "With status cancelled: the cancel's id in cancel_history." }),
  })
  .meta({ id: "IamportNotification", description: "Iamport V1's notification; other fields may appear and are ignored." });

function parseDelivery(contentType: string, text: string): unknown {
  if (contentType === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  return JSON.parse(text);
}

/**
 * Stores a delivery before anything else (valid or not: a malformed one is kept for inspection and acted on
 * never) and queues its validation. A merchant_uid that pocketpay never issues is stored as processed and costs
 * no Iamport lookup. Throws 400 for a malformed delivery, after storing it.
 */
export async function receiveWebhook(deps: Deps, d: { sourceIp: string; contentType: string; body: string }): Promise<void> {
  let parsed: z.infer<typeof IamportNotification> | undefined;
  let problem: string | undefined;
  try {
    const result = IamportNotification.safeParse(parseDelivery(d.contentType, d.body));
    if (result.success) parsed = result.data;
    else problem = result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
  } catch {
    problem = "body is not valid JSON";
  }
  const ours = parsed !== undefined && MERCHANT_UID_PATTERN.test(parsed.merchant_uid);
  const now = deps.now();
  const delivery = {
    receivedAt: now,
    sourceIp: d.sourceIp,
    contentType: d.contentType,
    body: d.body,
    impUid: parsed?.imp_uid ?? null,
    merchantUid: parsed?.merchant_uid ?? null,
    status: parsed?.status ?? null,
    valid: parsed ? 1 : 0,
  };
  if (!parsed || !ours) {
    await storeDelivery(deps.db, { ...delivery, error: problem ?? "not a pocketpay merchant_uid", processedAt: now });
    if (!parsed) throw badRequest("invalid_webhook", `Malformed Iamport notification: ${problem}`);
    return;
  }
  // Stored unprocessed; a validation already waiting for this imp_uid answers it too (src/db/validation-hints.ts).
  const { inboxId, queue } = await storeWebhookHint(deps.db, { ...delivery, impUid: parsed.imp_uid, merchantUid: parsed.merchant_uid });
  if (!queue) return;
  await enqueueClaimed(deps, {
    imp_uid: parsed.imp_uid,
    merchant_uid: parsed.merchant_uid,
    source: "webhook",
    inbox_id: inboxId,
    hint_status: parsed.status,
    ...(parsed.cancellation_id ? { cancellation_id: parsed.cancellation_id } : {}),
  });
}
