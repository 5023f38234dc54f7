// Builds the production bundle exactly as `wrangler deploy --env production` would (its [build] step makes the
// browser assets), without deploying, then checks it: the Iamport sandbox and the test clock must not be in the
// Worker or the assets, every asset the pages name must exist, and both must stay small.
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

// The test clock (src/test-clock) is compiled out of production by [env.production.define]. Its markers: its route
// and its table. The local build must contain them, or this check would pass whatever production held.
const testClockMarkers = ["__test-clock", "test_clock"];
const localDir = resolve(".build/local-check");
rmSync(localDir, { recursive: true, force: true });
execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", localDir], {
  stdio: "pipe",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
const localCode = readdirSync(localDir).filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(localDir, f), "utf8")).join("\n");
rmSync(localDir, { recursive: true, force: true });
const unseen = testClockMarkers.filter((m) => !localCode.includes(m));
if (unseen.length > 0) {
  console.error(`The local bundle lacks the test clock's markers (${unseen.join(", ")}): update testClockMarkers.`);
  process.exit(1);
}
const clockLeaked = testClockMarkers.filter((m) => code.includes(m));
if (clockLeaked.length > 0) {
  console.error(`The production bundle contains the test clock (${clockLeaked.join(", ")}).`);
  process.exit(1);
}
// Strings that only the sandbox's code contains: its control routes, its payment window, its SDK.
const sandboxMarkers = ["__control", "SANDBOX_DB", "SANDBOX_IMP_SECRET", "sandbox_imp_secret"];
const leaked = sandboxMarkers.filter((m) => code.includes(m));
if (leaked.length > 0) {
  console.error(`The production bundle contains sandbox code (${leaked.join(", ")}).`);
  process.exit(1);
}
// The static assets the Worker's pages link to (scripts/build-assets.mjs): present, hashed, sandbox-free, small.
const assetsDir = resolve(".build/assets/public");
const manifest = JSON.parse(readFileSync(resolve(".build/assets/manifest.json"), "utf8"));
let assetBytes = 0;
for (const [name, url] of Object.entries(manifest)) {
  const path = join(assetsDir, url);
  let body;
  try {
    body = readFileSync(path, "utf8");
  } catch {
    console.error(`The asset ${name} (${url}) named by the manifest was not built.`);
    process.exit(1);
  }
  if (!code.includes(url)) {
    console.error(`The Worker does not link the current ${name} (${url}): it was bundled with another build's manifest.`);
    process.exit(1);
  }
  const leakedInAsset = sandboxMarkers.filter((m) => body.includes(m));
  if (leakedInAsset.length > 0) {
    console.error(`The asset ${url} contains sandbox code (${leakedInAsset.join(", ")}).`);
    process.exit(1);
  }
  assetBytes += gzipSync(body).length;
}
const ASSET_LIMIT = 40 * 1024;
console.log(`browser assets: ${(assetBytes / 1024).toFixed(1)} KiB gzipped (${Object.values(manifest).join(", ")})`);
if (assetBytes > ASSET_LIMIT) {
  console.error(`The browser assets are over ${ASSET_LIMIT / 1024} KiB gzipped.`);
  process.exit(1);
}

const raw = Buffer.byteLength(code);
const gzipped = gzipSync(code).length;
// 150 KiB until subscriptions (issue 12) landed: main was 137.6 KiB gzipped, and subscriptions add about 18 KiB
// (their services, pages, OpenAPI schemas and some 100 messages per language). 160 KiB until PortOne V2 (issue 16):
// a second gateway behind the same interface (its adapter 4.2 KiB, chosen by GATEWAY at run time, so both ship),
// its signed-webhook route and verifier, and its checkout parameters. Where the bytes are, minified: zod 101 KiB,
// drizzle 70, our i18n catalogues 66, services 54, pages 50, routes 40, hono 37.
const LIMIT = 170 * 1024;
console.log(`production bundle: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzipped / 1024).toFixed(1)} KiB gzipped (${files.join(", ")})`);
if (gzipped > LIMIT) {
  console.error(`The production bundle is over ${LIMIT / 1024} KiB gzipped.`);
  process.exit(1);
}
