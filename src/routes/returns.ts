import { Hono } from "hono";
import * as z from "zod";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import { query } from "../lib/validate";
import { addressLimit, enforceLimits } from "../middleware/rate-limit";
import { describe } from "../openapi/describe";
import { reportReturn } from "../services/returns";
import type { GatewayName } from "../gateway/types";
import type { AppEnv } from "../types";
import { deps, IMP_UID_PATTERN, TX_ID_PATTERN } from "./shared";

// Where a redirection window sends the buyer back: Iamport V1's m_redirect_url (merchant_uid, imp_uid,
// imp_success, error_code, error_msg) or PortOne V2's redirectUrl (paymentId, txId, code, message, and
// transactionType, pgCode, pgMessage, which are not needed). The query string is as untrusted as any hint.
const ReturnQuery = z
  .object({
    merchant_uid: z.string().regex(MERCHANT_UID_PATTERN, "is not a pocketpay merchant_uid").optional().meta({ description: "Iamport V1." }),
    imp_uid: z.string().regex(IMP_UID_PATTERN, "must be an Iamport imp_uid").optional().meta({ description: "Iamport V1." }),
    imp_success: z.enum(["true", "false"]).optional().meta({ description: "Iamport V1." }),
    error_code: z.string().max(64).optional().meta({ description: "Iamport V1." }),
    error_msg: z.string().max(500).optional().meta({ description: "Iamport V1." }),
    paymentId: z.string().regex(MERCHANT_UID_PATTERN, "is not a pocketpay merchant_uid").optional().meta({ description: "PortOne V2: the merchant_uid." }),
    txId: z.string().regex(TX_ID_PATTERN, "must be PortOne's txId").optional().meta({ description: "PortOne V2: the attempt." }),
    code: z.string().max(64).optional().meta({ description: "PortOne V2: present when the attempt failed." }),
    message: z.string().max(500).optional().meta({ description: "PortOne V2: why it failed." }),
  })
  .superRefine((q, ctx) => {
    if (q.merchant_uid === undefined && q.paymentId === undefined) {
      ctx.addIssue({ code: "custom", path: ["merchant_uid"], message: "is required (PortOne V2 sends it as paymentId)", params: { code: "required" } });
    }
  });

/** The return as one shape, whichever gateway's window sent it; `report` only for the deployment's own gateway. */
function readReturn(q: z.output<typeof ReturnQuery>, gateway: GatewayName) {
  if (q.paymentId !== undefined && q.merchant_uid === undefined) {
    const failed = q.code !== undefined;
    return {
      merchantUid: q.paymentId,
      failed,
      message: q.message,
      report: gateway === "portone-v2" && q.txId ? { txId: q.txId } : undefined,
    };
  }
  return {
    merchantUid: q.merchant_uid!,
    failed: q.imp_success === "false" || (q.error_code !== undefined && !q.imp_uid),
    message: q.error_msg,
    report: gateway === "iamport-v1" && q.imp_uid ? { impUid: q.imp_uid } : undefined,
  };
}

export const returnRoutes = new Hono<AppEnv>().get(
  "/return",
  describe({
    operationId: "mobileReturn",
    summary: "Where a redirection payment window sends the buyer back",
    description:
      "The checkout's `m_redirect_url` (Iamport V1) or `redirect_url` (PortOne V2). A signed-in owner's report is " +
      "recorded like `complete`; then the browser is sent to the payment's page (with `result=failed` and the " +
      "message when the payment failed). A return in the other gateway's words records nothing.",
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
    const r = readReturn(c.req.valid("query"), c.var.config.GATEWAY);
    const target = new URL(`/payments/${r.merchantUid}`, c.req.url);
    if (r.failed) {
      target.searchParams.set("result", "failed");
      if (r.message) target.searchParams.set("message", r.message);
    }
    if (r.report) {
      const user = c.var.user;
      // Signed out, this is an anonymous request that can make pocketpay call the gateway: limited per address.
      if (user) {
        await enforceLimits([[c.env.PAYMENT_USER_LIMITER, `complete:${user.id}`], ...addressLimit(c.env.CLIENT_IP_LIMITER, "complete", c.req.raw)]);
      } else {
        await enforceLimits(addressLimit(c.env.CLIENT_IP_LIMITER, "return", c.req.raw));
      }
      await reportReturn(deps(c), { userId: user?.id ?? null, merchantUid: r.merchantUid, ...r.report });
    }
    return c.redirect(target.pathname + target.search, 303);
  },
);
