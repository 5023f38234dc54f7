import type { Slice } from "./payments";

export type ScheduleStatus = "scheduled" | "executed" | "revoked";

/** What the shop asked for, kept as given (ScheduleAnnotation) plus the key's PG at scheduling time. */
export interface ScheduleOrder {
  amount: number;
  currency: string;
  name: string;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  custom_data: string | null;
  notice_url: string | null;
  promotion_id: string | null;
  customer_id: string | null;
  pg_provider: string;
  pg_id: string;
}

export interface ScheduleRow {
  merchant_uid: string;
  customer_uid: string;
  schedule_at: number;
  schedule_status: ScheduleStatus;
  executed_at: number;
  revoked_at: number;
  imp_uid: string | null;
  payment_status: string | null;
  fail_reason: string | null;
  data: string;
  /** The executed payment's current status (a refund shows as `cancelled`), from the join. */
  current_payment_status?: string | null;
}

// Every read joins the payment, so payment_status follows it (schema: "cancelled: 예약결제가 결제승인 후 환불됨").
const SELECT = `SELECT s.*, p.status AS current_payment_status
  FROM sandbox_schedules s LEFT JOIN sandbox_payments p ON p.imp_uid = s.imp_uid`;

export interface NewSchedule {
  merchant_uid: string;
  customer_uid: string;
  schedule_at: number;
  order: ScheduleOrder;
}

/**
 * Stores every schedule of one request or none: the batch is one transaction, and a merchant_uid that already has
 * a schedule (even one inserted by a racing request) fails the primary key and rolls the whole batch back.
 */
export async function insertSchedules(db: D1Database, rows: NewSchedule[], now: number): Promise<boolean> {
  try {
    await db.batch(
      rows.map((r) =>
        db
          .prepare(
            `INSERT INTO sandbox_schedules (merchant_uid, customer_uid, schedule_at, data, created_at)
             VALUES (?, ?, ?, ?, ?)`,
          )
          .bind(r.merchant_uid, r.customer_uid, r.schedule_at, JSON.stringify(r.order), now),
      ),
    );
    return true;
  } catch (e) {
    if (e instanceof Error && /UNIQUE|PRIMARY KEY/i.test(e.message)) return false;
    throw e;
  }
}

export async function existingSchedules(db: D1Database, merchantUids: string[]): Promise<string[]> {
  if (merchantUids.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT merchant_uid FROM sandbox_schedules WHERE merchant_uid IN (${merchantUids.map(() => "?").join(",")})`)
    .bind(...merchantUids)
    .all<{ merchant_uid: string }>();
  return results.map((r) => r.merchant_uid);
}

export async function getSchedule(db: D1Database, merchantUid: string): Promise<ScheduleRow | null> {
  return db.prepare(`${SELECT} WHERE s.merchant_uid = ?`).bind(merchantUid).first<ScheduleRow>();
}

export interface ScheduleFilter {
  customerUid?: string;
  /** from <= schedule_at < to, as the schema defines both list routes. */
  from: number;
  to: number;
  status?: ScheduleStatus;
}

export async function pageSchedules(
  db: D1Database,
  f: ScheduleFilter,
  newestFirst: boolean,
  slice: Slice,
): Promise<{ total: number; list: ScheduleRow[] }> {
  const where = ["s.schedule_at >= ?", "s.schedule_at < ?"];
  const args: unknown[] = [f.from, f.to];
  if (f.customerUid !== undefined) {
    where.push("s.customer_uid = ?");
    args.push(f.customerUid);
  }
  if (f.status) {
    where.push("s.schedule_status = ?");
    args.push(f.status);
  }
  const order = newestFirst ? "s.schedule_at DESC, s.merchant_uid" : "s.schedule_at ASC, s.merchant_uid";
  const [count, rows] = await db.batch<ScheduleRow & { n?: number }>([
    db.prepare(`SELECT count(*) AS n FROM sandbox_schedules s WHERE ${where.join(" AND ")}`).bind(...args),
    db.prepare(`${SELECT} WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ? OFFSET ?`).bind(...args, slice.limit, slice.offset),
  ]);
  return { total: count?.results[0]?.n ?? 0, list: rows?.results ?? [] };
}

/**
 * Revokes the still-scheduled ones among the targets in one statement (so a schedule being executed at the same
 * moment is either executed or revoked, never both). Returns the rows it revoked.
 */
export async function revokeSchedules(
  db: D1Database,
  target: { customerUid?: string; merchantUids?: string[] },
  now: number,
): Promise<ScheduleRow[]> {
  const where = ["schedule_status = 'scheduled'"];
  const args: unknown[] = [now];
  if (target.customerUid !== undefined) {
    where.push("customer_uid = ?");
    args.push(target.customerUid);
  }
  if (target.merchantUids !== undefined) {
    where.push(`merchant_uid IN (${target.merchantUids.map(() => "?").join(",")})`);
    args.push(...target.merchantUids);
  }
  const { results } = await db
    .prepare(`UPDATE sandbox_schedules SET schedule_status = 'revoked', revoked_at = ? WHERE ${where.join(" AND ")} RETURNING *`)
    .bind(...args)
    .all<ScheduleRow>();
  return results;
}

/** Scheduled ones due by `asOf`, oldest first; optionally only one customer's or some merchant_uids. */
export async function dueSchedules(
  db: D1Database,
  asOf: number,
  only: { customerUid?: string; merchantUids?: string[] } = {},
): Promise<ScheduleRow[]> {
  const where = ["schedule_status = 'scheduled'", "schedule_at <= ?"];
  const args: unknown[] = [asOf];
  if (only.customerUid !== undefined) {
    where.push("customer_uid = ?");
    args.push(only.customerUid);
  }
  if (only.merchantUids !== undefined) {
    where.push(`merchant_uid IN (${only.merchantUids.map(() => "?").join(",")})`);
    args.push(...only.merchantUids);
  }
  const { results } = await db
    .prepare(`SELECT * FROM sandbox_schedules WHERE ${where.join(" AND ")} ORDER BY schedule_at, merchant_uid LIMIT 500`)
    .bind(...args)
    .all<ScheduleRow>();
  return results;
}

/** Compare-and-set scheduled → executed: of two runs racing for one schedule, exactly one charges it. */
export async function claimSchedule(db: D1Database, merchantUid: string, now: number): Promise<boolean> {
  const res = await db
    .prepare(
      "UPDATE sandbox_schedules SET schedule_status = 'executed', executed_at = ? WHERE merchant_uid = ? AND schedule_status = 'scheduled'",
    )
    .bind(now, merchantUid)
    .run();
  return res.meta.changes === 1;
}

export async function recordRun(
  db: D1Database,
  merchantUid: string,
  result: { imp_uid: string | null; payment_status: string; fail_reason: string | null },
): Promise<void> {
  await db
    .prepare("UPDATE sandbox_schedules SET imp_uid = ?, payment_status = ?, fail_reason = ? WHERE merchant_uid = ?")
    .bind(result.imp_uid, result.payment_status, result.fail_reason, merchantUid)
    .run();
}
