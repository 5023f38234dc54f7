import type { Background, Env } from "../env";
import { getCustomerRow } from "../db/customers";
import { claimSchedule, dueSchedules, recordRun, type ScheduleOrder, type ScheduleRow } from "../db/schedules";
import { MSG } from "../envelope";
import { logInfo } from "../log";
import { chargeCard } from "./charge-key";

/** ScheduleResultAnnotation, keys sorted like every other sandbox answer. */
export function publicSchedule(row: ScheduleRow): Record<string, unknown> {
  const order = JSON.parse(row.data) as ScheduleOrder;
  const view = {
    customer_uid: row.customer_uid,
    merchant_uid: row.merchant_uid,
    // null until executed (schema: "아직 실행 전 예약 상태에 있으면 imp_uid 는 null").
    imp_uid: row.imp_uid,
    pg_provider: order.pg_provider,
    pg_id: order.pg_id,
    customer_id: order.customer_id,
    schedule_at: row.schedule_at,
    executed_at: row.executed_at,
    revoked_at: row.revoked_at,
    amount: order.amount,
    currency: order.currency,
    name: order.name,
    buyer_name: order.buyer_name,
    buyer_email: order.buyer_email,
    buyer_tel: order.buyer_tel,
    buyer_addr: order.buyer_addr,
    buyer_postcode: order.buyer_postcode,
    custom_data: order.custom_data,
    schedule_status: row.schedule_status,
    // A real null before execution, then the payment's own (current) status.
    payment_status: row.current_payment_status ?? row.payment_status,
    fail_reason: row.fail_reason,
    promotion_id: order.promotion_id,
  };
  return Object.fromEntries(Object.entries(view).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export interface RunResult {
  merchant_uid: string;
  imp_uid: string | null;
  payment_status: string;
}

/**
 * Executes the schedules that are due by `asOfSec` (the sandbox's clock, or a later time a test names), as Iamport's
 * scheduler does: claim the schedule, charge the key as of `nowMs`, and send the webhook for `paid` and `failed`
 * alike. Claiming first means a crash mid-run leaves an executed schedule without a payment, never two payments.
 */
export async function runDueSchedules(
  env: Env,
  ctx: Background,
  nowMs: number,
  asOfSec: number,
  only: { customerUid?: string; merchantUids?: string[] } = {},
): Promise<RunResult[]> {
  const now = Math.floor(nowMs / 1000);
  const results: RunResult[] = [];
  for (const s of await dueSchedules(env.SANDBOX_DB, asOfSec, only)) {
    if (!(await claimSchedule(env.SANDBOX_DB, s.merchant_uid, now))) continue;
    const result = await execute(env, ctx, nowMs, s);
    await recordRun(env.SANDBOX_DB, s.merchant_uid, result);
    results.push({ merchant_uid: s.merchant_uid, imp_uid: result.imp_uid, payment_status: result.payment_status });
  }
  return results;
}

async function execute(env: Env, ctx: Background, nowMs: number, s: ScheduleRow) {
  const order = JSON.parse(s.data) as ScheduleOrder;
  const key = await getCustomerRow(env.SANDBOX_DB, s.customer_uid);
  if (!key) {
    // The key was deleted after scheduling (the schema warns to check schedules first): nothing can be charged.
    logInfo("schedule_failed", { merchant_uid: s.merchant_uid, reason: "billing key deleted" });
    return { imp_uid: null, payment_status: "failed", fail_reason: MSG.unknownBuyer };
  }
  const payment = await chargeCard(
    env,
    ctx,
    nowMs,
    { customer: key.customer, declines: key.declines, stored: true },
    {
      merchantUid: s.merchant_uid,
      amount: order.amount,
      currency: order.currency,
      name: order.name,
      // Filled from the key's customer_* when the schedule was stored.
      buyer: {
        buyer_name: order.buyer_name,
        buyer_email: order.buyer_email,
        buyer_tel: order.buyer_tel,
        buyer_addr: order.buyer_addr,
        buyer_postcode: order.buyer_postcode,
      },
      customData: order.custom_data,
      userAgent: null,
    },
    "attempts",
  );
  if (!payment) {
    logInfo("schedule_failed", { merchant_uid: s.merchant_uid, reason: "merchant_uid already paid" });
    return { imp_uid: null, payment_status: "failed", fail_reason: MSG.alreadyPaid };
  }
  return { imp_uid: payment.imp_uid, payment_status: payment.status, fail_reason: payment.fail_reason };
}
