import { and, desc, eq, ne } from "drizzle-orm";
import type { Db } from "./client";
import { roleChanges, users, type UserRole } from "./schema";

// Roles are stored on users; every change names who made it and when, and the triggers of migrations/0004 copy it
// to role_changes (a change that does not is refused by the database).

/**
 * Sets the role of the account with this email, unless it has it already. Returns whether the role changed, or
 * undefined when no account has the email.
 */
export async function setRole(db: Db, a: { email: string; role: UserRole; by: string; now: number }): Promise<boolean | undefined> {
  const changed = await db
    .update(users)
    .set({ role: a.role, roleChangedBy: a.by, roleChangedAt: a.now })
    .where(and(eq(users.email, a.email), ne(users.role, a.role)))
    .returning({ id: users.id })
    .get();
  if (changed) return true;
  const exists = await db.select({ id: users.id }).from(users).where(eq(users.email, a.email)).get();
  return exists ? false : undefined;
}

export const listAdmins = (db: Db) =>
  db
    .select({ id: users.id, email: users.email, name: users.name, since: users.roleChangedAt, by: users.roleChangedBy })
    .from(users)
    .where(eq(users.role, "admin"))
    .orderBy(users.email)
    .all();

export const recentRoleChanges = (db: Db, limit: number) =>
  db.select().from(roleChanges).orderBy(desc(roleChanges.id)).limit(limit).all();
