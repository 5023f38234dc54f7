import { defineConfig } from "vitest/config";

// Browser tests: real Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against the real service,
// started by test/e2e/global-setup.ts the way `npm run dev` starts it, on a free port with a fresh state dir.
export default defineConfig({
  test: {
    name: "e2e",
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/global-setup.ts"],
    // One service and one browser: the scenarios run one after another.
    fileParallelism: false,
    // A scenario walks a whole purchase and audits each page it reaches in two languages and two sizes; the
    // cap leaves room for a machine that other jobs load.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
