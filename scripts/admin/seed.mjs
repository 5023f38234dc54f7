// The local administrator `npm run dev` provides, so a fresh clone can refund and manage admins at once:
// admin@example.com with a random password, kept beside the local database (never in git) and printed at every
// start. Local only: production administrators are granted with `npm run admin -- grant … --remote`.
import { pbkdf2Sync, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { d1Execute } from "./d1.mjs";
import { insertAdminSql, listSql, setRoleSql } from "./sql.mjs";

export const LOCAL_ADMIN_EMAIL = "admin@example.com";
const ITERATIONS = 100_000; // src/domain/password.ts: the most deployed Workers allow
const ACTOR = "seed:npm-run-dev";

/** The same PBKDF2-SHA256 record src/domain/password.ts writes and verifies. */
function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, ITERATIONS, 32, "sha256");
  return { algorithm: "pbkdf2-sha256", iterations: ITERATIONS, salt: salt.toString("base64url"), hash: hash.toString("base64url") };
}

/**
 * Makes sure admin@example.com exists locally and is an administrator. Returns {email, password, note}: the
 * password when this seed created the account (now or on an earlier start), null when it was made by signing up.
 */
export function seedLocalAdmin({ persistTo = ".wrangler/state", cwd = process.cwd() } = {}) {
  const file = join(persistTo, "dev-admin.json");
  const saved = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
  const [account] = d1Execute(listSql(LOCAL_ADMIN_EMAIL, 1), { persistTo, cwd });
  const now = Date.now();
  if (account.length === 0) {
    const password = randomBytes(12).toString("base64url");
    d1Execute(insertAdminSql({ id: randomUUID(), email: LOCAL_ADMIN_EMAIL, name: "Local admin", hash: hashPassword(password), actor: ACTOR, now }), {
      persistTo,
      cwd,
    });
    mkdirSync(persistTo, { recursive: true });
    writeFileSync(file, JSON.stringify({ email: LOCAL_ADMIN_EMAIL, password }, null, 2) + "\n", { mode: 0o600 });
    return { email: LOCAL_ADMIN_EMAIL, password, note: "created" };
  }
  let note = "exists";
  if (account[0].role !== "admin") {
    d1Execute(setRoleSql(LOCAL_ADMIN_EMAIL, "admin", { actor: ACTOR, now }), { persistTo, cwd });
    note = "granted";
  }
  return { email: LOCAL_ADMIN_EMAIL, password: saved?.email === LOCAL_ADMIN_EMAIL ? saved.password : null, note };
}
