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
    description:
      "See the `portoneNotification` webhook. Signed the Standard Webhooks way with PORTONE_WEBHOOK_SECRET; an unsigned, " +
      "mis-signed, stale or future delivery is refused with 401 and stores nothing. Answered 200 only once the delivery " +
      "is stored; a retry of a stored delivery (the same webhook-id) is answered 200 and changes nothing.",
    tags: ["Webhooks"],
    headers: {
      "webhook-id": { description: "The delivery's id, the same on each retry of it.", required: true },
      "webhook-timestamp": { description: "When this attempt was signed, in seconds since the epoch (±300 s of now).", required: true },
      "webhook-signature": { description: "Space-separated `v1,<base64 HMAC-SHA256>` signatures of `id.timestamp.body`.", required: true },
    },
    requestBody: { schema: PortoneNotification, mediaTypes: ["application/json"] },
    responses: { 200: { description: "Stored (or stored before); validation is queued when the event can change a payment.", body: Received } },
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
