import { Hono } from "hono";
import * as z from "zod";
import { notFound } from "../domain/errors";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import { PAYMENT_STATUSES } from "../domain/payment-state";
import { safeText } from "../lib/text-schema";
import { jsonBody, queryWith } from "../lib/validate";
import { limitWrites } from "../middleware/rate-limit";
import { isAdmin, requireUser } from "../middleware/session";
import { cancelOrder } from "../services/cancel-order";
import { completePayment } from "../services/complete-payment";
import { createPayment } from "../services/create-payment";
import { ownPayments, visiblePaymentDetail } from "../services/payment-queries";
import type { AppEnv } from "../types";
import { presentEvent, presentPayment, presentRefund } from "../services/present";
import { refundRoutes } from "./refunds";
import { deps, idempotencyKey, IMP_UID_PATTERN } from "./shared";

const CreateBody = (max: number) =>
  z.strictObject({
    name: safeText({ max: 40 }),
    amount: z
      .number({ error: "must be a number" })
      .int("must be a whole number of won")
      .min(100, "must be at least 100")
      .max(max, `must be at most ${max}`),
  });

const CompleteBody = z.strictObject({
  imp_uid: z.string({ error: "is required" }).regex(IMP_UID_PATTERN, "must be an Iamport imp_uid (imp_…)"),
});

const ListQuery = z.object({
  status: z.enum(PAYMENT_STATUSES, { error: `must be one of ${PAYMENT_STATUSES.join(", ")}` }).optional(),
  limit: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(100, "must be at most 100").default(20),
  cursor: z.string().regex(/^[1-9][0-9]{0,15}$/, "is not a cursor from this API").optional(),
});

export const paymentRoutes = new Hono<AppEnv>()
  .use(requireUser())
  .post("/", limitWrites("create"), async (c) => {
    const body = await jsonBody(c, CreateBody(c.var.config.MAX_PAYMENT_AMOUNT));
    const origin = new URL(c.req.url).origin;
    const result = await createPayment(deps(c), c.var.user!, body, origin, idempotencyKey(c));
    return c.json(result.body as object, result.status as 201);
  })
  .get("/", async (c) => {
    const q = queryWith(c, ListQuery);
    const rows = await ownPayments(c.var, {
      userId: c.var.user!.id,
      status: q.status,
      beforeId: q.cursor ? Number(q.cursor) : undefined,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map(presentPayment),
      next_cursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null,
    });
  })
  .get("/:merchant_uid", async (c) => {
    // The busiest route (result pages poll it): payment, events and refunds in one round trip, owner checked after.
    // Unknown, malformed and other users' merchant_uids all answer the same 404.
    const viewer = { userId: c.var.user!.id, admin: isAdmin(c) };
    const detail = await visiblePaymentDetail(c.var, viewer, c.req.param("merchant_uid"));
    return c.json({
      ...presentPayment(detail.payment),
      events: detail.events.map(presentEvent),
      refunds: detail.refunds.map(presentRefund),
    });
  })
  .post("/:merchant_uid/complete", limitWrites("complete"), async (c) => {
    const merchantUid = c.req.param("merchant_uid");
    if (!MERCHANT_UID_PATTERN.test(merchantUid)) throw notFound("payment");
    const body = await jsonBody(c, CompleteBody);
    const row = await completePayment(deps(c), {
      userId: c.var.user!.id,
      merchantUid,
      impUid: body.imp_uid,
      source: "browser",
    });
    return c.json(presentPayment(row), 202);
  })
  .post("/:merchant_uid/cancel", async (c) => {
    const merchantUid = c.req.param("merchant_uid");
    if (!MERCHANT_UID_PATTERN.test(merchantUid)) throw notFound("payment");
    const row = await cancelOrder(deps(c), { userId: c.var.user!.id, merchantUid });
    return c.json(presentPayment(row));
  })
  .route("/:merchant_uid/refunds", refundRoutes);
