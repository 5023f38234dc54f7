import { TAKEN_STATUSES, type V2BillingKey, type V2Payment, type V2Status } from "./model";

// The V2 sandbox's state. Writes that race (two charges for one paymentId, two cancels) are single conditional
// statements, so D1's lack of transactions never lets both win.

interface PaymentRow {
  payment_id: string;
  status: V2Status;
  version: number;
  notice_url: string | null;
  data: string;
}

export interface StoredPayment {
  payment: V2Payment;
  version: number;
  /** Where this payment's webhooks go, when its request named noticeUrls. */
  noticeUrl: string | null;
}

export async function getV2Payment(db: D1Database, paymentId: string): Promise<StoredPayment | null> {
  const row = await db
    .prepare("SELECT payment_id, status, version, notice_url, data FROM portone_payments WHERE payment_id = ?")
    .bind(paymentId)
    .first<PaymentRow>();
  return row ? { payment: JSON.parse(row.data) as V2Payment, version: row.version, noticeUrl: row.notice_url } : null;
}

const TAKEN_SQL = TAKEN_STATUSES.map((s) => `'${s}'`).join(", ");
const ms = (isoTime: string) => Date.parse(isoTime);

/**
 * Stores a new attempt at a paymentId, unless the paymentId is already taken (paid, partly or fully cancelled, or an
 * account issued): then nothing changes and the answer is false (ALREADY_PAID). One statement, so two concurrent
 * attempts at one paymentId can never both be stored as paid.
 */
export async function storeAttempt(db: D1Database, p: V2Payment, noticeUrl: string | null = null): Promise<boolean> {
  const row = await db
    .prepare(
      `INSERT INTO portone_payments
         (payment_id, store_id, transaction_id, status, total, cancelled, billing_key, notice_url, requested_at, status_changed_at, version, data)
       VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?10, ?7, ?8, 1, ?9)
       ON CONFLICT (payment_id) DO UPDATE SET
         store_id = excluded.store_id, transaction_id = excluded.transaction_id, status = excluded.status,
         total = excluded.total, cancelled = 0, billing_key = excluded.billing_key, notice_url = excluded.notice_url, requested_at = excluded.requested_at,
         status_changed_at = excluded.status_changed_at, version = portone_payments.version + 1, data = excluded.data
       WHERE portone_payments.status NOT IN (${TAKEN_SQL})
       RETURNING payment_id`,
    )
    .bind(p.id, p.storeId, p.transactionId, p.status, p.amount.total, p.billingKey ?? null, ms(p.requestedAt), ms(p.statusChangedAt), JSON.stringify(p), noticeUrl)
    .first<{ payment_id: string }>();
  return row !== null;
}

/** Compare-and-set on the version read: false when another write came first (read again and retry). */
export async function updatePayment(db: D1Database, p: V2Payment, expectedVersion: number): Promise<boolean> {
  const row = await db
    .prepare(
      `UPDATE portone_payments SET status = ?1, cancelled = ?2, status_changed_at = ?3, data = ?4, version = version + 1
       WHERE payment_id = ?5 AND version = ?6 RETURNING payment_id`,
    )
    .bind(p.status, p.amount.cancelled, ms(p.statusChangedAt), JSON.stringify(p), p.id, expectedVersion)
    .first<{ payment_id: string }>();
  return row !== null;
}

export interface PaymentQuery {
  /** Inclusive, ms. */
  fromMs: number;
  /** Exclusive, ms. */
  untilMs: number;
  timestampType: "CREATED_AT" | "STATUS_CHANGED_AT";
  statuses: V2Status[] | null;
  offset: number;
  limit: number;
}

export async function listV2Payments(db: D1Database, q: PaymentQuery): Promise<{ items: V2Payment[]; total: number }> {
  const column = q.timestampType === "STATUS_CHANGED_AT" ? "status_changed_at" : "requested_at";
  const statuses = q.statuses ?? [];
  const statusSql = statuses.length ? ` AND status IN (${statuses.map(() => "?").join(", ")})` : "";
  const where = `WHERE ${column} >= ? AND ${column} < ?${statusSql}`;
  const args = [q.fromMs, q.untilMs, ...statuses];
  const [count, page] = await db.batch([
    db.prepare(`SELECT count(*) AS n FROM portone_payments ${where}`).bind(...args),
    db.prepare(`SELECT data FROM portone_payments ${where} ORDER BY ${column} DESC, payment_id LIMIT ? OFFSET ?`).bind(...args, q.limit, q.offset),
  ]);
  const total = (count!.results[0] as { n: number } | undefined)?.n ?? 0;
  return { items: (page!.results as Array<{ data: string }>).map((r) => JSON.parse(r.data) as V2Payment), total };
}

export interface PreRegistration {
  payment_id: string;
  total_amount: number | null;
  tax_free_amount: number | null;
  currency: string | null;
}

