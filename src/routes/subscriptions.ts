import { Hono } from "hono";
import * as z from "zod";
import { PRICE_ID_PATTERN } from "../domain/catalogue";
import { notFound } from "../domain/errors";
import { CUSTOMER_UID_PATTERN, SUBSCRIPTION_ID_PATTERN } from "../domain/subscription-ids";
import { SUBSCRIPTION_STATUSES } from "../domain/subscription-state";
import { jsonBody, queryWith } from "../lib/validate";
import { limitWrites } from "../middleware/rate-limit";
import { isAdmin, requireUser } from "../middleware/session";
import { cancelByCustomer, changePlan, resume } from "../services/manage-subscription";
import { presentSubscription } from "../services/present-subscription";
import { confirmCard, registerCard, startSubscription } from "../services/subscribe";
import { CURSOR_PATTERN, cursorOf, parseCursor, presentDetail, subscriptionPage, visibleSubscription } from "../services/subscription-queries";
import type { AppEnv } from "../types";
import { deps } from "./shared";

// The subscriber's side: subscribe to a plan, register and change the card, cancel at the period's end or resume,
// change plan for the next period, and read subscriptions with their invoices and timeline.

const priceId = z.string({ error: "is required" }).regex(PRICE_ID_PATTERN, "is not a price id (price_…)");
const SubscribeBody = z.strictObject({ price_id: priceId });
const PlanBody = z.strictObject({ price_id: priceId });
const ConfirmBody = z.strictObject({
  customer_uid: z.string({ error: "is required" }).regex(CUSTOMER_UID_PATTERN, "is not a pocketpay customer_uid (cus_…)"),
});

export const ListQuery = z.object({
  status: z.enum(SUBSCRIPTION_STATUSES, { error: `must be one of ${SUBSCRIPTION_STATUSES.join(", ")}` }).optional(),
  limit: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(100, "must be at most 100").default(20),
  cursor: z.string().regex(CURSOR_PATTERN, "is not a cursor from this API").optional(),
});

const idOf = (raw: string) => {
  if (!SUBSCRIPTION_ID_PATTERN.test(raw)) throw notFound("subscription");
  return raw;
};

export const subscriptionRoutes = new Hono<AppEnv>()
  .use(requireUser())
  .get("/", async (c) => {
    const q = queryWith(c, ListQuery);
    const rows = await subscriptionPage(c.var, { userId: c.var.user!.id, status: q.status, before: parseCursor(q.cursor), limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map((r) => presentSubscription(r)),
      next_cursor: rows.length > q.limit ? cursorOf(page.at(-1)!.subscription) : null,
    });
  })
  .post("/", limitWrites("create"), async (c) => {
    const body = await jsonBody(c, SubscribeBody);
    const started = await startSubscription(deps(c), c.var.user!, body.price_id, new URL(c.req.url).origin);
    const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: false }, started.id);
    return c.json({ subscription: presentDetail(detail, { admin: false }), registration: started.registration }, 201);
  })
  .get("/:id", async (c) => {
    const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: isAdmin(c) }, idOf(c.req.param("id")));
    return c.json(presentDetail(detail, { admin: isAdmin(c) }));
  })
  .post("/:id/card", limitWrites("create"), async (c) => {
    await jsonBody(c, z.strictObject({}));
    const registration = await registerCard(deps(c), c.var.user!, idOf(c.req.param("id")), new URL(c.req.url).origin);
    return c.json({ registration }, 201);
  })
  .post("/:id/card/confirm", limitWrites("complete"), async (c) => {
    const id = idOf(c.req.param("id"));
    const body = await jsonBody(c, ConfirmBody);
    const { chargeDue } = await confirmCard(deps(c), c.var.user!, id, { customerUid: body.customer_uid });
    const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: false }, id);
    return c.json({ ...presentDetail(detail, { admin: false }), charge_due: chargeDue });
  })
  .post("/:id/cancel", async (c) => {
    const id = idOf(c.req.param("id"));
    await jsonBody(c, z.strictObject({}));
    await cancelByCustomer(deps(c), c.var.user!, id);
    return c.json(presentDetail(await visibleSubscription(c.var, { userId: c.var.user!.id, admin: false }, id), { admin: false }));
  })
  .post("/:id/resume", async (c) => {
    const id = idOf(c.req.param("id"));
    await jsonBody(c, z.strictObject({}));
    await resume(deps(c), c.var.user!, id);
    return c.json(presentDetail(await visibleSubscription(c.var, { userId: c.var.user!.id, admin: false }, id), { admin: false }));
  })
  .post("/:id/plan", async (c) => {
    const id = idOf(c.req.param("id"));
    const body = await jsonBody(c, PlanBody);
    await changePlan(deps(c), c.var.user!, id, body.price_id);
    return c.json(presentDetail(await visibleSubscription(c.var, { userId: c.var.user!.id, admin: false }, id), { admin: false }));
  });
