// `npm run dev`: applies the local D1 migrations of the app and of the Iamport sandbox, seeds the demo catalogue
// (idempotently: scripts/demo-catalogue.sql), then serves both Workers on one port (the app gets the traffic and
// forwards /sandbox/* to the sandbox).
import { spawn, spawnSync } from "node:child_process";
import { seedLocalAdmin } from "./admin/seed.mjs";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const persist = ["--persist-to", ".wrangler/state"];
const port = process.env.PORT ?? "8787";

// `npm run dev -- --gateway portone-v2` runs PortOne V2 against the sandbox instead of Iamport V1 (wrangler.toml
// holds both gateways' local settings); every other argument goes to wrangler dev as it is.
const args = process.argv.slice(2);
const gatewayAt = args.indexOf("--gateway");
const gateway = gatewayAt === -1 ? [] : ["--var", `GATEWAY:${args.splice(gatewayAt, 2)[1] ?? ""}`];

function run(args) {
  const result = spawnSync("npx", ["wrangler", ...args], { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(["d1", "migrations", "apply", "DB", "--local", ...persist]);
run(["d1", "migrations", "apply", "SANDBOX_DB", "--local", "-c", "sandbox/wrangler.toml", ...persist]);
run(["d1", "execute", "DB", "--local", "--file", "scripts/demo-catalogue.sql", ...persist]);

// A local administrator, so refunds and the admin pages work on a fresh clone (production: npm run admin -- grant).
const admin = seedLocalAdmin({ persistTo: ".wrangler/state" });
console.log(
  admin.password
    ? `\nLocal administrator: ${admin.email} / ${admin.password}  (kept in .wrangler/state/dev-admin.json)\n`
    : `\nLocal administrator: ${admin.email} (the password chosen when it signed up)\n`,
);

const dev = spawn(
  "npx",
  [
    "wrangler", "dev", "-c", "wrangler.toml", "-c", "sandbox/wrangler.toml",
    "--port", port, "--test-scheduled", ...persist, ...gateway, ...args,
  ],
  { stdio: "inherit", env },
);

// wrangler dev does not fire cron triggers by itself; the reconciler runs every five minutes in production, so
// it does here too (through wrangler's test-scheduled endpoint).
const RECONCILE_EVERY_MS = 5 * 60_000;
const reconciler = setInterval(() => {
  fetch(`http://localhost:${port}/cdn-cgi/handler/scheduled`).catch(() => {});
}, RECONCILE_EVERY_MS);

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => {
  clearInterval(reconciler);
  process.exit(code ?? 0);
});
