import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof createDb>;

export const createDb = (d1: D1Database) => drizzle(d1, { schema });

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
