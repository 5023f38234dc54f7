// The production bundle's size: the same dry-run build as scripts/build-production.mjs (`wrangler deploy --dry-run
// --env production`), but into a temporary dir so it never races `npm test`, which builds into .build/production.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { WRANGLER, WRANGLER_ENV } from "./server.mjs";

export function measureBundle(cwd = process.cwd()) {
  const outdir = mkdtempSync(join(tmpdir(), "pocketpay-bench-bundle-"));
  try {
    try {
      execFileSync(process.execPath, [WRANGLER, "deploy", "--dry-run", "--env", "production", "--outdir", outdir], {
        cwd,
        env: WRANGLER_ENV,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (e) {
      throw new Error(`production dry-run build failed:\n${String(e.stdout ?? "")}${String(e.stderr ?? "")}`);
    }
    const files = readdirSync(outdir).filter((f) => f.endsWith(".js"));
    const code = files.map((f) => readFileSync(join(outdir, f), "utf8")).join("\n");
    return { files, rawBytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
