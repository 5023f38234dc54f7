import { Hono, type Context } from "hono";
import * as z from "zod";
import { MAX_ORDER_LINES, MAX_QUANTITY, MIN_ORDER_AMOUNT, PRICE_ID_PATTERN } from "../domain/catalogue";
import { notFound, unauthorized } from "../domain/errors";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import { PAYMENT_STATUSES } from "../domain/payment-state";
import { safeText } from "../lib/text-schema";
import { jsonBody, parseWith, readJson, queryWith } from "../lib/validate";
import { enforceUserLimit, limitWrites } from "../middleware/rate-limit";
import { isAdmin, requireUser, signIn } from "../middleware/session";
import { cancelOrder } from "../services/cancel-order";
import { quoteOrder } from "../services/catalogue";
import { completePayment } from "../services/complete-payment";
import { createPayment, customAmountsDisabled, openOrder, type CreateOrderInput } from "../services/create-payment";
import { ownPayments, visiblePaymentDetail } from "../services/payment-queries";
import type { AppEnv } from "../types";
import { presentEvent, presentLineItem, presentPayment, presentRefund } from "../services/present";
import { refundRoutes } from "./refunds";
import { deps, idempotencyKey, IMP_UID_PATTERN } from "./shared";

// An order names prices and quantities; the server owns every amount. Unknown fields are refused, so a client
// cannot believe it set something (an amount beside the items, say) that the server ignored.
const Items = z
  .array(
    z.strictObject({
      price_id: z.string({ error: "is required" }).regex(PRICE_ID_PATTERN, "is not a price id (price_…)"),
      quantity: z
        .number({ error: "must be a number" })
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`),
    }),
    { error: "must be a list of {price_id, quantity}" },
  )
  .min(1, "must hold at least one item")
  .max(MAX_ORDER_LINES, `must hold at most ${MAX_ORDER_LINES} items`)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.price_id)) {
        ctx.addIssue({ code: "custom", path: [i, "price_id"], message: "appears twice; set its quantity instead", params: { code: "duplicate" } });
      }
      seen.add(item.price_id);
    });
  });

const CatalogueBody = z.strictObject({ items: Items });

// The custom-amount kind (the old {name, amount} body), taken only where ALLOW_CUSTOM_AMOUNTS is on.
const CustomAmountBody = (max: number) =>
  z.strictObject({
    name: safeText({ max: 40 }),
    amount: z
      .number({ error: "must be a number" })
      .int("must be a whole number of won")
      .min(MIN_ORDER_AMOUNT, `must be at least ${MIN_ORDER_AMOUNT}`)
      .max(max, `must be at most ${max}`),
  });

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** `{name, amount}` (without items) is a custom amount, if this deployment takes them; anything else an order by items. */
function orderInput(c: Context<AppEnv>, body: unknown): CreateOrderInput {
  if (isObject(body) && !("items" in body) && ("name" in body || "amount" in body)) {
    if (!c.var.config.ALLOW_CUSTOM_AMOUNTS) throw customAmountsDisabled();
    return { kind: "custom_amount", ...parseWith(CustomAmountBody(c.var.config.MAX_PAYMENT_AMOUNT), body) };
  }
  return { kind: "catalogue", ...parseWith(CatalogueBody, body) };
}

/** The price ids a body names, read before it is validated so they can join the session's batch; at most 20. */
function priceIdsIn(body: unknown): string[] {
  if (!isObject(body) || !Array.isArray(body.items)) return [];
  const ids = body.items.map((i: unknown) => (isObject(i) ? i.price_id : undefined));
  return [...new Set(ids.filter((id): id is string => typeof id === "string" && PRICE_ID_PATTERN.test(id)))].slice(0, MAX_ORDER_LINES);
}

const CompleteBody = z.strictObject({
  imp_uid: z.string({ error: "is required" }).regex(IMP_UID_PATTERN, "must be an Iamport imp_uid (imp_…)"),
});

const ListQuery = z.object({
  status: z.enum(PAYMENT_STATUSES, { error: `must be one of ${PAYMENT_STATUSES.join(", ")}` }).optional(),
  limit: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(100, "must be at most 100").default(20),
  cursor: z.string().regex(/^[1-9][0-9]{0,15}$/, "is not a cursor from this API").optional(),
});

export const paymentRoutes = new Hono<AppEnv>()
  // No requireUser here: the session is read in one batch with the order's prices (2 round trips in all), and the
  // per-account limit applies as soon as that batch says who the buyer is, before the body is judged.
  .post("/", limitWrites("create"), async (c) => {
    if (!c.var.authVia) throw unauthorized();
    const body = await readJson(c);
    const order = await openOrder(deps(c), c.var.session, priceIdsIn(body));
    signIn(c, order.session);
    await enforceUserLimit(c.env, "create", order.session.user.id);
    const input = orderInput(c, body);
    const origin = new URL(c.req.url).origin;
    const result = await createPayment(deps(c), order, input, origin, idempotencyKey(c));
    return c.json(result.body as object, result.status as 201);
  })
  // What a cart costs, priced exactly as an order would be; public, and it creates nothing.
  .post("/quote", async (c) => {
    const body = await jsonBody(c, CatalogueBody);
    const quote = await quoteOrder(deps(c), body.items);
    return c.json({ amount: quote.amount, currency: "KRW", name: quote.name, line_items: quote.lines.map(presentLineItem) });
  })
  .get("/", requireUser(), async (c) => {
    const q = queryWith(c, ListQuery);
    const rows = await ownPayments(c.var, {
      userId: c.var.user!.id,
      status: q.status,
      beforeId: q.cursor ? Number(q.cursor) : undefined,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map((p) => presentPayment(p, p.items)),
      next_cursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null,
    });
  })
  .get("/:merchant_uid", requireUser(), async (c) => {
    // The busiest route (result pages poll it): payment, events and refunds in one round trip, owner checked after.
    // Unknown, malformed and other users' merchant_uids all answer the same 404.
    const viewer = { userId: c.var.user!.id, admin: isAdmin(c) };
    const detail = await visiblePaymentDetail(c.var, viewer, c.req.param("merchant_uid"));
    return c.json({
      ...presentPayment(detail.payment, detail.items),
      events: detail.events.map(presentEvent),
      refunds: detail.refunds.map(presentRefund),
    });
  })
  .post("/:merchant_uid/complete", requireUser(), limitWrites("complete"), async (c) => {
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
  .post("/:merchant_uid/cancel", requireUser(), async (c) => {
    const merchantUid = c.req.param("merchant_uid");
    if (!MERCHANT_UID_PATTERN.test(merchantUid)) throw notFound("payment");
    const row = await cancelOrder(deps(c), { userId: c.var.user!.id, merchantUid });
    return c.json(presentPayment(row));
  })
  .route("/:merchant_uid/refunds", refundRoutes);
