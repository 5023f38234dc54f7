export interface WebhookRecord {
  id: number;
  imp_uid: string;
  merchant_uid: string;
  status: string;
  format: "json" | "form";
  body: string;
  outcome: "pending" | "delivered" | "failed";
  response_status: number | null;
  error: string | null;
  sent_at: number;
  finished_at: number | null;
}

export async function recordWebhook(
  db: D1Database,
  w: Pick<WebhookRecord, "imp_uid" | "merchant_uid" | "status" | "format" | "body" | "sent_at">,
): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO sandbox_webhooks (imp_uid, merchant_uid, status, format, body, sent_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .bind(w.imp_uid, w.merchant_uid, w.status, w.format, w.body, w.sent_at)
    .first<{ id: number }>();
  return row?.id ?? 0;
}

export async function finishWebhook(
  db: D1Database,
  id: number,
  result: { outcome: "delivered" | "failed"; response_status: number | null; error: string | null; finished_at: number },
): Promise<void> {
  await db
    .prepare("UPDATE sandbox_webhooks SET outcome = ?, response_status = ?, error = ?, finished_at = ? WHERE id = ?")
    .bind(result.outcome, result.response_status, result.error, result.finished_at, id)
    .run();
}

export async function listWebhooks(db: D1Database, filter: { merchant_uid?: string; imp_uid?: string }): Promise<WebhookRecord[]> {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.merchant_uid) {
    where.push("merchant_uid = ?");
    args.push(filter.merchant_uid);
  }
  if (filter.imp_uid) {
    where.push("imp_uid = ?");
    args.push(filter.imp_uid);
  }
  const sql = `SELECT * FROM sandbox_webhooks ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY id`;
  const { results } = await db.prepare(sql).bind(...args).all<WebhookRecord>();
  return results;
}
