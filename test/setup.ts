import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { RUNNER_HEARTBEAT } from "./heartbeat";

// Real local D1 for both Workers, migrated exactly as wrangler migrates them. Idempotent across files.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.SANDBOX_DB, env.SANDBOX_MIGRATIONS);

// The cure for the pool's "silent stall" (cloudflare/workers-sdk#15498 as we met it). Console output written from
// another request's context (a queue batch miniflare delivers to the app, a webhook the sandbox sends) cannot be
// sent to vitest from there, so vitest-pool-workers 0.23 holds it until the runner next sends a message of its
// own. vitest, before it reports a file finished, waits for the answer to every console message it sent. A log
// written after a file's last test was therefore held for a send that never came, and the whole run stopped,
// silently. This heartbeat sends a message from the runner's own context every second, which releases whatever
// is held; vitest.config.ts drops the heartbeat from the output.
setInterval(() => console.debug(RUNNER_HEARTBEAT), 1_000);
