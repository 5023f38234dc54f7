import { Hono } from "hono";
import * as z from "zod";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import { query } from "../lib/validate";
import { addressLimit, enforceLimits } from "../middleware/rate-limit";
import { describe } from "../openapi/describe";
import { reportReturn } from "../services/returns";
import type { AppEnv } from "../types";
import { deps, IMP_UID_PATTERN } from "./shared";

// Where Iamport sends a mobile buyer back (m_redirect_url). The query string is as untrusted as any hint.
const ReturnQuery = z.object({
  merchant_uid: z.string({ error: "is required" }).regex(MERCHANT_UID_PATTERN, "is not a pocketpay merchant_uid"),
  imp_uid: z.string().regex(IMP_UID_PATTERN, "must be an Iamport imp_uid").optional(),
  imp_success: z.enum(["true", "false"]).optional(),
  error_code: z.string().max(64).optional(),
  error_msg: z.string().max(500).optional(),
});

export const returnRoutes = new Hono<AppEnv>().get(
  "/return",
  describe({
    operationId: "mobileReturn",
    summary: "Where Iamport sends a mobile buyer back",
    description:
      "The `m_redirect_url` of the checkout. A signed-in owner's report is recorded like `complete`; then the " +
      "browser is sent to the payment's page (with `result=failed` and the message when the payment failed).",
    tags: ["Payments"],
    rateLimited: true,
    responses: {
      303: {
        description: "To the payment's page.",
        headers: { Location: { description: "/payments/{merchant_uid}[?result=failed&message=…]", schema: { type: "string" }, required: true } },
      },
    },
  }),
  query(ReturnQuery),
  async (c) => {
    const q = c.req.valid("query");
    const target = new URL(`/payments/${q.merchant_uid}`, c.req.url);
    if (q.imp_success === "false" || (q.error_code && !q.imp_uid)) {
      target.searchParams.set("result", "failed");
      if (q.error_msg) target.searchParams.set("message", q.error_msg);
    }
    if (q.imp_uid) {
      const user = c.var.user;
      // Signed out, this is an anonymous request that can make pocketpay call Iamport: limited per address.
      if (user) {
        await enforceLimits([[c.env.PAYMENT_USER_LIMITER, `complete:${user.id}`], ...addressLimit(c.env.CLIENT_IP_LIMITER, "complete", c.req.raw)]);
      } else {
        await enforceLimits(addressLimit(c.env.CLIENT_IP_LIMITER, "return", c.req.raw));
      }
      await reportReturn(deps(c), { userId: user?.id ?? null, merchantUid: q.merchant_uid, impUid: q.imp_uid });
    }
    return c.redirect(target.pathname + target.search, 303);
  },
);
