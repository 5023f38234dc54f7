import { Hono } from "hono";
import { forbidden } from "../domain/errors";
import { addressLimit, clientIp, enforceLimits } from "../middleware/rate-limit";
import { receiveWebhook } from "../services/webhooks";
import type { AppEnv } from "../types";
import { deps } from "./shared";

export const webhookRoutes = new Hono<AppEnv>().post("/iamport", async (c) => {
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
  return c.json({ received: true });
});
