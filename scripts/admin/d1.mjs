// Runs statements on the app's D1 through `wrangler d1 execute`: the local database of `npm run dev` (or another
// --persist-to directory) or, with remote, the production one. Returns each statement's result rows.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

export class D1ExecuteError extends Error {}

export function d1Execute(statements, { remote = false, persistTo = ".wrangler/state", cwd = process.cwd() } = {}) {
  const target = remote ? ["--remote", "--env", "production"] : ["--local", "--persist-to", persistTo];
  let output;
  try {
    output = execFileSync(
      process.execPath,
      [resolve(cwd, "node_modules/wrangler/bin/wrangler.js"), "d1", "execute", "DB", ...target, "--json", "--yes", "--command", statements.join("; ")],
      { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
    );
  } catch (e) {
    throw new D1ExecuteError((String(e.stdout ?? "") || String(e.stderr ?? "") || String(e)).trim());
  }
  return JSON.parse(output).map((r) => r.results ?? []);
}
