import { drizzle } from "drizzle-orm/d1";

export type Db = ReturnType<typeof createDb>;

// No `schema` option: pocketpay uses no relational queries (db.query.*), and with a schema drizzle rebuilds its
// relations table on every drizzle() call, which is once per request.
export const createDb = (d1: D1Database) => drizzle(d1);

/** D1 reports constraint failures as plain errors; these tell the ones we answer with 409 apart. */
export function isUniqueViolation(e: unknown, column?: string): boolean {
  const msg = errorText(e);
  return msg.includes("UNIQUE constraint failed") && (!column || msg.includes(column));
}

function errorText(e: unknown): string {
  let text = "";
  for (let cur: unknown = e; cur instanceof Error; cur = cur.cause) text += ` ${cur.message}`;
  return text;
}
