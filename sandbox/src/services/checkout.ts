import type { Background, Env } from "../env";
import { getPrepared } from "../db/prepared";
import { findByMerchant, insertPaymentUnlessPaid, type WebhookFormat } from "../db/payments";
import { newImpUid } from "../ids";
import { callbackFromPayment, newPayment, preFailure, SDK_ERRORS, type CallbackPayload, type NewPayment } from "../payment";
import { sendWebhook } from "../webhooks";

export type WebhookPlan = "once" | "none" | { duplicates: number } | { delay_ms: number };

export interface OrderParams {
  merchantUid: string;
  amount: number;
  currency: string;
  name?: string | null;
  payMethod?: string;
  buyer?: NewPayment["buyer"];
  customData?: string | null;
  userAgent?: string | null;
  channel?: "pc" | "mobile";
}

/** What the buyer does in the payment window. `closed` creates nothing; `ready` leaves an abandoned attempt. */
export type BuyerAction = "paid" | "failed" | "ready" | "closed";

export interface CheckoutRequest extends OrderParams {
  outcome: BuyerAction;
  failReason?: string;
  skipPrepareCheck?: boolean;
  webhook?: WebhookPlan;
  webhookFormat?: WebhookFormat;
}

/**
 * The checks Iamport makes before the PG window opens: a merchant_uid that was already paid is refused (F1002),
 * and a pre-registered amount (and currency, if registered) must match the request (F0001). Null = may proceed.
 */
export async function precheck(
  db: D1Database,
  order: Pick<OrderParams, "merchantUid" | "amount" | "currency">,
  skipPrepareCheck = false,
): Promise<CallbackPayload | null> {
  const existing = await findByMerchant(db, order.merchantUid, undefined);
  if (existing.some((p) => p.status === "paid" || p.status === "cancelled")) {
    return preFailure(order.merchantUid, SDK_ERRORS.alreadyPaid.code, SDK_ERRORS.alreadyPaid.msg);
  }
  if (!skipPrepareCheck) {
    const prepared = await getPrepared(db, order.merchantUid);
    if (
      prepared &&
      (prepared.amount !== order.amount || (prepared.currency !== null && prepared.currency !== order.currency))
    ) {
      return preFailure(order.merchantUid, SDK_ERRORS.amountMismatch.code, SDK_ERRORS.amountMismatch.msg);
    }
  }
  return null;
}

export async function checkout(
  env: Env,
  ctx: Background,
  nowMs: number,
  req: CheckoutRequest,
): Promise<CallbackPayload> {
  if (req.outcome === "closed") {
    // No payment is created, so the same merchant_uid can be paid later.
    return preFailure(req.merchantUid, SDK_ERRORS.userClosed.code, SDK_ERRORS.userClosed.msg);
  }
  const refused = await precheck(env.SANDBOX_DB, req, req.skipPrepareCheck);
  if (refused) return refused;

  const payment = newPayment({
    impUid: newImpUid(),
    merchantUid: req.merchantUid,
    amount: req.amount,
    currency: req.currency,
    status: req.outcome,
    nowMs,
    name: req.name,
    payMethod: req.payMethod,
    channel: req.channel,
    buyer: req.buyer,
    customData: req.customData,
    userAgent: req.userAgent,
    failReason: req.failReason,
  });
  const format = req.webhookFormat ?? "json";
  // The precheck above can race with another approval; the conditional insert is the real guard.
  if (!(await insertPaymentUnlessPaid(env.SANDBOX_DB, payment, format))) {
    return preFailure(req.merchantUid, SDK_ERRORS.alreadyPaid.code, SDK_ERRORS.alreadyPaid.msg);
  }

  // Iamport notifies approvals; ordinary failures and abandoned windows send nothing unless asked.
  const plan = req.webhook ?? (payment.status === "paid" ? "once" : "none");
  if (plan !== "none") {
    await sendWebhook(
      env,
      ctx,
      { imp_uid: payment.imp_uid, merchant_uid: payment.merchant_uid, status: payment.status },
      {
        format,
        nowMs,
        times: typeof plan === "object" && "duplicates" in plan ? plan.duplicates : 1,
        delayMs: typeof plan === "object" && "delay_ms" in plan ? plan.delay_ms : 0,
      },
    );
  }

  if (payment.status === "paid") return callbackFromPayment(payment);
  if (payment.status === "failed") {
    return callbackFromPayment(payment, { code: SDK_ERRORS.declined.code, msg: payment.fail_reason ?? "카드 거절" });
  }
  return callbackFromPayment(payment, SDK_ERRORS.userClosed);
}
