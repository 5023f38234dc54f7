import { Hono } from "hono";
import * as z from "zod";
import { notFound } from "../domain/errors";
import { SUBSCRIPTION_ID_PATTERN } from "../domain/subscription-ids";
import { body, query } from "../lib/validate";
import { limitWrites } from "../middleware/rate-limit";
import { requireAdmin } from "../middleware/session";
import { describe } from "../openapi/describe";
import { cancelNow, retryNow } from "../services/manage-subscription";
import { presentSubscription, RetriedSubscriptionJson, SubscriptionDetailJson, SubscriptionListJson } from "../services/present-subscription";
import { cursorOf, parseCursor, presentDetail, subscriptionPage, visibleSubscription } from "../services/subscription-queries";
import type { AppEnv } from "../types";
import { deps } from "./shared";
import { ListQuery, subscriptionIdParam } from "./subscriptions";

// Administrators: every subscription (filtered by status), its detail with timeline and invoices, a retry now for
// one that owes money, and cancel now (optionally refunding the current period).

const CancelBody = z.strictObject({
  refund_current_period: z.boolean({ error: "must be true or false" }).optional().meta({ description: "Refund the current period's charge in full." }),
});

const idOf = (raw: string | undefined) => {
  if (!raw || !SUBSCRIPTION_ID_PATTERN.test(raw)) throw notFound("subscription");
  return raw;
};

const TAGS = ["Subscriptions"];

export const adminSubscriptionRoutes = new Hono<AppEnv>()
  .get(
    "/subscriptions",
    describe({ operationId: "adminListSubscriptions", summary: "Every subscription", description: "Newest first; filter by status.", tags: TAGS, responses: { 200: { description: "A page.", body: SubscriptionListJson } } }),
    requireAdmin(),
    query(ListQuery),
    async (c) => {
      const q = c.req.valid("query");
      const rows = await subscriptionPage(c.var, { status: q.status, before: parseCursor(q.cursor), limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      return c.json({ items: page.map((r) => presentSubscription(r)), next_cursor: rows.length > q.limit ? cursorOf(page.at(-1)!.subscription) : null });
    },
  )
  .get(
    "/subscriptions/:id",
    describe({
      operationId: "adminGetSubscription",
      summary: "A subscription, for administrators",
      description: "With the subscriber's email, invoices and timeline.",
      tags: TAGS,
      params: subscriptionIdParam,
      responses: { 200: { description: "The subscription.", body: SubscriptionDetailJson } },
      errors: { 404: ["not_found"] },
    }),
    requireAdmin(),
    async (c) => {
      const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: true }, idOf(c.req.param("id")));
      return c.json(presentDetail(detail, { admin: true }));
    },
  )
  .post(
    "/subscriptions/:id/retry",
    describe({
      operationId: "adminRetrySubscription",
      summary: "Retry what a subscription owes, now",
      description: "The key is checked at the gateway first: a deleted one is 409 billing_key_deleted and nothing is charged.",
      tags: TAGS,
      params: subscriptionIdParam,
      responses: { 200: { description: "The subscription after the retry, and what the retry did.", body: RetriedSubscriptionJson } },
      errors: { 404: ["not_found"], 409: ["invalid_state", "billing_key_deleted", "concurrent_change"], 502: ["gateway_error"], 503: ["gateway_unavailable"] },
    }),
    requireAdmin(),
    limitWrites("refund"),
    body(z.strictObject({})),
    async (c) => {
      const id = idOf(c.req.param("id"));
      const outcome = await retryNow(deps(c), c.var.user!, id);
      const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: true }, id);
      return c.json({ ...presentDetail(detail, { admin: true }), retry: { result: outcome.result, detail: outcome.detail } });
    },
  )
  .post(
    "/subscriptions/:id/cancel",
    describe({
      operationId: "adminCancelSubscription",
      summary: "Cancel a subscription now",
      description: "Open invoices are voided and the card's key deleted at the gateway; optionally the current period's charge is refunded through the refund path.",
      tags: TAGS,
      params: subscriptionIdParam,
      responses: { 200: { description: "The canceled subscription.", body: SubscriptionDetailJson } },
      errors: { 404: ["not_found"], 409: ["invalid_state", "concurrent_change", "refund_in_progress", "balance_changed"], 502: ["gateway_error"], 503: ["gateway_unavailable"] },
    }),
    requireAdmin(),
    limitWrites("refund"),
    body(CancelBody),
    async (c) => {
      const id = idOf(c.req.param("id"));
      await cancelNow(deps(c), { user: c.var.user!, as: "admin" }, id, { refund: c.req.valid("json").refund_current_period ?? false });
      const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: true }, id);
      return c.json(presentDetail(detail, { admin: true }));
    },
  );
