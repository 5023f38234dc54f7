const TABLES = [
  "sandbox_tokens",
  "sandbox_prepared",
  "sandbox_payments",
  "sandbox_customers",
  "sandbox_faults",
  "sandbox_webhooks",
  "sandbox_clock",
  "sandbox_schedules",
  // PortOne V2
  "portone_payments",
  "portone_pre_registrations",
  "portone_billing_keys",
  "portone_webhooks",
  "portone_webhook_attempts",
  "portone_webhook_secrets",
];

export async function resetAll(db: D1Database): Promise<void> {
  await db.batch(TABLES.map((t) => db.prepare(`DELETE FROM ${t}`)));
}
