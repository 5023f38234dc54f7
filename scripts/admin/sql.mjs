// The SQL behind `npm run admin` (scripts/admin.mjs) and the local admin seed of `npm run dev`. Pure: no Node
// APIs, so the workerd tests run exactly this SQL against the real schema and its triggers.
//
// `wrangler d1 execute --command` takes no bound parameters, so every value spliced into the SQL here is
// validated first: emails strictly (below), actors to a fixed alphabet, times as safe integers. Anything else is
// refused before it gets near a statement.

/** Lower-case local part and domain of the characters addresses really use; no quotes, spaces or controls. */
const EMAIL = /^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9_+-])?@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const ACTOR = /^[a-z][a-z0-9:._@+-]{0,99}$/;

export class AdminInputError extends Error {}

/** The email as sign-up stores it (trimmed, lower-cased), or an AdminInputError saying why it cannot be one. */
export function normalizeEmail(raw) {
  if (typeof raw !== "string") throw new AdminInputError("an email address is required");
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email) || email.includes("..")) {
    throw new AdminInputError(`not an email address this command accepts: ${JSON.stringify(raw).slice(0, 80)}`);
  }
  return email;
}

function checkActor(actor) {
  if (typeof actor !== "string" || !ACTOR.test(actor)) throw new AdminInputError(`bad actor: ${JSON.stringify(actor)}`);
  return actor;
}

function checkTime(now) {
  if (!Number.isSafeInteger(now) || now <= 0) throw new AdminInputError(`bad time: ${now}`);
  return now;
}

/** A validated value as an SQL string literal (the validators above admit no quote). */
const literal = (s) => `'${s}'`;

const accountQuery = (email) =>
  `SELECT email, role, role_changed_by, role_changed_at FROM users WHERE email = ${literal(email)}`;

/**
 * Grants or revokes administrator rights: statement 1 changes the role unless the account has it already (the
 * database's trigger writes the audit row), statement 2 reads the account back (no row: no such account).
 */
export function setRoleSql(rawEmail, role, { actor, now }) {
  if (role !== "admin" && role !== "user") throw new AdminInputError(`unknown role: ${role}`);
  const email = normalizeEmail(rawEmail);
  return [
    `UPDATE users SET role = ${literal(role)}, role_changed_by = ${literal(checkActor(actor))}, role_changed_at = ${checkTime(now)}` +
      ` WHERE email = ${literal(email)} AND role <> ${literal(role)}`,
    accountQuery(email),
  ];
}

/** The administrators (statement 1) and the latest grants and revokes (statement 2), of one account if given. */
export function listSql(rawEmail, limit = 20) {
  if (rawEmail === undefined) {
    return [
      "SELECT email, name, role_changed_by, role_changed_at FROM users WHERE role = 'admin' ORDER BY email",
      `SELECT email, from_role, to_role, changed_by, created_at FROM role_changes ORDER BY id DESC LIMIT ${Number(limit) | 0}`,
    ];
  }
  const email = normalizeEmail(rawEmail);
  return [
    accountQuery(email),
    `SELECT email, from_role, to_role, changed_by, created_at FROM role_changes WHERE email = ${literal(email)} ORDER BY id DESC LIMIT ${Number(limit) | 0}`,
  ];
}

/**
 * Inserts an administrator account with an already hashed password, unless the email has an account (local seed
 * only: `npm run dev`). Hash fields are base64url, the id a UUID: both checked like every other value.
 */
export function insertAdminSql({ id, email: rawEmail, name, hash, actor, now }) {
  const email = normalizeEmail(rawEmail);
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new AdminInputError("bad id");
  if (!/^[A-Za-z ]{1,50}$/.test(name)) throw new AdminInputError("bad name");
  for (const v of [hash.salt, hash.hash]) if (!/^[A-Za-z0-9_-]{16,128}$/.test(v)) throw new AdminInputError("bad hash");
  if (hash.algorithm !== "pbkdf2-sha256" || !Number.isSafeInteger(hash.iterations)) throw new AdminInputError("bad hash");
  const at = checkTime(now);
  return [
    `INSERT INTO users (id, email, name, password_algorithm, password_iterations, password_salt, password_hash, created_at, role, role_changed_by, role_changed_at)` +
      ` VALUES (${literal(id)}, ${literal(email)}, ${literal(name)}, 'pbkdf2-sha256', ${hash.iterations}, ${literal(hash.salt)}, ${literal(hash.hash)}, ${at}, 'admin', ${literal(checkActor(actor))}, ${at})` +
      ` ON CONFLICT (email) DO NOTHING`,
    accountQuery(email),
  ];
}
