export interface Prepared {
  merchant_uid: string;
  amount: number;
  currency: string | null;
}

export async function getPrepared(db: D1Database, merchantUid: string): Promise<Prepared | null> {
  return db
    .prepare("SELECT merchant_uid, amount, currency FROM sandbox_prepared WHERE merchant_uid = ?")
    .bind(merchantUid)
    .first<Prepared>();
}

/** Returns false when the merchant_uid is already registered (the insert is a no-op then). */
export async function insertPrepared(db: D1Database, p: Prepared, now: number): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO sandbox_prepared (merchant_uid, amount, currency, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (merchant_uid) DO NOTHING`,
    )
    .bind(p.merchant_uid, p.amount, p.currency, now, now)
    .run();
  return res.meta.changes === 1;
}

/** Returns false when nothing is registered under that merchant_uid. */
export async function updatePrepared(db: D1Database, p: Prepared, now: number): Promise<boolean> {
  const res = await db
    .prepare("UPDATE sandbox_prepared SET amount = ?, currency = ?, updated_at = ? WHERE merchant_uid = ?")
    .bind(p.amount, p.currency, now, p.merchant_uid)
    .run();
  return res.meta.changes === 1;
}
