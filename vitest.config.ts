import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { RUNNER_HEARTBEAT } from "./test/heartbeat.ts";
import { openapiTools } from "./test/node/openapi-tools.ts";

// The sandbox runs as an auxiliary Worker, which takes built JavaScript: build it from sandbox/ first.
const SANDBOX_SCRIPT = ".build/sandbox/index.js";
const APP_DB_ID = "00000000-0000-0000-0000-000000000001";
const SANDBOX_DB_ID = "00000000-0000-0000-0000-000000000002";

// The gateway the app under test uses. The main pass runs everything against Iamport V1 (the default);
// GATEWAY_UNDER_TEST=portone-v2 runs the gateway-neutral suites (V2_SUITES) again, unchanged, against the sandbox's
// PortOne V2: the same rules held by the same tests on both gateways (test/helpers/gateway-under-test.ts).
const GATEWAY_UNDER_TEST = process.env.GATEWAY_UNDER_TEST ?? "iamport-v1";
const V2_PASS = GATEWAY_UNDER_TEST === "portone-v2";
const V2_SUITES: string[] = [
  "test/integration/pipeline-happy.test.ts",
  "test/integration/pipeline.test.ts",
  "test/integration/refunds.test.ts",
  "test/integration/returns.test.ts",
  "test/integration/subscriptions.test.ts",
  "test/integration/subscriptions-api.test.ts",
  "test/integration/subscription-pages.test.ts",
];
// The pool names the runner Worker after the project (non [a-z0-9-] characters become "_"); the sandbox's APP
// binding must name that Worker, or the V2 pass cannot start.
const PROJECT_NAME = V2_PASS ? "pocketpay (portone-v2)" : "pocketpay";
const RUNNER_SERVICE = `vitest-pool-workers-runner-${PROJECT_NAME.replace(/[^a-z0-9-]/gi, "_")}`;
// Two secrets as during a rotation on our side (test/helpers/portone-webhooks.ts); the V2 pass also takes the
// sandbox's, so the webhooks the sandbox signs reach the app as PortOne's would.
const TEST_WEBHOOK_SECRETS = "whsec_uON8e5gr2hpvnJE2gZyScNc9vry/epYx yXVoxBzq5Ni1ZtK+Yw+VG0MMtMLXb/b/";
const SANDBOX_V2_WEBHOOK_SECRET = "whsec_cG9ja2V0cGF5LXNhbmRib3gtcG9ydG9uZS13ZWJob29r";

/** The pages' script and stylesheet (src/client) as the content-hashed files the [assets] binding serves. */
function buildAssets() {
  execFileSync(process.execPath, ["scripts/build-assets.mjs"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env } });
}

