import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { PaymentStatus } from "../domain/payment-state";
import type { Db } from "./client";
import { payments, users } from "./schema";

// Read-only queries for the admin pages: every user's payments, with the buyer beside each.

export interface AdminFilter {
  status?: PaymentStatus;
  /** Part of the buyer's email, case-insensitive. */
  email?: string;
  /** A merchant_uid or the start of one. */
  merchantUid?: string;
  beforeId?: number;
  limit: number;
}

export function adminListPayments(db: Db, f: AdminFilter) {
  const where = and(
    f.status ? eq(payments.status, f.status) : undefined,
    // instr, not LIKE: the text is matched literally, and D1 caps LIKE patterns at 50 bytes (emails run longer).
    f.email ? sql`instr(${users.email}, ${f.email.toLowerCase()}) > 0` : undefined,
    f.merchantUid ? sql`instr(${payments.merchantUid}, ${f.merchantUid}) = 1` : undefined,
    f.beforeId ? lt(payments.id, f.beforeId) : undefined,
  );
  return db
    .select({ payment: payments, email: users.email })
    .from(payments)
    .innerJoin(users, eq(users.id, payments.userId))
    .where(where)
    .orderBy(desc(payments.id))
    .limit(f.limit)
    .all();
}

export const findUserSummary = (db: Db, userId: string) =>
  db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, userId)).get();
