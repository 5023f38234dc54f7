import { Hono } from "hono";
import * as z from "zod";
import { clientIp } from "../middleware/rate-limit";
import { describe } from "../openapi/describe";
import { PortoneNotification, receivePortoneWebhook } from "../services/portone-webhooks";
import type { AppEnv } from "../types";
import { deps } from "./shared";

const Received = z.object({ received: z.literal(true) });

// No allow-list and no per-address limit, unlike Iamport's route: the signature is the authentication, it is
// checked before anything reads the database, and a limit could drop PortOne's own retries in a burst.
export const portoneWebhookRoutes = new Hono<AppEnv>().post(
  "/portone",
  describe({
    operationId: "receivePortoneNotification",
    summary: "PortOne V2's webhooks (set this URL in PortOne's console)",
    tags: ["Webhooks"],
    requestBody: { schema: PortoneNotification, mediaTypes: ["application/json"] },
    responses: { 200: { description: "Stored (or stored before).", body: Received } },
    errors: { 400: ["invalid_webhook"], 401: ["invalid_signature"], 503: ["config_error"] },
  }),
  async (c) => {
    const contentType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    await receivePortoneWebhook(deps(c), {
      sourceIp: clientIp(c.req.raw),
      contentType,
      headers: c.req.raw.headers,
      body: await c.req.text(),
    });
    return c.json({ received: true } satisfies z.output<typeof Received>);
  },
);
