import { Hono } from "hono";
import * as z from "zod";
import { notFound } from "../domain/errors";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import { safeText } from "../lib/text-schema";
import { body } from "../lib/validate";
import { limitWrites } from "../middleware/rate-limit";
import { requireAdmin } from "../middleware/session";
import { describe } from "../openapi/describe";
import { RefundResultJson } from "../services/present";
import { refundPayment } from "../services/refund-payment";
import type { AppEnv } from "../types";
import { deps, idempotencyKey, merchantUidParam } from "./shared";

const RefundBody = z.strictObject({
  amount: z
    .number({ error: "must be a number" })
    .int("must be a whole number of won")
    .positive("must be greater than 0")
    .max(Number.MAX_SAFE_INTEGER, "is too large")
    .meta({ description: "Integer KRW, at most the payment's refundable_amount." }),
  reason: safeText({ max: 200, multiline: true }),
});

export const refundRoutes = new Hono<AppEnv>().post(
  "/",
  describe({
    operationId: "refundPayment",
    summary: "Refund all or part of a payment",
    description:
      "The amount is reserved before Iamport is called and sent with the balance as its checksum, so no two " +
      "refunds can exceed the payment. If Iamport does not answer, the refund stays pending (503): retry with the " +
      "same Idempotency-Key, which never refunds twice.",
    tags: ["Payments"],
    idempotencyKey: true,
    params: merchantUidParam,
    responses: { 201: { description: "The refund and the payment after it.", body: RefundResultJson } },
    errors: {
      400: ["invalid_idempotency_key"],
      404: ["not_found"],
      409: ["invalid_state", "refund_in_progress", "amount_exceeds_refundable", "balance_changed", "concurrent_change", "request_in_progress"],
      422: ["idempotency_key_reused"],
      502: ["gateway_error"],
      503: ["gateway_unavailable"],
    },
  }),
  requireAdmin(),
  limitWrites("refund"),
  body(RefundBody),
  async (c) => {
    const merchantUid = c.req.param("merchant_uid") ?? "";
    if (!MERCHANT_UID_PATTERN.test(merchantUid)) throw notFound("payment");
    const result = await refundPayment(deps(c), c.var.user!, merchantUid, c.req.valid("json"), idempotencyKey(c));
    return c.json(result.body as object, result.status as 201);
  },
);
