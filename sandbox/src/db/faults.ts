export const FAULT_KINDS = ["http_500", "timeout", "unauthorized", "code_error", "malformed", "latency"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  id: number;
  path_prefix: string;
  method: string | null;
  kind: FaultKind;
  remaining: number;
  latency_ms: number | null;
  message: string | null;
  processed: number;
  match: string | null;
}

export async function addFault(db: D1Database, f: Omit<Fault, "id">): Promise<Fault> {
  const row = await db
    .prepare(
      `INSERT INTO sandbox_faults (path_prefix, method, kind, remaining, latency_ms, message, processed, match)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .bind(f.path_prefix, f.method, f.kind, f.remaining, f.latency_ms, f.message, f.processed, f.match)
    .first<Fault>();
  if (!row) throw new Error("fault insert returned nothing");
  return row;
}

export async function listFaults(db: D1Database): Promise<Fault[]> {
  const { results } = await db.prepare("SELECT * FROM sandbox_faults WHERE remaining > 0 ORDER BY id").all<Fault>();
  return results;
}

export async function clearFaults(db: D1Database): Promise<void> {
  await db.prepare("DELETE FROM sandbox_faults").run();
}

/**
 * Consumes one use of the oldest fault matching this call: path prefix, optional method, optional substring of
 * the URL or body (read lazily, only when a candidate needs it). The decrement is conditional, so two
 * concurrent calls never both take the last use.
 */
export async function takeFault(
  db: D1Database,
  path: string,
  method: string,
  haystack: () => Promise<string>,
): Promise<Fault | null> {
  const { results } = await db
    .prepare(
      `SELECT * FROM sandbox_faults
       WHERE remaining > 0 AND substr(?1, 1, length(path_prefix)) = path_prefix AND (method IS NULL OR method = ?2)
       ORDER BY id`,
    )
    .bind(path, method.toUpperCase())
    .all<Fault>();
  for (const f of results) {
    if (f.match !== null && !(await haystack()).includes(f.match)) continue;
    const taken = await db
      .prepare("UPDATE sandbox_faults SET remaining = remaining - 1 WHERE id = ? AND remaining > 0 RETURNING *")
      .bind(f.id)
      .first<Fault>();
    if (taken) return taken;
  }
  return null;
}
