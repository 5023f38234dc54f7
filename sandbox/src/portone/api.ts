import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowMs } from "../clock";
import { faultInjector } from "../middleware/faults";
import { listBillingKeys, listV2Payments, getV2Payment, preRegister } from "./db";
import { PORTONE_BASE_PATH, PORTONE_FAULT_PREFIX } from "./env";
import { parseV2, PortOneError, portoneErrorResponse, readJson, V2_MSG } from "./errors";
import { TAKEN_STATUSES, type V2Status } from "./model";
import { billingKeyInfo, cancelV2Payment, chargeBillingKey, checkStore, keyInfoOf, removeBillingKey } from "./services";

// The emulated PortOne V2 REST subset pocketpay uses (paths, bodies and error types from server-sdk
// codegen/openapi.json). Every route needs `Authorization: PortOne <SANDBOX_PORTONE_API_SECRET>`.

/** Constant-time comparison of two strings (the secret check must not leak its prefix through timing). */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export const requirePortOneSecret: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const m = /^PortOne\s+(\S+)\s*$/.exec(header);
  if (!m || !sameSecret(m[1]!, c.env.SANDBOX_PORTONE_API_SECRET)) {
    return portoneErrorResponse(c, new PortOneError("UNAUTHORIZED", V2_MSG.unauthorized));
  }
  await next();
};

/** V2's failures for injected faults: its `{type, message}` bodies; code_error is a PG error (V2 has no 200 refusal). */
export const injectV2Faults = faultInjector(PORTONE_BASE_PATH, PORTONE_FAULT_PREFIX, {
  http500: (c, message) => c.json({ type: "INTERNAL_SERVER_ERROR", message: message ?? "일시적인 오류가 발생하였습니다." }, 500),
  unauthorized: (c) => portoneErrorResponse(c, new PortOneError("UNAUTHORIZED", V2_MSG.unauthorized)),
  codeError: (c, message) =>
    portoneErrorResponse(c, new PortOneError("PG_PROVIDER", message ?? "PG사 오류가 발생하였습니다.", { pgCode: "9999", pgMessage: message ?? "일시적인 오류" })),
  malformedBody: '{"status":"PAID","id":"',
});

const int = z.number().int();
const amount = int.nonnegative();
const text = (max: number) => z.string().min(1).max(max);
const CustomerInput = z
  .looseObject({
    id: z.string().max(100).optional(),
    name: z.looseObject({ full: z.string().max(100).optional() }).optional(),
    email: z.string().max(200).optional(),
    phoneNumber: z.string().max(40).optional(),
  })
  .optional();

export const api = new Hono<AppEnv>();
api.use("*", injectV2Faults);
// Scoped by prefix (not "*") so an unknown path answers 404 rather than 401.
for (const path of ["/payments", "/payments/*", "/billing-keys", "/billing-keys/*"]) api.use(path, requirePortOneSecret);

const PreRegisterBody = z.object({
  storeId: z.string().optional(),
  totalAmount: amount.optional(),
  taxFreeAmount: amount.optional(),
  currency: z.string().min(3).max(16).optional(),
});

api.post("/payments/:paymentId/pre-register", async (c) => {
  const b = parseV2(PreRegisterBody, await readJson(c));
  checkStore(c.env, b.storeId);
  const paymentId = c.req.param("paymentId");
  const existing = await getV2Payment(c.env.SANDBOX_DB, paymentId);
  if (existing && TAKEN_STATUSES.includes(existing.payment.status)) throw new PortOneError("ALREADY_PAID", V2_MSG.alreadyPaid);
  await preRegister(
    c.env.SANDBOX_DB,
    { payment_id: paymentId, total_amount: b.totalAmount ?? null, tax_free_amount: b.taxFreeAmount ?? null, currency: b.currency ?? null },
    await nowMs(c),
  );
  return c.json({});
});

api.get("/payments/:paymentId", async (c) => {
  checkStore(c.env, c.req.query("storeId"));
  const stored = await getV2Payment(c.env.SANDBOX_DB, c.req.param("paymentId"));
  if (!stored) throw new PortOneError("PAYMENT_NOT_FOUND", V2_MSG.paymentNotFound);
  return c.json(stored.payment);
});

const CancelBody = z.object({
  storeId: z.string().optional(),
  amount: int.positive().optional(),
  taxFreeAmount: amount.optional(),
  vatAmount: amount.optional(),
  reason: text(200),
  requester: z.enum(["CUSTOMER", "ADMIN"]).optional(),
  currentCancellableAmount: amount.optional(),
  refundAccount: z.looseObject({}).optional(),
  skipWebhook: z.boolean().optional(),
});

api.post("/payments/:paymentId/cancel", async (c) => {
  const b = parseV2(CancelBody, await readJson(c));
  checkStore(c.env, b.storeId);
  const { cancellation } = await cancelV2Payment(c.env, c.executionCtx, await nowMs(c), {
    paymentId: c.req.param("paymentId"),
    amount: b.amount,
    taxFreeAmount: b.taxFreeAmount,
    vatAmount: b.vatAmount,
    reason: b.reason,
    currentCancellableAmount: b.currentCancellableAmount,
    skipWebhook: b.skipWebhook,
    trigger: "API",
  });
  return c.json({ cancellation });
});

const ChargeBody = z.object({
  storeId: z.string().optional(),
  billingKey: text(200),
  channelKey: z.string().optional(),
  orderName: text(200),
  customer: CustomerInput,
  customData: z.string().max(10_000).optional(),
  amount: z.object({ total: int.positive(), taxFree: amount.optional(), vat: amount.optional() }),
  currency: z.string().min(3).max(16),
  installmentMonth: int.min(0).max(36).optional(),
  noticeUrls: z.array(z.url().max(2000)).optional(),
});

