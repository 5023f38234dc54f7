import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowMs } from "../clock";
import { envelopeError, ok } from "../envelope";
import { bool, optNum, optStr, parse, readBody } from "../input";
import { publicPayment } from "../payment";
import { cancelPayment } from "../services/cancel";

export const cancel = new Hono<AppEnv>();

const CancelBody = z.object({
  imp_uid: optStr(32),
  merchant_uid: optStr(40),
  amount: optNum.pipe(z.number().nonnegative().optional()),
  // null/absent skips the check, as documented.
  checksum: optNum.pipe(z.number().nonnegative().optional()),
  reason: optStr(256),
  // Where a paid virtual account is refunded to (required for vbank).
  refund_holder: optStr(16),
  refund_bank: optStr(4),
  refund_account: optStr(16),
  refund_tel: optStr(16),
  // Accepted and ignored: the sandbox has no tax split.
  tax_free: optNum,
  vat_amount: optNum,
  enable_webhook: bool.optional(),
});

cancel.post("/payments/cancel", async (c) => {
  const b = parse(CancelBody, await readBody(c));
  const result = await cancelPayment(c.env, c.executionCtx, await nowMs(c), {
    imp_uid: b.imp_uid,
    merchant_uid: b.merchant_uid,
    amount: b.amount,
    checksum: b.checksum,
    reason: b.reason,
    // API cancels notify only when asked (enable_webhook, added 2026-07).
    webhook: b.enable_webhook ?? false,
    refundAccount: { holder: b.refund_holder, bank: b.refund_bank, account: b.refund_account },
  });
  if (!result.ok) return envelopeError(c, result.httpStatus, result.code, result.message);
  return ok(c, publicPayment(result.payment));
});
