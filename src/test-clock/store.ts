// The test clock's state: one row in the app's D1 (migrations/0007_test_clock.sql), so an offset survives
// `wrangler dev` restarts and the fetch, queue and cron handlers all see the same time. Raw D1 rather than drizzle:
// this module (and the table's name) must stay out of the production bundle, which drizzle's schema would not.

export async function readOffsetMs(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT offset_ms FROM test_clock WHERE id = 1").first<{ offset_ms: number }>();
  return row?.offset_ms ?? 0;
}

/** Adds `ms` to the offset in one statement (two advances racing both count) and returns the new offset. */
export async function addOffsetMs(db: D1Database, ms: number): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO test_clock (id, offset_ms) VALUES (1, ?1)
       ON CONFLICT (id) DO UPDATE SET offset_ms = offset_ms + ?1
       RETURNING offset_ms`,
    )
    .bind(ms)
    .first<{ offset_ms: number }>();
  return row?.offset_ms ?? 0;
}

export async function clearOffset(db: D1Database): Promise<void> {
  await db.prepare("DELETE FROM test_clock").run();
}
