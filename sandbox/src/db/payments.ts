import { statusAt, type Payment, type PaymentStatus } from "../payment";

export type WebhookFormat = "json" | "form";

interface Row {
  data: string;
  webhook_format: WebhookFormat;
}

const parseRow = (r: Row): Payment => JSON.parse(r.data) as Payment;

/**
 * Inserts a payment unless the merchant_uid already has a paid (or since-cancelled) one, in one statement, so two
 * racing approvals of the same order cannot both succeed (the second gets F1002). Returns false when refused.
 */
export async function insertPaymentUnlessPaid(db: D1Database, p: Payment, format: WebhookFormat): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO sandbox_payments
         (imp_uid, merchant_uid, status, amount, cancel_amount, started_at, paid_at, updated_at, customer_uid, webhook_format, data, status_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9, ?10, ?11
       WHERE NOT EXISTS (
         SELECT 1 FROM sandbox_payments WHERE merchant_uid = ?2 AND status IN ('paid', 'cancelled'))`,
    )
    .bind(
      p.imp_uid,
      p.merchant_uid,
      p.status,
      p.amount,
      p.cancel_amount,
      p.started_at,
      p.paid_at,
      p.customer_uid,
      format,
      JSON.stringify(p),
      statusAt(p),
    )
    .run();
  return res.meta.changes === 1;
}

export async function getPayment(db: D1Database, impUid: string): Promise<Payment | null> {
  const row = await db.prepare("SELECT data, webhook_format FROM sandbox_payments WHERE imp_uid = ?").bind(impUid).first<Row>();
  return row ? parseRow(row) : null;
}

export async function getWebhookFormat(db: D1Database, impUid: string): Promise<WebhookFormat> {
  const row = await db.prepare("SELECT webhook_format FROM sandbox_payments WHERE imp_uid = ?").bind(impUid).first<Row>();
  return row?.webhook_format ?? "json";
}

const SORTS: Record<string, string> = {
  "-started": "started_at DESC, seq DESC",
  started: "started_at ASC, seq ASC",
  "-paid": "paid_at DESC, seq DESC",
  paid: "paid_at ASC, seq ASC",
  "-updated": "updated_at DESC, seq DESC",
  updated: "updated_at ASC, seq ASC",
};
export const SORTINGS = Object.keys(SORTS) as [string, ...string[]];

export async function findByMerchant(
  db: D1Database,
  merchantUid: string,
  status: PaymentStatus | undefined,
  sorting = "-started",
): Promise<Payment[]> {
  const order = SORTS[sorting] ?? SORTS["-started"];
  const sql = status
    ? `SELECT data, webhook_format FROM sandbox_payments WHERE merchant_uid = ? AND status = ? ORDER BY ${order}`
    : `SELECT data, webhook_format FROM sandbox_payments WHERE merchant_uid = ? ORDER BY ${order}`;
  const stmt = status ? db.prepare(sql).bind(merchantUid, status) : db.prepare(sql).bind(merchantUid);
  const { results } = await stmt.all<Row>();
  return results.map(parseRow);
}

/**
 * Compare-and-set: writes `next` only if the stored row still has the status and cancel_amount the caller read.
 * D1 has no interactive transactions; this is what keeps concurrent cancels from over-refunding.
 */
export async function casUpdatePayment(
  db: D1Database,
  next: Payment,
  expected: { status: PaymentStatus; cancel_amount: number },
  updatedAt: number,
): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE sandbox_payments SET status = ?, cancel_amount = ?, paid_at = ?, updated_at = ?, data = ?, status_at = ?
       WHERE imp_uid = ? AND status = ? AND cancel_amount = ?`,
    )
    .bind(
      next.status,
      next.cancel_amount,
      next.paid_at,
      updatedAt,
      JSON.stringify(next),
      statusAt(next),
      next.imp_uid,
      expected.status,
      expected.cancel_amount,
    )
    .run();
  return res.meta.changes === 1;
}

export interface Slice {
  offset: number;
  limit: number;
}

