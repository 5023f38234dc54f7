import { listAdmins, recentRoleChanges, setRole } from "../db/roles";
import type { UserRole, UserRow } from "../db/schema";
import { conflict, notFound } from "../domain/errors";
import type { Deps } from "./deps";

// Administrators are granted by an operator (`npm run admin`, scripts/admin.mjs) or by another administrator here;
// never by signing up with some email. Every grant and revoke is on the role_changes audit trail.

export interface RoleChangeResult {
  email: string;
  role: UserRole;
  /** False when the account had the role already (nothing was written). */
  changed: boolean;
}

/** An admin grants or revokes administrator rights. They cannot revoke their own: an operator can. */
export async function changeRole(
  deps: Pick<Deps, "db" | "now">,
  actor: UserRow,
  target: { email: string; role: UserRole },
): Promise<RoleChangeResult> {
  if (target.role !== "admin" && target.email === actor.email) {
    throw conflict("cannot_revoke_self", "Administrators cannot revoke their own rights; another administrator or an operator can.");
  }
  const changed = await setRole(deps.db, { email: target.email, role: target.role, by: `admin:${actor.email}`, now: deps.now() });
  if (changed === undefined) throw notFound("account with this email");
  return { email: target.email, role: target.role, changed };
}

/** The administrators and the latest grants and revokes, for the admin pages and API. */
export async function roleOverview(deps: Pick<Deps, "db">, changes = 50) {
  const [admins, history] = await Promise.all([listAdmins(deps.db), recentRoleChanges(deps.db, changes)]);
  return { admins, history };
}

export const isAdminUser = (user: UserRow | null | undefined) => user?.role === "admin";
