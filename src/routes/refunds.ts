import { Hono } from "hono";
import * as z from "zod";
import { notFound } from "../domain/errors";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import { safeText } from "../lib/text-schema";
import { jsonBody } from "../lib/validate";
import { limitWrites } from "../middleware/rate-limit";
import { requireAdmin } from "../middleware/session";
import { refundPayment } from "../services/refund-payment";
import type { AppEnv } from "../types";
import { deps, idempotencyKey } from "./shared";

const RefundBody = z.strictObject({
  amount: z
    .number({ error: "must be a number" })
    .int("must be a whole number of won")
    .positive("must be greater than 0")
    .max(Number.MAX_SAFE_INTEGER, "is too large"),
  reason: safeText({ max: 200, multiline: true }),
});

export const refundRoutes = new Hono<AppEnv>().post("/", requireAdmin(), limitWrites("refund"), async (c) => {
  const merchantUid = c.req.param("merchant_uid") ?? "";
  if (!MERCHANT_UID_PATTERN.test(merchantUid)) throw notFound("payment");
  const body = await jsonBody(c, RefundBody);
  const result = await refundPayment(deps(c), c.var.user!, merchantUid, body, idempotencyKey(c));
  return c.json(result.body as object, result.status as 201);
});
