import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../types";

const INCOMING = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Gives every request an id (kept from X-Request-Id when sane) and echoes it. A request that ends in an error
 * (4xx, 5xx) is logged with it; successful ones are not, since the platform already logs every request (wrangler
 * dev's console, `wrangler tail`, Workers Logs): a second line per request only costs CPU on the hot paths.
 */
export const requestId = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const id = incoming && INCOMING.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", id);
    const started = Date.now();
    await next();
    c.header("X-Request-Id", id);
    if (c.res.status < 400) return;
    // Paths only, never query strings or bodies: those can carry tokens and personal data.
    console.log(
      JSON.stringify({
        level: "info",
        request_id: id,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Date.now() - started,
      }),
    );
  });
