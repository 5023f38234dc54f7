import { Hono } from "hono";
import * as z from "zod";
import { forbidden } from "../domain/errors";
import { addressLimit, clientIp, enforceLimits } from "../middleware/rate-limit";
import { describe } from "../openapi/describe";
import { IamportNotification, receiveWebhook } from "../services/webhooks";
import type { AppEnv } from "../types";
import { deps } from "./shared";

const Received = z.object({ received: z.literal(true) });

export const webhookRoutes = new Hono<AppEnv>().post(
  "/iamport",
  describe({
    operationId: "receiveIamportNotification",
    summary: "Iamport's notifications (set this URL in Iamport's console)",
    description:
      "See the `iamportNotification` webhook. Accepted only from WEBHOOK_ALLOWED_IPS when that is set; without it, " +
      "rate limited per address. Answered 200 only once the delivery is stored.",
    tags: ["Webhooks"],
    rateLimited: true,
    requestBody: { schema: IamportNotification, mediaTypes: ["application/json", "application/x-www-form-urlencoded"] },
    responses: { 200: { description: "Stored; validation is queued.", body: Received } },
    errors: { 400: ["invalid_webhook"], 403: ["forbidden"] },
  }),
  async (c) => {
    const { config } = c.var;
    const ip = clientIp(c.req.raw);
    if (config.WEBHOOK_ALLOWED_IPS.length > 0) {
      if (!config.WEBHOOK_ALLOWED_IPS.includes(ip)) throw forbidden("Webhook deliveries are accepted only from Iamport's addresses.");
    } else {
      // Without the allow-list anyone can post here, and a delivery can make pocketpay call Iamport.
      await enforceLimits(addressLimit(c.env.WEBHOOK_IP_LIMITER, "webhook", c.req.raw));
    }
    const contentType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    await receiveWebhook(deps(c), { sourceIp: ip, contentType, body: await c.req.text() });
    return c.json({ received: true } satisfies z.output<typeof Received>);
  },
);
