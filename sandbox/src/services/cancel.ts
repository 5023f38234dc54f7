import type { Background, Env } from "../env";
import { MSG } from "../envelope";
import { casUpdatePayment, findByMerchant, getPayment, getWebhookFormat } from "../db/payments";
import { newCancellationId } from "../ids";
import { receiptUrl, type Payment } from "../payment";
import { sendWebhook } from "../webhooks";

export interface CancelRequest {
  imp_uid?: string;
  merchant_uid?: string;
  amount?: number;
  checksum?: number;
  reason?: string;
  webhook: boolean;
  /**
   * A paid virtual account is refunded to a bank account the caller names (refund_holder, refund_bank,
   * refund_account); an API cancel without one is refused. The console asks for it on its own form.
   */
  refundAccount?: { holder?: string; bank?: string; account?: string } | "not_required";
}

/** Refusals come back as HTTP 200 + code 1, like the real API; only missing ids are a 400. */
export type CancelResult =
  | { ok: true; payment: Payment; cancellationId: string }
  | { ok: false; httpStatus: 200 | 400; code: number; message: string };

const refuse = (message: string, httpStatus: 200 | 400 = 200): CancelResult => ({ ok: false, httpStatus, code: 1, message });

async function locate(db: D1Database, req: CancelRequest): Promise<Payment | null> {
  // imp_uid takes precedence: an unknown imp_uid fails even if merchant_uid would match.
  if (req.imp_uid) return getPayment(db, req.imp_uid);
  if (!req.merchant_uid) return null;
  const all = await findByMerchant(db, req.merchant_uid, undefined);
  return all.find((p) => p.status === "paid") ?? all.find((p) => p.status === "cancelled") ?? all[0] ?? null;
}

// Rounds away binary-float dust for non-KRW (decimal) currencies; KRW amounts are integers anyway.
const money = (n: number): number => Math.round(n * 100) / 100;

export async function cancelPayment(
  env: Env,
  ctx: Background,
  nowMs: number,
  req: CancelRequest,
): Promise<CancelResult> {
  if (!req.imp_uid && !req.merchant_uid) return refuse(MSG.cancelNoUid, 400);
  const now = Math.floor(nowMs / 1000);
  // Retry the compare-and-set a few times: a concurrent cancel may have moved the balance, and every
  // check below must be re-made against the new balance (so the loser usually gets a refusal).
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await locate(env.SANDBOX_DB, req);
    if (!current) return refuse(MSG.cancelNotFound);
    if (current.status === "cancelled") return refuse(MSG.alreadyCancelled);
    if (current.status !== "paid") return refuse(MSG.notPaid);
    const refundTo = req.refundAccount;
    if (current.pay_method === "vbank" && refundTo !== "not_required" && !(refundTo?.holder && refundTo.bank && refundTo.account)) {
      return refuse(MSG.vbankRefundAccount);
    }

    const balance = money(current.amount - current.cancel_amount);
    if (req.checksum !== undefined && money(req.checksum) !== balance) return refuse(MSG.checksumMismatch);
    const amount = req.amount === undefined || req.amount === 0 ? balance : money(req.amount);
    if (amount > balance) return refuse(MSG.overBalance);

    const cancellationId = newCancellationId();
    const cancelAmount = money(current.cancel_amount + amount);
    const full = cancelAmount >= current.amount;
    const pgTid = current.pg_tid ?? "";
    const next: Payment = {
      ...current,
      // A partial cancel keeps `paid`; only the full balance makes it `cancelled`.
      status: full ? "cancelled" : "paid",
      cancel_amount: cancelAmount,
      cancelled_at: now,
      cancel_reason: req.reason ?? null,
      cancel_history: [
        ...current.cancel_history,
        {
          pg_tid: pgTid,
          amount,
          cancelled_at: now,
          reason: req.reason ?? null,
          cancellation_id: cancellationId,
          receipt_url: `${receiptUrl(pgTid)}&cancellation_id=${cancellationId}`,
        },
      ],
      cancel_receipt_urls: [...current.cancel_receipt_urls, receiptUrl(pgTid)],
    };
    const written = await casUpdatePayment(
      env.SANDBOX_DB,
      next,
      { status: current.status, cancel_amount: current.cancel_amount },
      now,
    );
    if (!written) continue;
    if (req.webhook) {
      await sendWebhook(
        env,
        ctx,
        { imp_uid: next.imp_uid, merchant_uid: next.merchant_uid, status: "cancelled", cancellation_id: cancellationId },
        { format: await getWebhookFormat(env.SANDBOX_DB, next.imp_uid), nowMs },
      );
    }
    return { ok: true, payment: next, cancellationId };
  }
  return refuse("결제취소에 실패하였습니다.(동시에 처리 중인 취소 요청이 있습니다)");
}
