import { createMiddleware } from "hono/factory";
import { configFor } from "../config";
import { createDb } from "../db/client";
import { countingD1, newUsage, recordUsage, routeKey } from "../lib/metrics";
import type { AppEnv } from "../types";

/**
 * Puts config, the database and the clock on the context; config is parsed once per isolate. Outside
 * production every D1 round trip and Iamport call of the request is counted for the benchmark.
 */
export const provideContext = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const config = configFor(c.env);
    const usage = config.APP_ENV === "production" ? null : newUsage();
    c.set("config", config);
    c.set("usage", usage);
    c.set("db", createDb(usage ? countingD1(c.env.DB, usage) : c.env.DB));
    c.set("now", Date.now);
    await next();
    if (usage) {
      recordUsage(routeKey(c.req.method, c.req.path), usage);
      // Per-response cost, so a single request's budget can be checked without shared counters.
      c.header("X-D1-Round-Trips", String(usage.d1RoundTrips));
      c.header("X-Iamport-Calls", String(usage.iamportToken + usage.iamportApi));
    }
  });
