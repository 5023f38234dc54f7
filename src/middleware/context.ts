import { createMiddleware } from "hono/factory";
import { configFor } from "../config";
import { createDb } from "../db/client";
import type { AppEnv } from "../types";

/** Puts config, the database and the clock on the context; config is parsed once per isolate. */
export const provideContext = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set("config", configFor(c.env));
    c.set("db", createDb(c.env.DB));
    c.set("now", Date.now);
    await next();
  });
