import { Hono } from "hono";
import * as z from "zod";
import { AppError } from "../domain/errors";
import { SUBSCRIPTION_ID_PATTERN } from "../domain/subscription-ids";
import { query } from "../lib/validate";
import { describe } from "../openapi/describe";
import { addressLimit, enforceLimits } from "../middleware/rate-limit";
import { confirmCard } from "../services/subscribe";
import type { AppEnv } from "../types";
import { deps } from "./shared";

// Where the billing-key window sends a mobile buyer back (m_redirect_url). Like the popup's callback, it is only a
// hint: the card is confirmed with Iamport (GET /subscribe/customers) before it is used.
const ReturnQuery = z.object({
  subscription: z.string({ error: "is required" }).regex(SUBSCRIPTION_ID_PATTERN, "is not a subscription id"),
  merchant_uid: z.string().regex(/^reg_[0-9a-f]{32}$/, "is not a card registration").optional(),
  customer_uid: z.string().regex(/^cus_[0-9a-f]{32}$/, "is not a pocketpay customer_uid").optional(),
  imp_uid: z.string().max(64).optional(),
  imp_success: z.enum(["true", "false"]).optional(),
  success: z.enum(["true", "false"]).optional(),
  error_code: z.string().max(64).optional(),
  error_msg: z.string().max(500).optional(),
});

export const subscriptionReturnRoutes = new Hono<AppEnv>().get(
  "/return",
  describe({
    operationId: "subscriptionCardReturn",
    summary: "Where the billing-key window sends a mobile buyer back",
    description:
      "The card registration's `m_redirect_url`. A signed-in subscriber's card is confirmed with Iamport (as " +
      "`POST …/card/confirm` does); then the browser goes to the subscription's page with `card=registered` or " +
      "`card=failed` (and the error's code). Signed out, to the login page first.",
    tags: ["Subscriptions"],
    rateLimited: true,
    responses: {
      303: {
        description: "To the subscription's page.",
        headers: { Location: { description: "/subscriptions/{id}?card=registered|failed[&code=…&message=…]", schema: { type: "string" }, required: true } },
      },
    },
  }),
  query(ReturnQuery),
  async (c) => {
  const q = c.req.valid("query");
  const target = new URL(`/subscriptions/${q.subscription}`, c.req.url);
  const user = c.var.user;
  if (!user) return c.redirect(`/login?next=${encodeURIComponent(new URL(c.req.url).pathname + new URL(c.req.url).search)}`, 303);
  const failed = q.imp_success === "false" || q.success === "false";
  const ref = q.customer_uid ? { customerUid: q.customer_uid } : q.merchant_uid ? { registrationUid: q.merchant_uid } : null;
  if (failed || !ref) {
    target.searchParams.set("card", "failed");
    if (q.error_msg) target.searchParams.set("message", q.error_msg);
    return c.redirect(target.pathname + target.search, 303);
  }
  await enforceLimits([[c.env.PAYMENT_USER_LIMITER, `complete:${user.id}`], ...addressLimit(c.env.CLIENT_IP_LIMITER, "complete", c.req.raw)]);
  try {
    await confirmCard(deps(c), user, q.subscription, ref);
    target.searchParams.set("card", "registered");
  } catch (e) {
    if (!(e instanceof AppError) || (e.status >= 500 && e.status !== 502 && e.status !== 503)) throw e;
    target.searchParams.set("card", "failed");
    target.searchParams.set("code", e.code);
  }
  return c.redirect(target.pathname + target.search, 303);
  },
);
