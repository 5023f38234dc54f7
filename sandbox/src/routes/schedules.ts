import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowMs } from "../clock";
import { getCustomerRow } from "../db/customers";
import { paidMerchantUids } from "../db/payments";
import {
  existingSchedules,
  getSchedule,
  insertSchedules,
  pageSchedules,
  revokeSchedules,
  type NewSchedule,
  type ScheduleRow,
  type ScheduleStatus,
} from "../db/schedules";
import { envelopeError, IamportError, MSG, ok } from "../envelope";
import { BuyerFields, CustomData, optAmount } from "../fields";
import { int, num, optStr, parse, readBody, reqStr } from "../input";
import { logInfo } from "../log";
import { pageOf, readPage, sliceOf } from "../paging";
import { issueKey } from "../services/billing-keys";
import { DECLINE_REASON } from "../payment";
import { publicSchedule } from "../services/schedules";

/** Iamport's own scheduler (schema tag subscribe: schedule, unschedule, the schedule lookups). */
export const schedules = new Hono<AppEnv>();

const STATUSES = ["scheduled", "executed", "revoked"] as const;
// "최대 3개월 단위로 조회": the longest three calendar months.
const THREE_MONTHS = 92 * 86_400;

const ScheduleItem = z.object({
  merchant_uid: reqStr(40),
  schedule_at: int,
  amount: num.pipe(z.number().positive()),
  currency: optStr(3),
  name: reqStr(40),
  ...BuyerFields,
  custom_data: CustomData,
  notice_url: optStr(2000),
  promotion_id: optStr(100),
  tax_free: optAmount(),
  vat_amount: optAmount(),
  card_quota: optAmount(),
});

const ScheduleBody = z.object({
  customer_uid: reqStr(80),
  customer_id: optStr(100),
  checking_amount: z.preprocess((v) => (v === "" || v === null ? undefined : v), int.pipe(z.number().min(0)).optional()),
  card_number: optStr(30),
  expiry: optStr(10),
  birth: optStr(10),
  pwd_2digit: optStr(2),
  cvc: optStr(4),
  schedules: z.array(ScheduleItem).min(1).max(100),
});

const refuse = (c: Context, code: number, message: string, detail: Record<string, unknown>) => {
  logInfo("schedule_refused", detail);
  return envelopeError(c, 200, code, message);
};

// POST /subscribe/payments/schedule (schema: schedule). An unknown customer_uid without card data is refused first
// (code 1 `등록된 고객정보가 없습니다.`, iamport-rest-client-python PR #45); with card data a key is issued first.
schedules.post("/subscribe/payments/schedule", async (c) => {
  const body = await readBody(c);
  const { customer_uid } = parse(z.object({ customer_uid: reqStr(80) }), body);
  const db = c.env.SANDBOX_DB;
  let key = await getCustomerRow(db, customer_uid);
  if (!key && (body.card_number === undefined || body.card_number === "")) {
    return refuse(c, 1, MSG.noCustomerForSchedule, { customer_uid, reason: "no billing key and no card data" });
  }
  const b = parse(ScheduleBody, body);
  const now = await nowMs(c);
  const nowS = Math.floor(now / 1000);
  const uids = b.schedules.map((s) => s.merchant_uid);

  // A time that has passed is refused, as PUT /subscribe/payments/schedule/{merchant_uid} documents (400).
  const past = b.schedules.find((s) => s.schedule_at <= nowS);
  if (past) {
    logInfo("bad_request", { field: "schedule_at", detail: `${past.schedule_at} is not after now (${nowS})` });
    throw new IamportError(400, -1, "결제예약 시각은 현재 시각 이후여야 합니다.");
  }
  const taken = [...new Set([...uids.filter((u, i) => uids.indexOf(u) !== i), ...(await existingSchedules(db, uids))])];
  if (taken.length) return refuse(c, 1, "이미 결제예약된 merchant_uid입니다.", { merchant_uid: taken });
  const paid = await paidMerchantUids(db, uids);
  if (paid.length) return refuse(c, 1, MSG.alreadyPaid, { merchant_uid: paid });

  if (!key) {
    if (!b.card_number || !b.expiry) throw new IamportError(400, -1, "expiry 파라메터가 누락되었습니다.");
    const issued = await issueKey(db, now, customer_uid, { card_number: b.card_number, expiry: b.expiry, customer_id: b.customer_id });
    if (!issued.ok) return envelopeError(c, 200, -1, issued.message);
    key = (await getCustomerRow(db, customer_uid))!;
  }
  // checking_amount: a test approval cancelled at once. Only its refusal leaves a trace.
  if ((b.checking_amount ?? 0) > 0 && key.declines) {
    return refuse(c, -1, DECLINE_REASON, { customer_uid, reason: "checking_amount declined" });
  }

  const customer = key.customer;
  const rows: NewSchedule[] = b.schedules.map((s) => ({
    merchant_uid: s.merchant_uid,
    customer_uid,
    schedule_at: s.schedule_at,
    order: {
      amount: s.amount,
      currency: s.currency ?? "KRW",
      name: s.name,
      // Missing buyer_* are replaced by the key's customer_* (schema description of this route).
      buyer_name: s.buyer_name ?? customer.customer_name,
      buyer_email: s.buyer_email ?? customer.customer_email,
      buyer_tel: s.buyer_tel ?? customer.customer_tel,
      buyer_addr: s.buyer_addr ?? customer.customer_addr,
      buyer_postcode: s.buyer_postcode ?? customer.customer_postcode,
      custom_data: s.custom_data ?? null,
      notice_url: s.notice_url ?? null,
      promotion_id: s.promotion_id ?? null,
      customer_id: b.customer_id ?? customer.customer_id,
      pg_provider: customer.pg_provider,
      pg_id: customer.pg_id,
    },
  }));
  if (!(await insertSchedules(db, rows, nowS))) {
    return refuse(c, 1, "이미 결제예약된 merchant_uid입니다.", { merchant_uid: uids, reason: "lost a race" });
  }
  return ok(c, rows.map((r) => publicSchedule(fresh(r))));
});

