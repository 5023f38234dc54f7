import type { Payment, PaymentStatus } from "../payment";

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
         (imp_uid, merchant_uid, status, amount, cancel_amount, started_at, paid_at, updated_at, customer_uid, webhook_format, data)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9, ?10
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

export async function listByCustomer(db: D1Database, customerUid: string): Promise<Payment[]> {
  const { results } = await db
    .prepare("SELECT data, webhook_format FROM sandbox_payments WHERE customer_uid = ? ORDER BY started_at DESC, seq DESC")
    .bind(customerUid)
    .all<Row>();
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
      `UPDATE sandbox_payments SET status = ?, cancel_amount = ?, paid_at = ?, updated_at = ?, data = ?
       WHERE imp_uid = ? AND status = ? AND cancel_amount = ?`,
    )
    .bind(
      next.status,
      next.cancel_amount,
      next.paid_at,
      updatedAt,
      JSON.stringify(next),
      next.imp_uid,
      expected.status,
      expected.cancel_amount,
    )
    .run();
  return res.meta.changes === 1;
}
