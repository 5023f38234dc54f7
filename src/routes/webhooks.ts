import { Hono } from "hono";
import * as z from "zod";
import { storeDelivery } from "../db/inbox";
import { badRequest, forbidden } from "../domain/errors";
import { clientIp } from "../middleware/rate-limit";
import { enqueueValidation } from "../services/enqueue";
import type { AppEnv } from "../types";
import { deps, IMP_UID_PATTERN } from "./shared";

// Iamport's V1 notification: {imp_uid, merchant_uid, status} (+ cancellation_id), as JSON or a form, unsigned.
// It is a hint only: it is stored, then the queue asks Iamport what really happened.
const Delivery = z.object({
  imp_uid: z.string().regex(IMP_UID_PATTERN, "must be an Iamport imp_uid"),
  merchant_uid: z.string().min(1).max(40),
  status: z.string().min(1).max(32),
  cancellation_id: z.string().max(64).optional(),
});

function parseDelivery(contentType: string, text: string): unknown {
  if (contentType === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  return JSON.parse(text);
}

export const webhookRoutes = new Hono<AppEnv>().post("/iamport", async (c) => {
  const { config, db, now } = c.var;
  const ip = clientIp(c.req.raw);
  if (config.WEBHOOK_ALLOWED_IPS.length > 0 && !config.WEBHOOK_ALLOWED_IPS.includes(ip)) {
    throw forbidden("Webhook deliveries are accepted only from Iamport's addresses.");
  }
  const contentType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const text = await c.req.text();
  let parsed: z.infer<typeof Delivery> | undefined;
  let problem: string | undefined;
  try {
    const result = Delivery.safeParse(parseDelivery(contentType, text));
    if (result.success) parsed = result.data;
    else problem = result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
  } catch {
    problem = "body is not valid JSON";
  }

  // Stored before answering, valid or not: a malformed delivery is kept for inspection and acted on never.
  const inboxId = await storeDelivery(db, {
    receivedAt: now(),
    sourceIp: ip,
    contentType,
    body: text,
    impUid: parsed?.imp_uid ?? null,
    merchantUid: parsed?.merchant_uid ?? null,
    status: parsed?.status ?? null,
    valid: parsed ? 1 : 0,
    error: problem ?? null,
    processedAt: parsed ? null : now(),
  });
  if (!parsed) throw badRequest("invalid_webhook", `Malformed Iamport notification: ${problem}`);

  await enqueueValidation(deps(c), {
    imp_uid: parsed.imp_uid,
    merchant_uid: parsed.merchant_uid,
    source: "webhook",
    inbox_id: inboxId,
    hint_status: parsed.status,
  });
  return c.json({ received: true });
});
