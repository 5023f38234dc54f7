import type { Background, Env } from "../env";
import { getPrepared } from "../db/prepared";
import { findByMerchant, insertPaymentUnlessPaid, type WebhookFormat } from "../db/payments";
import { newImpUid } from "../ids";
import {
  callbackFromPayment,
  newPayment,
  preFailure,
  SDK_ERRORS,
  type CallbackPayload,
  type NewPayment,
  type VbankAccount,
} from "../payment";
import { openAccount } from "../vbank";
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
  /** `vbank_due` from request_pay (vbank only). */
  vbankDue?: string | number | null;
}

/**
 * What the buyer does in the payment window. `closed` creates nothing; `ready` leaves an abandoned attempt, or, for
 * `pay_method: "vbank"`, issues the virtual account (the payment stays `ready` until the deposit).
 */
export type BuyerAction = "paid" | "failed" | "ready" | "closed";

export interface CheckoutRequest extends OrderParams {
  outcome: BuyerAction;
  /** vbank: the bank the buyer chose (금융결제원 code). */
  bankCode?: string | null;
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

  let account: VbankAccount | undefined;
  if (req.payMethod === "vbank") {
    // A virtual account is never paid in the window: the deposit comes later (__control/vbank/deposit).
    if (req.outcome === "paid") return badParams(req.merchantUid, "outcome");
    if (req.outcome === "ready") {
      const opened = openAccount(nowMs, req.bankCode, req.vbankDue);
      if (!opened.ok) return badParams(req.merchantUid, opened.reason);
      account = opened.account;
    }
  }

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
    vbank: account,
  });
  const format = req.webhookFormat ?? "json";
  // The precheck above can race with another approval; the conditional insert is the real guard.
  if (!(await insertPaymentUnlessPaid(env.SANDBOX_DB, payment, format))) {
    return preFailure(req.merchantUid, SDK_ERRORS.alreadyPaid.code, SDK_ERRORS.alreadyPaid.msg);
  }

  // Iamport notifies approvals and issued accounts; ordinary failures and abandoned windows send nothing unless asked.
  const plan = req.webhook ?? (payment.status === "paid" || account ? "once" : "none");
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

  // An issued account is a success for the callback ("결제 승인 또는 가상계좌 발급에 성공한 경우").
  if (payment.status === "paid" || account) return callbackFromPayment(payment);
  if (payment.status === "failed") {
    return callbackFromPayment(payment, { code: SDK_ERRORS.declined.code, msg: payment.fail_reason ?? "카드 거절" });
  }
  return callbackFromPayment(payment, SDK_ERRORS.userClosed);
}

const badParams = (merchantUid: string, field: string) =>
  preFailure(merchantUid, SDK_ERRORS.badParams.code, `${SDK_ERRORS.badParams.msg} (${field})`);