api.post("/payments/:paymentId/billing-key", async (c) => {
  const b = parseV2(ChargeBody, await readJson(c));
  checkStore(c.env, b.storeId);
  const payment = await chargeBillingKey(c.env, c.executionCtx, await nowMs(c), {
    paymentId: c.req.param("paymentId"),
    storeId: c.env.SANDBOX_PORTONE_STORE_ID,
    billingKey: b.billingKey,
    orderName: b.orderName,
    total: b.amount.total,
    taxFree: b.amount.taxFree,
    currency: b.currency,
    customer: b.customer
      ? {
          ...(b.customer.id ? { id: b.customer.id } : {}),
          ...(b.customer.name?.full ? { name: b.customer.name.full } : {}),
          ...(b.customer.email ? { email: b.customer.email } : {}),
          ...(b.customer.phoneNumber ? { phoneNumber: b.customer.phoneNumber } : {}),
        }
      : undefined,
    customData: b.customData,
    // "빈 배열은 무시됩니다": only a non-empty list overrides the store's webhook URL.
    noticeUrl: b.noticeUrls?.[0],
  });
  return c.json({ payment });
});

// GET /billing-keys?requestBody={page, filter} (server-sdk getBillingKeyInfos). Filters: storeId, customerId, status,
// from, until (issue time; PortOne's defaults: until = now, from = until - 90 days); newest first.
const KeyListInput = z.object({
  page: z.object({ number: int.min(0).optional(), size: int.min(1).max(1000).optional() }).optional(),
  filter: z
    .looseObject({
      storeId: z.string().optional(),
      customerId: z.string().optional(),
      status: z.array(z.enum(["ISSUED", "DELETED"])).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      until: z.iso.datetime({ offset: true }).optional(),
    })
    .optional(),
});

api.get("/billing-keys", async (c) => {
  const raw = c.req.query("requestBody");
  let input: unknown = {};
  if (raw !== undefined && raw !== "") {
    try {
      input = JSON.parse(raw);
    } catch {
      throw new PortOneError("INVALID_REQUEST", "requestBody 값이 올바른 JSON이 아닙니다.");
    }
  }
  const q = parseV2(KeyListInput, input);
  checkStore(c.env, q.filter?.storeId);
  const untilMs = q.filter?.until ? Date.parse(q.filter.until) : await nowMs(c);
  const fromMs = q.filter?.from ? Date.parse(q.filter.from) : untilMs - 90 * 86_400_000;
  if (fromMs > untilMs) throw new PortOneError("INVALID_REQUEST", "filter.from 값이 filter.until 보다 늦습니다.");
  const number = q.page?.number ?? 0;
  const size = q.page?.size ?? 10;
  const { keys, total } = await listBillingKeys(c.env.SANDBOX_DB, {
    fromMs,
    untilMs,
    customerId: q.filter?.customerId ?? null,
    statuses: q.filter?.status ?? null,
    offset: number * size,
    limit: size,
  });
  return c.json({ items: keys.map(keyInfoOf), page: { number, size, totalCount: total } });
});

api.get("/billing-keys/:billingKey", async (c) => {
  checkStore(c.env, c.req.query("storeId"));
  return c.json(await billingKeyInfo(c.env, c.req.param("billingKey")));
});

api.delete("/billing-keys/:billingKey", async (c) => {
  checkStore(c.env, c.req.query("storeId"));
  return c.json(await removeBillingKey(c.env, c.executionCtx, await nowMs(c), c.req.param("billingKey")));
});

// GET /payments?requestBody={page, filter}: the list the app's reconciler can sweep (server-sdk getPayments sends
// its input as one JSON query parameter). Filters: storeId, timestampType, from, until, status; newest first.
const STATUSES = ["READY", "PENDING", "VIRTUAL_ACCOUNT_ISSUED", "PAID", "FAILED", "PARTIAL_CANCELLED", "CANCELLED"] as const;
const ListInput = z.object({
  page: z.object({ number: int.min(0).optional(), size: int.min(1).max(1000).optional() }).optional(),
  filter: z
    .looseObject({
      storeId: z.string().optional(),
      timestampType: z.enum(["CREATED_AT", "STATUS_CHANGED_AT"]).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      until: z.iso.datetime({ offset: true }).optional(),
      status: z.array(z.enum(STATUSES)).optional(),
    })
    .optional(),
});

api.get("/payments", async (c) => {
  const raw = c.req.query("requestBody");
  let input: unknown = {};
  if (raw !== undefined && raw !== "") {
    try {
      input = JSON.parse(raw);
    } catch {
      throw new PortOneError("INVALID_REQUEST", "requestBody 값이 올바른 JSON이 아닙니다.");
    }
  }
  const q = parseV2(ListInput, input);
  checkStore(c.env, q.filter?.storeId);
  const now = await nowMs(c);
  // PortOne's defaults: until = now, from = until - 90 days.
  const untilMs = q.filter?.until ? Date.parse(q.filter.until) : now;
  const fromMs = q.filter?.from ? Date.parse(q.filter.from) : untilMs - 90 * 86_400_000;
  if (fromMs > untilMs) throw new PortOneError("INVALID_REQUEST", "filter.from 값이 filter.until 보다 늦습니다.");
  const number = q.page?.number ?? 0;
  const size = q.page?.size ?? 10;
  const { items, total } = await listV2Payments(c.env.SANDBOX_DB, {
    fromMs,
    untilMs,
    timestampType: q.filter?.timestampType ?? "CREATED_AT",
    statuses: (q.filter?.status as V2Status[] | undefined) ?? null,
    offset: number * size,
    limit: size,
  });
  return c.json({ items, page: { number, size, totalCount: total } });
});
