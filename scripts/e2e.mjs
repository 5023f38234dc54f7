// `npm run test:e2e`: the browser tests (test/e2e/*.e2e.ts, vitest.e2e.config.ts) in Debian's Chromium.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(
    `Chromium is not installed at ${chromium}. Install Debian's package (apt-get update && apt-get install -y chromium)` +
      " or point CHROMIUM_PATH at a Chromium binary. Browsers downloaded by test tools are not used.",
  );
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "-c", "vitest.e2e.config.ts", ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, CHROMIUM_PATH: chromium } },
);
process.exit(result.status ?? 1);
