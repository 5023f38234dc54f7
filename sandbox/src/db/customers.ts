export interface Customer {
  customer_uid: string;
  pg_provider: string;
  pg_id: string;
  sandbox: boolean;
  customer_id: string | null;
  card_name: string;
  card_code: string;
  card_issuer_code: string | null;
  card_issuer_name: string | null;
  card_publisher_code: string | null;
  card_publisher_name: string | null;
  card_number: string;
  card_type: number | null;
  customer_name: string | null;
  customer_tel: string | null;
  customer_email: string | null;
  customer_addr: string | null;
  customer_postcode: string | null;
  inserted: number;
  updated: number;
}

export async function getCustomer(db: D1Database, uid: string): Promise<Customer | null> {
  return (await getCustomerRow(db, uid))?.customer ?? null;
}

export async function getCustomerRow(db: D1Database, uid: string): Promise<{ customer: Customer; declines: boolean } | null> {
  const row = await db
    .prepare("SELECT data, declines FROM sandbox_customers WHERE customer_uid = ?")
    .bind(uid)
    .first<{ data: string; declines: number }>();
  return row ? { customer: JSON.parse(row.data) as Customer, declines: row.declines === 1 } : null;
}

/** Re-issuing under an existing customer_uid replaces the mapping, as Iamport does. */
export async function upsertCustomer(db: D1Database, c: Customer, declines: boolean): Promise<void> {
  await db
    .prepare(
      `INSERT INTO sandbox_customers (customer_uid, data, declines, inserted, updated) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (customer_uid) DO UPDATE SET data = ?2, declines = ?3, updated = ?5`,
    )
    .bind(c.customer_uid, JSON.stringify(c), declines ? 1 : 0, c.inserted, c.updated)
    .run();
}

export async function deleteCustomer(db: D1Database, uid: string): Promise<boolean> {
  const res = await db.prepare("DELETE FROM sandbox_customers WHERE customer_uid = ?").bind(uid).run();
  return res.meta.changes === 1;
}
