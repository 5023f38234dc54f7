import { createApp } from "./app";
import { configFor } from "./config";
import { createDb } from "./db/client";
import type { Env } from "./env";
import { countingD1, newUsage, recordUsage } from "./lib/metrics";
import { consumeDeadLetters, consumeValidationBatch } from "./queue/consumer";
import { depsFor } from "./services/deps";
import { reconcile } from "./services/reconcile";

// Composition root: the three ways the platform calls pocketpay.
const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env, _ctx) {
    const counted = configFor(env).APP_ENV !== "production";
    const usage = counted ? newUsage() : null;
    const deps = depsFor(env, { usage, ...(usage ? { db: createDb(countingD1(env.DB, usage)) } : {}) });
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, deps);
    else await consumeValidationBatch(batch, deps);
    if (usage) recordUsage(`queue ${batch.queue}`, usage, batch.messages.length);
  },

  async scheduled(_controller, env) {
    const report = await reconcile(depsFor(env));
    console.log(JSON.stringify({ level: "info", event: "reconciled", ...report }));
  },
} satisfies ExportedHandler<Env>;
