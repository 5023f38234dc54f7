import { Hono, type Context } from "hono";
import * as z from "zod";
import { MAX_ORDER_LINES, MAX_QUANTITY, MIN_ORDER_AMOUNT, PRICE_ID_PATTERN } from "../domain/catalogue";
import { badRequest, notFound, unauthorized } from "../domain/errors";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import { PAYMENT_STATUSES } from "../domain/payment-state";
import { safeText } from "../lib/text-schema";
import { body, documentsQuery, parseWith, query, queryWith, readJson } from "../lib/validate";
import { enforceUserLimit, limitWrites } from "../middleware/rate-limit";
import { requireUser, sessionAgain, signIn } from "../middleware/session";
import { describe } from "../openapi/describe";
import { cancelOrder } from "../services/cancel-order";
import { quoteOrder } from "../services/catalogue";
import { completeAttempt, completePayment } from "../services/complete-payment";
import { createPayment, customAmountsDisabled, openOrder, type CreateOrderInput } from "../services/create-payment";
import { ownPayments, sessionPaymentDetail } from "../services/payment-queries";
import { awaitOutcome, MAX_WAIT_SECONDS } from "../services/status-watch";
import type { AppEnv } from "../types";
import {
  CreatedPaymentJson,
  PaymentDetailJson,
  PaymentJson,
  presentEvent,
  presentLineItem,
  presentPayment,
  presentRefund,
  QuoteJson,
} from "../services/present";
import { refundRoutes } from "./refunds";
import { deps, idempotencyKey, IMP_UID_PATTERN, merchantUidParam, TX_ID_PATTERN } from "./shared";

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
  })
  .meta({ description: "Active one-off prices of active products, each at most once." });

const CatalogueBody = z.strictObject({ items: Items }).meta({ id: "CatalogueOrder", title: "Catalogue order" });

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

// What the document shows for an order's body: the two schemas orderInput() validates with. The custom amount's
// ceiling is the deployment's MAX_PAYMENT_AMOUNT, so the document gives it in words rather than one number.
const OrderBody = z.union([
  CatalogueBody,
  CustomAmountBody(Number.MAX_SAFE_INTEGER).meta({
    id: "CustomAmountOrder",
    title: "Custom amount",
    description:
      "Only where the shop takes custom amounts (ALLOW_CUSTOM_AMOUNTS); elsewhere 400 custom_amount_disabled. " +
      "`amount` is integer KRW, at most the deployment's MAX_PAYMENT_AMOUNT (10,000,000 unless set).",
  }),
]);

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

const IamportReport = z
  .strictObject({
    imp_uid: z.string({ error: "is required" }).regex(IMP_UID_PATTERN, "must be an Iamport imp_uid (imp_…)"),
  })
  .meta({ id: "IamportReport", title: "Iamport V1", description: "What `IMP.request_pay`'s callback got (GATEWAY=iamport-v1)." });

const PortoneReport = z
  .strictObject({
    payment_id: z
      .string()
      .regex(MERCHANT_UID_PATTERN, "is not a pocketpay merchant_uid")
      .optional()
      .meta({ description: "The response's `paymentId`; when sent, it must be this payment's merchant_uid." }),
    tx_id: z
      .string({ error: "is required" })
      .regex(TX_ID_PATTERN, "must be PortOne's txId (1–64 letters, digits, '.', '_', ':' or '-')")
      .meta({ description: "The response's `txId`: the attempt the window finished." }),
  })
  .meta({
    id: "PortoneReport",
    title: "PortOne V2",
    description: "What `PortOne.requestPayment` resolved to (GATEWAY=portone-v2): `{payment_id: paymentId, tx_id: txId}`.",
  });

/** The other gateway's field, named in the 400 so a page built for one gateway is told why the other refuses it. */
const FOREIGN_FIELD = { "iamport-v1": ["tx_id", "payment_id"], "portone-v2": ["imp_uid"] } as const;

/**
 * The browser's report as the deployment's gateway shapes it. A body made for the other gateway is a 400 that
 * names its field and the gateway this server uses, not a generic "unknown field".
 */
function reportFor(c: Context<AppEnv>, merchantUid: string, raw: unknown): { impUid: string } | { txId: string } {
  const gateway = c.var.config.GATEWAY;
  if (isObject(raw)) {
    const foreign = FOREIGN_FIELD[gateway].filter((f) => f in raw);
    if (foreign.length > 0) {
      const expected = gateway === "portone-v2" ? "{payment_id, tx_id} from PortOne.requestPayment" : "{imp_uid} from IMP.request_pay";
      const message = `belongs to the other gateway; this server uses ${gateway}: send ${expected}`;
      throw badRequest("invalid_request", foreign.map((f) => `${f}: ${message}`).join("; "), {
        fields: foreign.map((field) => ({ field, code: "unknown_field", message })),
      });
    }
  }
  if (gateway === "iamport-v1") return { impUid: parseWith(IamportReport, raw).imp_uid };
  const report = parseWith(PortoneReport, raw);
  if (report.payment_id !== undefined && report.payment_id !== merchantUid) {
    const message = "is another payment's id: report each payment at its own merchant_uid";
    throw badRequest("invalid_request", `payment_id: ${message}`, { fields: [{ field: "payment_id", code: "invalid", message }] });
  }
  return { txId: report.tx_id };
}

