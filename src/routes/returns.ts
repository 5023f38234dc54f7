import { Hono } from "hono";
import * as z from "zod";
import { AppError } from "../domain/errors";
import { MERCHANT_UID_PATTERN } from "../domain/merchant-uid";
import { queryWith } from "../lib/validate";
import { completePayment } from "../services/complete-payment";
import { enqueueValidation } from "../services/enqueue";
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

export const returnRoutes = new Hono<AppEnv>().get("/return", async (c) => {
  const q = queryWith(c, ReturnQuery);
  const target = new URL(`/payments/${q.merchant_uid}`, c.req.url);
  if (q.imp_success === "false" || (q.error_code && !q.imp_uid)) {
    target.searchParams.set("result", "failed");
    if (q.error_msg) target.searchParams.set("message", q.error_msg);
  }
  if (q.imp_uid) {
    const user = c.var.user;
    if (user) {
      try {
        await completePayment(deps(c), { userId: user.id, merchantUid: q.merchant_uid, impUid: q.imp_uid, source: "browser" });
      } catch (e) {
        // The page shows the payment as it stands; a conflicting or foreign report simply changes nothing.
        if (!(e instanceof AppError) || e.status >= 500) throw e;
      }
    } else {
      // Signed out (another browser, an expired session): the report cannot be recorded as the owner's, but it
      // can still make us ask Iamport sooner.
      await enqueueValidation(deps(c), { merchant_uid: q.merchant_uid, source: "browser" });
    }
  }
  return c.redirect(target.pathname + target.search, 303);
});
