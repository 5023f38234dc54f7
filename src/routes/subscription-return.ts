import { Hono } from "hono";
import * as z from "zod";
import { AppError } from "../domain/errors";
import { SUBSCRIPTION_ID_PATTERN, V2_BILLING_KEY_PATTERN } from "../domain/subscription-ids";
import { query } from "../lib/validate";
import { describe } from "../openapi/describe";
import { addressLimit, enforceLimits } from "../middleware/rate-limit";
import { confirmCard, type ConfirmRef } from "../services/subscribe";
import type { AppEnv } from "../types";
import { checkGatewayFields } from "./gateway-fields";
import { deps } from "./shared";

// Where the billing-key window sends a buyer back in redirect mode (a phone): Iamport V1's m_redirect_url, PortOne
// V2's redirectUrl, each with its own query. Like the popup's answer, it is only a hint: the card is looked up at the
// gateway before it is used.
const ReturnQuery = z.object({
  subscription: z.string({ error: "is required" }).regex(SUBSCRIPTION_ID_PATTERN, "is not a subscription id"),
  // Iamport V1
  merchant_uid: z.string().regex(/^reg_[0-9a-f]{32}$/, "is not a card registration").optional(),
  customer_uid: z.string().regex(/^cus_[0-9a-f]{32}$/, "is not a pocketpay customer_uid").optional(),
  imp_uid: z.string().max(64).optional(),
  imp_success: z.enum(["true", "false"]).optional(),
  success: z.enum(["true", "false"]).optional(),
  error_code: z.string().max(64).optional(),
  error_msg: z.string().max(500).optional(),
  // PortOne V2 (the SDK's IssueBillingKeyResponse as query parameters; `code` only on failure)
  transactionType: z.literal("ISSUE_BILLING_KEY", { error: "must be ISSUE_BILLING_KEY" }).optional(),
  billingKey: z.string().regex(V2_BILLING_KEY_PATTERN, "is not a PortOne billing key").optional(),
  code: z.string().max(64).optional(),
  message: z.string().max(500).optional(),
  pgCode: z.string().max(64).optional(),
  pgMessage: z.string().max(500).optional(),
});
const RETURN_FIELDS = {
  "iamport-v1": { known: ["merchant_uid", "customer_uid", "imp_uid", "imp_success", "success", "error_code", "error_msg"], required: [] },
  "portone-v2": { known: ["transactionType", "billingKey", "code", "message", "pgCode", "pgMessage"], required: [] },
} as const;

/** What the window's return says: the registration to confirm, or why it failed (the message as the window gave it). */
function reported(q: z.output<typeof ReturnQuery>): { ref: ConfirmRef } | { failed: string | undefined } {
  if (q.billingKey !== undefined || q.transactionType !== undefined || q.code !== undefined) {
    if (q.code !== undefined || q.billingKey === undefined) return { failed: q.message ?? q.pgMessage };
    return { ref: { billingKey: q.billingKey } };
  }
  if (q.imp_success === "false" || q.success === "false") return { failed: q.error_msg };
  const ref = q.customer_uid ? { customerUid: q.customer_uid } : q.merchant_uid ? { registrationUid: q.merchant_uid } : null;
  return ref ? { ref } : { failed: q.error_msg };
}

export const subscriptionReturnRoutes = new Hono<AppEnv>().get(
  "/return",
  describe({
    operationId: "subscriptionCardReturn",
    summary: "Where the billing-key window sends a mobile buyer back",
    description:
      "The registration's redirect return (V1 `merchant_uid`, `imp_success`; V2 `billingKey`, `code`; the other " +
      "gateway's is a 400). Confirms as `POST …/card/confirm` does, then to the subscription's page with " +
      "`card=registered` or `card=failed`. Signed out, to the login page first.",
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
  const d = deps(c);
  checkGatewayFields(d.config.GATEWAY, q, RETURN_FIELDS);
  const report = reported(q);
  if ("failed" in report) {
    target.searchParams.set("card", "failed");
    if (report.failed) target.searchParams.set("message", report.failed);
    return c.redirect(target.pathname + target.search, 303);
  }
  await enforceLimits([[c.env.PAYMENT_USER_LIMITER, `complete:${user.id}`], ...addressLimit(c.env.CLIENT_IP_LIMITER, "complete", c.req.raw)]);
  try {
    await confirmCard(d, user, q.subscription, report.ref);
    target.searchParams.set("card", "registered");
  } catch (e) {
    if (!(e instanceof AppError) || (e.status >= 500 && e.status !== 502 && e.status !== 503)) throw e;
    target.searchParams.set("card", "failed");
    target.searchParams.set("code", e.code);
  }
  return c.redirect(target.pathname + target.search, 303);
  },
);