/** One page of a filtered list and the filter's total, in one round trip. */
async function paged(
  db: D1Database,
  where: string,
  args: unknown[],
  order: string,
  slice: Slice,
): Promise<{ total: number; list: Payment[] }> {
  const [count, rows] = await db.batch<{ n?: number; data?: string }>([
    db.prepare(`SELECT count(*) AS n FROM sandbox_payments WHERE ${where}`).bind(...args),
    db
      .prepare(`SELECT data FROM sandbox_payments WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .bind(...args, slice.limit, slice.offset),
  ]);
  return {
    total: count?.results[0]?.n ?? 0,
    list: (rows?.results ?? []).map((r) => JSON.parse(r.data ?? "null") as Payment),
  };
}

const orderBy = (sorting: string | undefined) => SORTS[sorting ?? "-started"] ?? (SORTS["-started"] as string);

/** GET /payments/findAll/{merchant_uid}/{status}: every attempt for the order. */
export function pageByMerchant(
  db: D1Database,
  merchantUid: string,
  status: PaymentStatus | undefined,
  sorting: string | undefined,
  slice: Slice,
) {
  return status
    ? paged(db, "merchant_uid = ? AND status = ?", [merchantUid, status], orderBy(sorting), slice)
    : paged(db, "merchant_uid = ?", [merchantUid], orderBy(sorting), slice);
}

/** GET /payments/status/{status}: each payment searched by the time of its current status, from <= t <= to. */
export function pageByStatus(
  db: D1Database,
  status: PaymentStatus | "all",
  range: { from: number; to: number },
  sorting: string | undefined,
  slice: Slice,
) {
  return status === "all"
    ? paged(db, "status_at BETWEEN ? AND ?", [range.from, range.to], orderBy(sorting), slice)
    : paged(db, "status = ? AND status_at BETWEEN ? AND ?", [status, range.from, range.to], orderBy(sorting), slice);
}

/** GET /subscribe/customers/{customer_uid}/payments, newest first. */
export function pageByCustomer(db: D1Database, customerUid: string, slice: Slice) {
  return paged(db, "customer_uid = ?", [customerUid], "started_at DESC, seq DESC", slice);
}

/** Which of these orders already have a paid (or since-cancelled) payment. */
export async function paidMerchantUids(db: D1Database, merchantUids: string[]): Promise<string[]> {
  if (merchantUids.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT DISTINCT merchant_uid FROM sandbox_payments
       WHERE status IN ('paid', 'cancelled') AND merchant_uid IN (${merchantUids.map(() => "?").join(",")})`,
    )
    .bind(...merchantUids)
    .all<{ merchant_uid: string }>();
  return results.map((r) => r.merchant_uid);
}

/**
 * A virtual account's deposit: ready → paid, unless another payment of the same order was paid meanwhile (one
 * statement, so a card approval racing the deposit cannot leave the order paid twice).
 */
export async function markDeposited(db: D1Database, next: Payment): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE sandbox_payments SET status = 'paid', paid_at = ?1, updated_at = ?1, status_at = ?1, data = ?2
       WHERE imp_uid = ?3 AND status = 'ready' AND NOT EXISTS (
         SELECT 1 FROM sandbox_payments WHERE merchant_uid = ?4 AND status IN ('paid', 'cancelled'))`,
    )
    .bind(next.paid_at, JSON.stringify(next), next.imp_uid, next.merchant_uid)
    .run();
  return res.meta.changes === 1;
}

export interface KeyUse {
  imp_uid: string;
  merchant_uid: string;
  status: PaymentStatus;
  amount: number;
  customer_uid_usage: Payment["customer_uid_usage"];
}

/**
 * Every payment made with (or issuing) a key, oldest first, whether or not the key still exists: what a test counts
 * to prove a renewal charged once (GET /subscribe/customers/{uid}/payments answers 404 once the key is deleted).
 */
export async function keyUses(db: D1Database, customerUid: string): Promise<KeyUse[]> {
  const { results } = await db
    .prepare(
      `SELECT imp_uid, merchant_uid, status, amount, json_extract(data, '$.customer_uid_usage') AS customer_uid_usage
       FROM sandbox_payments WHERE customer_uid = ? ORDER BY seq`,
    )
    .bind(customerUid)
    .all<KeyUse>();
  return results;
}
