import type { Background, Env } from "../env";
import { casUpdatePayment, getPayment, getWebhookFormat, markDeposited } from "../db/payments";
import { IamportError, MSG } from "../envelope";
import { receiptUrl, type Payment } from "../payment";
import { sendWebhook } from "../webhooks";

/** The issued, not yet paid virtual account with this imp_uid, or the reason there is none. */
async function openAccountPayment(db: D1Database, impUid: string): Promise<Payment> {
  const p = await getPayment(db, impUid);
  if (!p) throw new IamportError(404, -1, MSG.paymentNotFound);
  if (p.pay_method !== "vbank" || p.vbank_num === null) throw new IamportError(400, -1, "가상계좌 결제건이 아닙니다.");
  if (p.status !== "ready") throw new IamportError(409, 1, "입금대기(ready) 상태가 아닌 가상계좌입니다.");
  return p;
}

/**
 * The buyer deposits into the account: the payment becomes `paid` and Iamport notifies `paid`. A bank takes only the
 * exact amount and only until the deadline (vbank_date), as the sandbox's clock reads it.
 */
export async function deposit(
  env: Env,
  ctx: Background,
  nowMs: number,
  req: { imp_uid: string; amount?: number; webhook: boolean },
): Promise<Payment> {
  const p = await openAccountPayment(env.SANDBOX_DB, req.imp_uid);
  const now = Math.floor(nowMs / 1000);
  if (now > p.vbank_date) throw new IamportError(409, 1, "입금기한이 지난 가상계좌입니다.");
  if (req.amount !== undefined && req.amount !== p.amount) {
    throw new IamportError(400, 1, "입금 금액이 가상계좌 발급 금액과 다릅니다.");
  }
  const next: Payment = { ...p, status: "paid", paid_at: now, receipt_url: p.pg_tid ? receiptUrl(p.pg_tid) : null };
  if (!(await markDeposited(env.SANDBOX_DB, next))) {
    const current = await getPayment(env.SANDBOX_DB, p.imp_uid);
    if (current?.status !== "ready") throw new IamportError(409, 1, "입금대기(ready) 상태가 아닌 가상계좌입니다.");
    throw new IamportError(409, 1, MSG.alreadyPaid);
  }
  if (req.webhook) {
    await sendWebhook(
      env,
      ctx,
      { imp_uid: next.imp_uid, merchant_uid: next.merchant_uid, status: "paid" },
      { format: await getWebhookFormat(env.SANDBOX_DB, next.imp_uid), nowMs },
    );
  }
  return next;
}

/**
 * The deadline passes without a deposit: vbank_date moves to now, later deposits are refused, and the payment stays
 * `ready`; Iamport sends no webhook for it (none is listed for expiry).
 */
export async function expire(env: Env, nowMs: number, impUid: string): Promise<Payment> {
  const p = await openAccountPayment(env.SANDBOX_DB, impUid);
  const now = Math.floor(nowMs / 1000);
  if (p.vbank_date < now) return p;
  const next: Payment = { ...p, vbank_date: now - 1 };
  if (!(await casUpdatePayment(env.SANDBOX_DB, next, { status: "ready", cancel_amount: 0 }, now))) {
    throw new IamportError(409, 1, "입금대기(ready) 상태가 아닌 가상계좌입니다.");
  }
  return next;
}
