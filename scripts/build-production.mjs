// Builds the production bundle exactly as `wrangler deploy --env production` would, without deploying,
// then checks it: the Iamport sandbox must not be in it, and it must stay small.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const outdir = resolve(".build/production");
rmSync(outdir, { recursive: true, force: true });
try {
  // wrangler warns that production does not inherit the local Iamport vars: that is the point, so the
  // output is shown only when the build fails.
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--env", "production", "--outdir", outdir], {
    stdio: "pipe",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
} catch (e) {
  process.stderr.write(String(e.stdout ?? "") + String(e.stderr ?? ""));
  process.exit(1);
}

const files = readdirSync(outdir).filter((f) => f.endsWith(".js"));
const code = files.map((f) => readFileSync(join(outdir, f), "utf8")).join("\n");
// Strings that only the sandbox's code contains: its control routes, its payment window, its SDK.
const sandboxMarkers = ["__control", "SANDBOX_DB", "SANDBOX_IMP_SECRET", "sandbox_imp_secret"];
const leaked = sandboxMarkers.filter((m) => code.includes(m));
if (leaked.length > 0) {
  console.error(`The production bundle contains sandbox code (${leaked.join(", ")}).`);
  process.exit(1);
}
const raw = Buffer.byteLength(code);
const gzipped = gzipSync(code).length;
const LIMIT = 150 * 1024;
console.log(`production bundle: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzipped / 1024).toFixed(1)} KiB gzipped (${files.join(", ")})`);
if (gzipped > LIMIT) {
  console.error(`The production bundle is over ${LIMIT / 1024} KiB gzipped.`);
  process.exit(1);
}