// `?wait=N`: answer once the payment's outcome is known (it is no longer `ready`), or after N seconds at most.
const WaitQuery = z.object({
  wait: z.coerce
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(0, "must be at least 0")
    .max(MAX_WAIT_SECONDS, `must be at most ${MAX_WAIT_SECONDS}`)
    .default(0)
    .meta({
      description: `Seconds (0–${MAX_WAIT_SECONDS}) to wait while the payment's outcome is pending (status \`ready\`): the answer comes as soon as validation settles it, or when the time is up.`,
    }),
});

const ListQuery = z.object({
  status: z.enum(PAYMENT_STATUSES, { error: `must be one of ${PAYMENT_STATUSES.join(", ")}` }).optional(),
  limit: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(100, "must be at most 100").default(20),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, "is not a cursor from this API")
    .optional()
    .meta({ description: "`next_cursor` of the previous page." }),
});

const PaymentPage = z.object({
  items: z.array(PaymentJson),
  next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next (older) page; null on the last." }),
});

export const paymentRoutes = new Hono<AppEnv>()
  // No requireUser here: the session is read in one batch with the order's prices (2 round trips in all), and the
  // per-account limit applies as soon as that batch says who the buyer is, before the body is judged.
  .post(
    "/",
    describe({
      operationId: "createPayment",
      summary: "Create an order",
      description:
        "Names prices and quantities from the catalogue (`GET /api/products`); the server prices the order, so no " +
        "amount is sent. Creates the order and pre-registers its amount at Iamport (`/payments/prepare`) before " +
        "anything is stored, so Iamport takes no other amount for it. The answer's `checkout` holds the exact " +
        "`IMP.init` and `IMP.request_pay` parameters. A price that stops being sold while the order is made is " +
        "409 catalogue_changed, with nothing charged.",
      tags: ["Payments"],
      auth: "user",
      idempotencyKey: true,
      requestBody: { schema: OrderBody, mediaTypes: ["application/json"] },
      responses: { 201: { description: "The order, waiting for its payment.", body: CreatedPaymentJson } },
      errors: {
        400: ["invalid_request", "malformed_json", "invalid_idempotency_key", "price_unavailable", "amount_out_of_range", "custom_amount_disabled"],
        409: ["request_in_progress", "catalogue_changed"],
        422: ["idempotency_key_reused"],
        502: ["gateway_error"],
        503: ["gateway_unavailable"],
      },
    }),
    limitWrites("create"),
    async (c) => {
      if (!c.var.authVia) throw unauthorized();
      const body = await readJson(c);
      const order = await openOrder(deps(c), c.var.session, priceIdsIn(body));
      signIn(c, order.session);
      await enforceUserLimit(c.env, "create", order.session.user.id);
      const input = orderInput(c, body);
      const origin = new URL(c.req.url).origin;
      const result = await createPayment(deps(c), order, input, origin, idempotencyKey(c));
      return c.json(result.body as object, result.status as 201);
    },
  )
  // What a cart costs, priced exactly as an order would be; public, and it creates nothing.
  .post(
    "/quote",
    describe({
      operationId: "quoteOrder",
      summary: "Price a cart",
      description:
        "Prices `items` exactly as creating the order would, without creating anything: what a shop page shows is " +
        "what the order will cost. No session needed.",
      tags: ["Payments"],
      responses: { 200: { description: "The cart, priced.", body: QuoteJson } },
      errors: { 400: ["price_unavailable", "amount_out_of_range"] },
    }),
    body(CatalogueBody),
    async (c) => {
      const quote = await quoteOrder(deps(c), c.req.valid("json").items);
      return c.json({
        amount: quote.amount,
        currency: "KRW",
        name: quote.name,
        line_items: quote.lines.map(presentLineItem),
      } satisfies z.output<typeof QuoteJson>);
    },
  )
  .get(
    "/",
    describe({
      operationId: "listPayments",
      summary: "Your payments",
      description: "The signed-in account's payments, newest first, a page at a time.",
      tags: ["Payments"],
      responses: { 200: { description: "A page of payments.", body: PaymentPage } },
    }),
    requireUser(),
    query(ListQuery),
    async (c) => {
      const q = c.req.valid("query");
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
      } satisfies z.output<typeof PaymentPage>);
    },
  )
  .get(
    "/:merchant_uid",
    describe({
      operationId: "getPayment",
      summary: "A payment, with its timeline and refunds",
      description:
        "For its owner or an administrator; anyone else gets the same 404 as for a payment that does not exist. " +
        "After `complete`, `status` leaves `ready` once Iamport's answer is checked: ask with `?wait=N` to be answered " +
        "as soon as it does (a long-poll) rather than polling. A session revoked during the wait answers 401.",
      tags: ["Payments"],
      auth: "user",
      params: merchantUidParam,
      responses: { 200: { description: "The payment.", body: PaymentDetailJson } },
      errors: { 404: ["not_found"] },
    }),
    documentsQuery(WaitQuery),
    async (c) => {
      // The busiest read: the session, payment, events, refunds and line items in one round trip, owner checked
      // after. Unknown, malformed and other users' merchant_uids all answer the same 404. With ?wait=N, a payment
      // whose outcome is pending is answered when validation announces the outcome, or after N seconds; it is then
      // read again with the session looked up again (one round trip), so the answer is D1's and a session revoked
      // meanwhile gets 401.
      const merchantUid = c.req.param("merchant_uid");
      // A caller that may wait has the owner's payment marked watched in the read's batch (status-watch.ts).
      const mayWait = (WaitQuery.safeParse(c.req.query()).data?.wait ?? 0) > 0;
      let { session, detail } = await sessionPaymentDetail(c.var, c.var.session, merchantUid, mayWait ? { now: c.var.now() } : undefined);
      signIn(c, session);
      // Judged after the session, so a signed-out caller is told 401 whatever its query says.
      const { wait } = queryWith(c, WaitQuery);
      if (wait > 0 && detail.payment.status === "ready") {
        await awaitOutcome(deps(c), detail.payment, wait);
        ({ session, detail } = await sessionPaymentDetail(c.var, await sessionAgain(c), merchantUid));
        if (session.sessionId !== c.var.sessionId) throw unauthorized();
      }
      return c.json({
        ...presentPayment(detail.payment, detail.items),
        events: detail.events.map(presentEvent),
        refunds: detail.refunds.map(presentRefund),
      } satisfies z.output<typeof PaymentDetailJson>);
    },
  )
  .post(
    "/:merchant_uid/complete",
    describe({
      operationId: "completePayment",
      summary: "Report the buyer's payment",
      description:
        "What the payment window answered: `{imp_uid}` from `IMP.request_pay`'s callback on Iamport V1, " +
        "`{payment_id, tx_id}` from `PortOne.requestPayment` on PortOne V2 (the other gateway's body is a 400 naming " +
        "its field). It is only a hint: validation is queued (on V1 the imp_uid is recorded), and the status changes " +
        "only once the gateway's own record of the payment, looked up by the order's merchant_uid, is checked " +
        "against the order. With `?wait=N` the answer waits (N seconds at most) for that verdict: 200 with the " +
        "payment as validation left it, or 202 as recorded if the time ran out (then GET the payment with `?wait`).",
      tags: ["Payments"],
      params: merchantUidParam,
      responses: {
        200: { description: "With `?wait`: validation settled the payment within the wait; the payment as it left it.", body: PaymentJson },
        202: { description: "Recorded; validation is queued (with `?wait`, it took longer than the wait).", body: PaymentJson },
      },
      requestBody: { schema: z.union([IamportReport, PortoneReport]), mediaTypes: ["application/json"] },
      errors: { 400: ["invalid_request", "malformed_json"], 404: ["not_found"], 409: ["imp_uid_mismatch", "imp_uid_in_use"] },
    }),
    requireUser(),
    limitWrites("complete"),
    query(WaitQuery),
    async (c) => {
      // 202 with the payment as recorded: validation is queued. With ?wait=N, the answer waits (N seconds at most)
      // for validation to announce the outcome, and is 200 with the payment as validation left it when it did.
      const merchantUid = c.req.param("merchant_uid");
      if (!MERCHANT_UID_PATTERN.test(merchantUid)) throw notFound("payment");
      const { wait } = c.req.valid("query");
      const d = deps(c);
      const report = reportFor(c, merchantUid, await readJson(c));
      const who = { userId: c.var.user!.id, merchantUid, source: "browser" as const, watch: wait > 0 };
      const row = "txId" in report ? await completeAttempt(d, { ...who, txId: report.txId }) : await completePayment(d, { ...who, impUid: report.impUid });
      if (wait > 0 && row.status === "ready") {
        const settled = await awaitOutcome(d, row, wait);
        if (settled) return c.json(settled.payment as z.output<typeof PaymentJson>, 200);
      }
      return c.json(presentPayment(row), wait > 0 && row.status !== "ready" ? 200 : 202);
    },
  )
  .post(
    "/:merchant_uid/cancel",
    describe({
      operationId: "cancelOrder",
      summary: "Give up an unpaid order",
      description:
        "Iamport is asked first: if it holds a payment for the order, the order is validated instead (409 " +
        "payment_exists). A payment made after the cancel is refunded automatically.",
      tags: ["Payments"],
      params: merchantUidParam,
      responses: { 200: { description: "The cancelled order.", body: PaymentJson } },
      errors: {
        404: ["not_found"],
        409: ["invalid_state", "payment_exists"],
        502: ["gateway_error"],
        503: ["gateway_unavailable"],
      },
    }),
    requireUser(),
    async (c) => {
      const merchantUid = c.req.param("merchant_uid");
      if (!MERCHANT_UID_PATTERN.test(merchantUid)) throw notFound("payment");
      const row = await cancelOrder(deps(c), { userId: c.var.user!.id, merchantUid });
      return c.json(presentPayment(row));
    },
  )
  .route("/:merchant_uid/refunds", refundRoutes);