export async function preRegister(db: D1Database, r: PreRegistration, nowMs: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO portone_pre_registrations (payment_id, total_amount, tax_free_amount, currency, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (payment_id) DO UPDATE SET total_amount = ?2, tax_free_amount = ?3, currency = ?4, created_at = ?5`,
    )
    .bind(r.payment_id, r.total_amount, r.tax_free_amount, r.currency, nowMs)
    .run();
}

export async function getPreRegistration(db: D1Database, paymentId: string): Promise<PreRegistration | null> {
  return db
    .prepare("SELECT payment_id, total_amount, tax_free_amount, currency FROM portone_pre_registrations WHERE payment_id = ?")
    .bind(paymentId)
    .first<PreRegistration>();
}

export interface StoredBillingKey {
  info: V2BillingKey;
  status: "ISSUED" | "DELETED";
  declines: boolean;
  /** "none": charges with this key send no webhook (set by the control route that issues it, for tests). */
  chargeWebhooks: "once" | "none";
  deletedAtMs: number | null;
}

export async function insertBillingKey(db: D1Database, info: V2BillingKey, declines: boolean, nowMs: number, chargeWebhooks: "once" | "none" = "once"): Promise<void> {
  await db
    .prepare("INSERT INTO portone_billing_keys (billing_key, status, declines, issued_at, data, charge_webhooks) VALUES (?, 'ISSUED', ?, ?, ?, ?)")
    .bind(info.billingKey, declines ? 1 : 0, nowMs, JSON.stringify(info), chargeWebhooks)
    .run();
}

/** GET /billing-keys: keys issued from `fromMs` to `untilMs`, newest first, optionally one customer's and in some statuses. */
export async function listBillingKeys(
  db: D1Database,
  q: { fromMs: number; untilMs: number; customerId: string | null; statuses: readonly string[] | null; offset: number; limit: number },
): Promise<{ keys: StoredBillingKey[]; total: number }> {
  const where = ["issued_at >= ?", "issued_at <= ?"];
  const args: unknown[] = [q.fromMs, q.untilMs];
  if (q.customerId !== null) {
    where.push("json_extract(data, '$.customer.id') = ?");
    args.push(q.customerId);
  }
  if (q.statuses !== null) {
    where.push(`status IN (${q.statuses.map(() => "?").join(", ") || "NULL"})`);
    args.push(...q.statuses);
  }
  const clause = where.join(" AND ");
  const [page, count] = await db.batch([
    db.prepare(`SELECT billing_key FROM portone_billing_keys WHERE ${clause} ORDER BY issued_at DESC, billing_key LIMIT ? OFFSET ?`).bind(...args, q.limit, q.offset),
    db.prepare(`SELECT count(*) AS n FROM portone_billing_keys WHERE ${clause}`).bind(...args),
  ]);
  const keys: StoredBillingKey[] = [];
  for (const row of (page!.results as Array<{ billing_key: string }>)) {
    const key = await getBillingKey(db, row.billing_key);
    if (key) keys.push(key);
  }
  return { keys, total: (count!.results[0] as { n: number }).n };
}

/** The card behind a key starts or stops declining every charge; false when there is no such key. */
export async function setKeyDeclines(db: D1Database, billingKey: string, declines: boolean): Promise<boolean> {
  const row = await db.prepare("UPDATE portone_billing_keys SET declines = ? WHERE billing_key = ? RETURNING billing_key").bind(declines ? 1 : 0, billingKey).first();
  return row !== null;
}

export async function getBillingKey(db: D1Database, billingKey: string): Promise<StoredBillingKey | null> {
  const row = await db
    .prepare("SELECT status, declines, deleted_at, data, charge_webhooks FROM portone_billing_keys WHERE billing_key = ?")
    .bind(billingKey)
    .first<{ status: "ISSUED" | "DELETED"; declines: number; deleted_at: number | null; data: string; charge_webhooks: string }>();
  if (!row) return null;
  return {
    info: JSON.parse(row.data) as V2BillingKey,
    status: row.status,
    declines: row.declines === 1,
    chargeWebhooks: row.charge_webhooks === "none" ? "none" : "once",
    deletedAtMs: row.deleted_at,
  };
}

/** ISSUED -> DELETED once; false when it was already deleted (or never existed). */
export async function deleteBillingKey(db: D1Database, billingKey: string, nowMs: number): Promise<boolean> {
  const row = await db
    .prepare("UPDATE portone_billing_keys SET status = 'DELETED', deleted_at = ? WHERE billing_key = ? AND status = 'ISSUED' RETURNING billing_key")
    .bind(nowMs, billingKey)
    .first<{ billing_key: string }>();
  return row !== null;
}

/** Every payment made with a key (charges and declines), for the control route, even after the key was deleted. */
export async function paymentsWithKey(db: D1Database, billingKey: string): Promise<V2Payment[]> {
  const { results } = await db
    .prepare("SELECT data FROM portone_payments WHERE billing_key = ? ORDER BY requested_at")
    .bind(billingKey)
    .all<{ data: string }>();
  return results.map((r) => JSON.parse(r.data) as V2Payment);
}