function buildSandbox() {
  execFileSync(
    "npx",
    ["wrangler", "deploy", "--dry-run", "-c", "sandbox/wrangler.toml", "--outdir", resolve(".build/sandbox")],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
}

/** Tests never reach the network: an outbound request nobody injected a fetch for fails loudly. */
function refuseOutbound(request: Request): Response {
  const message = `Unmocked outbound request in a test: ${request.method} ${request.url}`;
  console.error(message);
  return new Response(message, { status: 599 });
}

export default defineConfig(async () => {
  buildAssets();
  buildSandbox();
  const appMigrations = await readD1Migrations("migrations");
  const sandboxMigrations = await readD1Migrations("sandbox/migrations");
  // The demo catalogue `npm run dev` seeds, as statements, so a test can prove seeding it is idempotent.
  const { unstable_splitSqlQuery } = await import("wrangler");
  const demoCatalogue = unstable_splitSqlQuery(readFileSync("scripts/demo-catalogue.sql", "utf8"));
  return {
    // The test clock is compiled in, as in local dev (wrangler.toml [define]); production compiles it out.
    define: { __TEST_CLOCK__: "true" },
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // The runner sees the sandbox's database too (same id), so the setup file can migrate both.
          d1Databases: { DB: APP_DB_ID, SANDBOX_DB: SANDBOX_DB_ID },
          bindings: {
            APP_ENV: "test",
            // Short, so tests of a gateway that never answers take a second, not eight.
            IAMPORT_TIMEOUT_MS: "1500",
            PORTONE_TIMEOUT_MS: "1500",
            // The test clock is shared by every test, like the sandbox's: only the clock pass (CLOCK_TESTS=1) turns it
            // on, so the main pass measures requests without its D1 read (test/integration/budgets.test.ts).
            TEST_CLOCK: process.env.CLOCK_TESTS ? "true" : "false",
            GATEWAY: GATEWAY_UNDER_TEST,
            PORTONE_WEBHOOK_SECRET: V2_PASS ? `${TEST_WEBHOOK_SECRETS} ${SANDBOX_V2_WEBHOOK_SECRET}` : TEST_WEBHOOK_SECRETS,
            TEST_MIGRATIONS: appMigrations, SANDBOX_MIGRATIONS: sandboxMigrations, DEMO_CATALOGUE: demoCatalogue,
          },
          outboundService: refuseOutbound,
          // Lints the served OpenAPI document and compiles a typed client against it, in Node (test/node).
          serviceBindings: { OPENAPI_TOOLS: openapiTools },
          // The per-address limits are smaller here than in wrangler.toml (120 and 300 a minute), so the tests that
          // reach them stay short (every test uses its own addresses); the per-account limits are the real ones.
          // test/unit/wrangler-config.test.ts holds wrangler.toml's numbers.
          ratelimits: {
            CLIENT_IP_LIMITER: { namespace_id: "1006", simple: { limit: 20, period: 60 } },
            WEBHOOK_IP_LIMITER: { namespace_id: "1007", simple: { limit: 20, period: 60 } },
          },
          workers: [
            {
              name: "pocketpay-sandbox",
              modules: true,
              scriptPath: SANDBOX_SCRIPT,
              compatibilityDate: "2025-09-01",
              d1Databases: { SANDBOX_DB: SANDBOX_DB_ID },
              bindings: {
                SANDBOX_IMP_KEY: "sandbox_imp_key",
                SANDBOX_IMP_SECRET: "sandbox_imp_secret_0123456789abcdef",
                SANDBOX_IMP_CODE: "imp00000000",
                // PortOne V2: the same values as sandbox/wrangler.toml (test/helpers/portone-sandbox.ts reads them there).
                SANDBOX_PORTONE_API_SECRET: "sandbox_portone_api_secret_0123456789abcdef",
                SANDBOX_PORTONE_STORE_ID: "store-00000000-0000-4000-8000-000000000000",
                SANDBOX_PORTONE_CHANNEL_KEY: "channel-key-00000000-0000-4000-8000-000000000000",
                SANDBOX_PORTONE_WEBHOOK_SECRET: SANDBOX_V2_WEBHOOK_SECRET,
                SANDBOX_PORTONE_WEBHOOK_URL: "http://pocketpay/webhooks/portone",
              },
              // Webhooks from the sandbox reach the app under test (the pool renames the main worker).
              serviceBindings: { APP: RUNNER_SERVICE },
              outboundService: refuseOutbound,
            },
          ],
        },
      }),
    ],
    test: {
      name: PROJECT_NAME,
      // Tests that move the sandbox's shared clock run alone, in a second pass (npm test sets CLOCK_TESTS=1).
      include: process.env.CLOCK_TESTS
        ? ["test/integration/clock/**/*.test.ts"]
        : V2_PASS
          ? V2_SUITES
          : ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
      exclude: process.env.CLOCK_TESTS || V2_PASS ? [] : ["test/integration/clock/**"],
      // The clocks are shared: the files that move them run one after another.
      fileParallelism: !process.env.CLOCK_TESTS,
      setupFiles: ["./test/setup.ts"],
      testTimeout: 30_000,
      // One JSON line per request is useful in wrangler dev and noise in test output.
      // VERBOSE_LOGS=1 shows them when debugging.
      // A console line still on its way when a file's worker closes is dropped with this error (the heartbeat's, or
      // a queue batch's late log line); it is output lost, not a failure. Every other unhandled error still fails.
      onUnhandledError: (error: { message?: string }) => !/Closing rpc while "onUserConsoleLog" was pending/.test(error.message ?? ""),
      // The runner's heartbeat (test/setup.ts) is never shown.
      onConsoleLog: (log: string) => !log.includes(RUNNER_HEARTBEAT) && (!!process.env.VERBOSE_LOGS || !log.includes('"level":"info"')),
      hookTimeout: 30_000,
    },
  };
});
