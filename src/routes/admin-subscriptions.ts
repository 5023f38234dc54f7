import { Hono } from "hono";
import * as z from "zod";
import { notFound } from "../domain/errors";
import { SUBSCRIPTION_ID_PATTERN } from "../domain/subscription-ids";
import { jsonBody, queryWith } from "../lib/validate";
import { limitWrites } from "../middleware/rate-limit";
import { requireAdmin } from "../middleware/session";
import { cancelNow, retryNow } from "../services/manage-subscription";
import { presentSubscription } from "../services/present-subscription";
import { cursorOf, parseCursor, presentDetail, subscriptionPage, visibleSubscription } from "../services/subscription-queries";
import type { AppEnv } from "../types";
import { deps } from "./shared";
import { ListQuery } from "./subscriptions";

// Administrators: every subscription (filtered by status), its detail with timeline and invoices, a retry now for
// one that owes money, and cancel now (optionally refunding the current period).

const CancelBody = z.strictObject({ refund_current_period: z.boolean({ error: "must be true or false" }).optional() });

const idOf = (raw: string) => {
  if (!SUBSCRIPTION_ID_PATTERN.test(raw)) throw notFound("subscription");
  return raw;
};

export const adminSubscriptionRoutes = new Hono<AppEnv>()
  .use(requireAdmin())
  .get("/subscriptions", async (c) => {
    const q = queryWith(c, ListQuery);
    const rows = await subscriptionPage(c.var, { status: q.status, before: parseCursor(q.cursor), limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map((r) => presentSubscription(r)),
      next_cursor: rows.length > q.limit ? cursorOf(page.at(-1)!.subscription) : null,
    });
  })
  .get("/subscriptions/:id", async (c) => {
    const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: true }, idOf(c.req.param("id")));
    return c.json(presentDetail(detail, { admin: true }));
  })
  .post("/subscriptions/:id/retry", limitWrites("refund"), async (c) => {
    const id = idOf(c.req.param("id"));
    await jsonBody(c, z.strictObject({}));
    const outcome = await retryNow(deps(c), c.var.user!, id);
    const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: true }, id);
    return c.json({ ...presentDetail(detail, { admin: true }), retry: outcome });
  })
  .post("/subscriptions/:id/cancel", limitWrites("refund"), async (c) => {
    const id = idOf(c.req.param("id"));
    const body = await jsonBody(c, CancelBody);
    await cancelNow(deps(c), { user: c.var.user!, as: "admin" }, id, { refund: body.refund_current_period ?? false });
    const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: true }, id);
    return c.json(presentDetail(detail, { admin: true }));
  });
