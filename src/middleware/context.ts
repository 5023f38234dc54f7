import { createMiddleware } from "hono/factory";
import { configFor } from "../config";
import { createDb } from "../db/client";
import { countingD1, newUsage, recordUsage, routeKey } from "../lib/metrics";
import { appClock } from "../services/clock";
import type { AppEnv } from "../types";

/**
 * Puts config, the database and the clock (src/services/clock.ts) on the context; config is parsed once per
 * isolate. Outside production every D1 round trip and Iamport call of the request is counted for the benchmark.
 */
export const provideContext = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const config = configFor(c.env);
    const usage = config.APP_ENV === "production" ? null : newUsage();
    c.set("config", config);
    c.set("usage", usage);
    const d1 = usage ? countingD1(c.env.DB, usage) : c.env.DB;
    c.set("db", createDb(d1));
    // Real time; with the test clock on (never in production), plus its offset: one counted D1 read.
    c.set("now", await appClock(config, d1));
    await next();
    if (usage) {
      recordUsage(routeKey(c.req.method, c.req.path), usage);
      // Per-response cost, so a single request's budget can be checked without shared counters.
      c.header("X-D1-Round-Trips", String(usage.d1RoundTrips));
      c.header("X-Iamport-Calls", String(usage.iamportToken + usage.iamportApi));
    }
  });
