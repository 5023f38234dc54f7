// `npm run admin -- grant|revoke <email> [--remote]`, `npm run admin -- list [email] [--remote]`
//
// Grants or revokes administrator rights on an existing account, or lists the administrators and the latest
// grants and revokes. Local by default (the database `npm run dev` uses: --local --persist-to .wrangler/state);
// --remote works on the deployed one (--remote --env production). Every change is written to role_changes with
// who made it (cli:<your user name>) by the database itself. The email is validated strictly before any SQL is
// built (wrangler d1 execute takes no bound parameters), and nothing but validated values reaches the SQL.
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { d1Execute, D1ExecuteError } from "./admin/d1.mjs";
import { AdminInputError, listSql, setRoleSql } from "./admin/sql.mjs";

const USAGE = `usage: npm run admin -- grant <email> [--remote]
       npm run admin -- revoke <email> [--remote]
       npm run admin -- list [email] [--remote]
  Local by default (.wrangler/state, as npm run dev); --remote uses the production database (--env production).
  --persist-to <dir> points at another local state directory.`;

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    remote: { type: "boolean", default: false },
    "persist-to": { type: "string", default: ".wrangler/state" },
    help: { type: "boolean", short: "h", default: false },
  },
});

const fail = (message, code = 1) => {
  console.error(message);
  process.exit(code);
};

if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

const [command, email, ...extra] = positionals;
if (!["grant", "revoke", "list"].includes(command ?? "") || extra.length > 0 || (command !== "list" && email === undefined)) {
  fail(USAGE, 2);
}

const actor = `cli:${(userInfo().username || "operator").toLowerCase().replace(/[^a-z0-9._-]/g, "") || "operator"}`;

const now = Date.now();
let statements;
try {
  statements = command === "list" ? listSql(email) : setRoleSql(email, command === "grant" ? "admin" : "user", { actor, now });
} catch (e) {
  if (e instanceof AdminInputError) fail(`npm run admin: ${e.message}`, 2);
  throw e;
}

let results;
try {
  results = d1Execute(statements, { remote: flags.remote, persistTo: flags["persist-to"] });
} catch (e) {
  if (e instanceof D1ExecuteError) fail(`npm run admin: wrangler d1 execute failed:\n${e.message}`);
  throw e;
}

const when = (ms) => (ms ? new Date(ms).toISOString() : "-");
const where = flags.remote ? "production" : `local (${flags["persist-to"]})`;

if (command === "list") {
  const [first, changes] = results;
  if (email === undefined) {
    console.log(`Administrators (${where}):`);
    for (const a of first) console.log(`  ${a.email}  (${a.name}; since ${when(a.role_changed_at)}, by ${a.role_changed_by ?? "-"})`);
    if (first.length === 0) console.log("  none");
  } else if (first.length === 0) {
    fail(`No account has the email ${email} (${where}).`);
  } else {
    console.log(`${first[0].email}: ${first[0].role} (${where})`);
  }
  console.log("Latest grants and revokes:");
  for (const c of changes) console.log(`  ${when(c.created_at)}  ${c.email}: ${c.from_role ?? "(new)"} -> ${c.to_role}  by ${c.changed_by}`);
  if (changes.length === 0) console.log("  none");
} else {
  const [, account] = results;
  const role = command === "grant" ? "admin" : "user";
  if (account.length === 0) fail(`No account has the email ${email} (${where}). They must sign up first; then grant again.`);
  const row = account[0];
  if (row.role !== role) fail(`Could not change ${row.email}: it is still ${row.role}.`);
  // This command's own change carries its time; otherwise the account had the role already.
  const changed = row.role_changed_at === now && row.role_changed_by === actor;
  const said =
    command === "grant"
      ? changed ? "is now an administrator" : "was already an administrator"
      : changed ? "is no longer an administrator" : "was not an administrator";
  console.log(`${row.email} ${said} (${where}).`);
}
