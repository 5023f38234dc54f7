import { createApp } from "./app";
import type { Env } from "./env";
import { consumeDeadLetters, consumeValidationBatch } from "./queue/consumer";
import { depsFor } from "./services/deps";
import { reconcile } from "./services/reconcile";

// Composition root: the three ways the platform calls pocketpay.
const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env, _ctx) {
    const deps = depsFor(env);
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, deps);
    else await consumeValidationBatch(batch, deps);
  },

  async scheduled(_controller, env) {
    const report = await reconcile(depsFor(env));
    console.log(JSON.stringify({ level: "info", event: "reconciled", ...report }));
  },
} satisfies ExportedHandler<Env>;
