import type { Db } from "./client";

// drizzle's batch() cannot carry raw SQL such as `... WHERE changes() = 1`, so atomic batches are assembled
// from D1 prepared statements: drizzle builds the typed queries, plain SQL the few it cannot express.

interface ToSql {
  toSQL(): { sql: string; params: unknown[] };
}

/** A drizzle query as a D1 statement. */
export function statement(db: Db, query: ToSql): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return db.$client.prepare(sql).bind(...params);
}

/** A fixed SQL text with bound parameters (never values spliced into the text). */
export const rawStatement = (db: Db, text: string, ...params: unknown[]) => db.$client.prepare(text).bind(...params);

/** Runs the statements as one atomic batch: all apply, or none do. */
export const runBatch = (db: Db, statements: D1PreparedStatement[]) => db.$client.batch(statements);