const fresh = (r: NewSchedule): ScheduleRow => ({
  merchant_uid: r.merchant_uid,
  customer_uid: r.customer_uid,
  schedule_at: r.schedule_at,
  schedule_status: "scheduled",
  executed_at: 0,
  revoked_at: 0,
  imp_uid: null,
  payment_status: null,
  fail_reason: null,
  data: JSON.stringify(r.order),
});

const UnscheduleBody = z.object({
  customer_uid: optStr(80),
  // An array in the schema; a single string is accepted too, as the official clients send either.
  merchant_uid: z.preprocess(
    (v) => (v === "" || v === null ? undefined : typeof v === "string" ? [v] : v),
    z.array(reqStr(40)).min(1).max(100).optional(),
  ),
});

// POST /subscribe/payments/unschedule (schema: unschedule): without merchant_uid, all of the customer's schedules;
// without customer_uid, the listed ones. Only schedules not yet run are revoked; none → code 1
// `취소할 예약결제 기록이 존재하지 않습니다.` (iamport-rest-client-python tests/test_pay_unschedule.py).
schedules.post("/subscribe/payments/unschedule", async (c) => {
  const b = parse(UnscheduleBody, await readBody(c));
  if (b.customer_uid === undefined && b.merchant_uid === undefined) {
    throw new IamportError(400, -1, "customer_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.");
  }
  const revoked = await revokeSchedules(
    c.env.SANDBOX_DB,
    { customerUid: b.customer_uid, merchantUids: b.merchant_uid },
    Math.floor((await nowMs(c)) / 1000),
  );
  if (revoked.length === 0) {
    return refuse(c, 1, MSG.nothingToUnschedule, { customer_uid: b.customer_uid, merchant_uid: b.merchant_uid });
  }
  return ok(c, revoked.map(publicSchedule));
});

function readWindow(from: number, to: number) {
  if (from >= to || to - from > THREE_MONTHS) {
    logInfo("bad_request", { field: "from/to", detail: `window ${from}..${to} is empty or over 3 months` });
    throw new IamportError(400, -1, "검색기간은 최대 3개월까지 지정할 수 있습니다.");
  }
  return { from, to };
}

// GET /subscribe/customers/{customer_uid}/schedules and its twin /subscribe/payments/schedule/customers/{customer_uid}
// (schema: findSchedulesByCustomer): from/to required, `schedule-status` (hyphen) filters, newest schedule_at first,
// 20 a page, as a paged list (the official PHP client reads {total, previous, next, list}).
const CustomerListQuery = z.object({ from: int, to: int, "schedule-status": z.enum(STATUSES).optional() });

const listForCustomer = async (c: Context<AppEnv>) => {
  const q = parse(CustomerListQuery, {
    from: c.req.query("from"),
    to: c.req.query("to"),
    "schedule-status": c.req.query("schedule-status") || undefined,
  });
  const window = readWindow(q.from, q.to);
  const page = readPage(c.req.query(), false);
  const filter = { customerUid: c.req.param("customer_uid"), ...window, status: q["schedule-status"] as ScheduleStatus | undefined };
  const { total, list } = await pageSchedules(c.env.SANDBOX_DB, filter, true, sliceOf(page));
  return ok(c, pageOf(page, total, list.map(publicSchedule)));
};

schedules.get("/subscribe/customers/:customer_uid/schedules", listForCustomer);
schedules.get("/subscribe/payments/schedule/customers/:customer_uid", listForCustomer);

// GET /subscribe/payments/schedule?schedule_from&schedule_to&schedule_status&page&limit&sorting (findSchedulesByRange).
const RangeQuery = z.object({ schedule_from: int, schedule_to: int, schedule_status: z.enum(STATUSES).optional() });

schedules.get("/subscribe/payments/schedule", async (c) => {
  const q = parse(RangeQuery, {
    schedule_from: c.req.query("schedule_from"),
    schedule_to: c.req.query("schedule_to"),
    schedule_status: c.req.query("schedule_status") || undefined,
  });
  const window = readWindow(q.schedule_from, q.schedule_to);
  const page = readPage(c.req.query());
  // "scheduled: 예약일자 과거순 (Default: 예약일자 최신순)".
  const newestFirst = c.req.query("sorting") !== "scheduled";
  const { total, list } = await pageSchedules(c.env.SANDBOX_DB, { ...window, status: q.schedule_status }, newestFirst, sliceOf(page));
  return ok(c, pageOf(page, total, list.map(publicSchedule)));
});

// GET /subscribe/payments/schedule/{merchant_uid} (getScheduleByMid): 404 when there is none.
schedules.get("/subscribe/payments/schedule/:merchant_uid", async (c) => {
  const row = await getSchedule(c.env.SANDBOX_DB, c.req.param("merchant_uid"));
  if (!row) throw new IamportError(404, -1, "결제예약 정보가 존재하지 않습니다.");
  return ok(c, publicSchedule(row));
});
