import { createApp } from "./app";
import { configFor } from "./config";
import { createDb } from "./db/client";
import type { Env } from "./env";
import { countingD1, newUsage, recordUsage } from "./lib/metrics";
import { consumeDeadLetters, consumeValidationBatch } from "./queue/consumer";
import { appClock } from "./services/clock";
import { depsFor } from "./services/deps";
import { reconcile } from "./services/reconcile";
import { sweepRenewals } from "./services/sweep-renewals";

// Composition root: the three ways the platform calls pocketpay, and the Durable Object class it hosts.
const app = createApp();

export { PaymentWatch } from "./watch/payment-watch";

export default {
  fetch: app.fetch,

  async queue(batch, env, _ctx) {
    const config = configFor(env);
    const usage = config.APP_ENV !== "production" ? newUsage() : null;
    const d1 = usage ? countingD1(env.DB, usage) : env.DB;
    // The batch's clock is read once, like a request's: every message in it sees the same test-clock offset.
    const deps = depsFor(env, { usage, db: createDb(d1), config, now: await appClock(config, d1) });
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, deps);
    else await consumeValidationBatch(batch, deps);
    if (usage) recordUsage(`queue ${batch.queue}`, usage, batch.messages.length);
  },

  async scheduled(_controller, env) {
    const config = configFor(env);
    const usage = config.APP_ENV !== "production" ? newUsage() : null;
    const deps = depsFor(env, { config, now: await appClock(config, env.DB), usage, ...(usage ? { db: createDb(countingD1(env.DB, usage)) } : {}) });
    // Renewals first (they are due at a time); a failure of one job never stops the other.
    try {
      console.log(JSON.stringify({ level: "info", event: "renewals_swept", ...(await sweepRenewals(deps)) }));
    } catch (e) {
      console.error(JSON.stringify({ level: "error", event: "renewal_sweep_failed", error: e instanceof Error ? e.message : String(e) }));
    }
    const report = await reconcile(deps);
    console.log(JSON.stringify({ level: "info", event: "reconciled", ...report }));
    if (usage) recordUsage("cron", usage);
  },
} satisfies ExportedHandler<Env>;
