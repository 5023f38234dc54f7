import type { MiddlewareHandler } from "hono";
import { BASE_PATH, type AppEnv } from "../env";
import { takeFault } from "../db/faults";
import { envelopeError, MSG } from "../envelope";

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Injected failures for the API routes (never for control, SDK or window routes), consumed one use at a time.
 * Each kind mimics how the real API (or the network in front of it) fails.
 */
export const injectFaults: MiddlewareHandler<AppEnv> = async (c, next) => {
  const path = c.req.path.slice(BASE_PATH.length) || "/";
  let haystack: Promise<string> | undefined;
  const fault = await takeFault(c.env.SANDBOX_DB, path, c.req.method, () => {
    // Hono caches the body, so the route can still read it afterwards.
    haystack ??= c.req
      .arrayBuffer()
      .then((b) => safeDecode(c.req.url) + "\n" + new TextDecoder().decode(b))
      .catch(() => c.req.url);
    return haystack;
  });
  if (!fault) return next();
  console.log(`sandbox fault ${fault.kind} on ${c.req.method} ${path}`);
  switch (fault.kind) {
    case "http_500":
      return envelopeError(c, 500, -1, fault.message ?? "Internal Server Error");
    case "unauthorized":
      c.header("WWW-Authenticate", "iamport");
      return envelopeError(c, 401, -1, MSG.unauthorized);
    case "code_error":
      // HTTP 200 is not success: the refusal is only in `code`.
      return envelopeError(c, 200, -1, fault.message ?? "일시적인 오류가 발생하였습니다. 잠시 후 다시 시도해주세요.");
    case "malformed":
      // Claims JSON but is cut off mid-object, like a proxy dropping the connection.
      return c.body('{"code":0,"message":null,"response":{"imp_uid":"imp_', 200, {
        "content-type": "application/json; charset=utf-8",
      });
    case "latency":
      await sleep(fault.latency_ms ?? 1000);
      return next();
    case "timeout": {
      // The client's own timer is meant to fire first. With `processed`, the request takes effect anyway
      // (the ambiguous case: the refund happened, the answer was lost).
      if (fault.processed) await next();
      await sleep(fault.latency_ms ?? 30_000);
      // After next() the context is finalized, so a returned response would be ignored: replace it outright.
      c.res = undefined;
      c.res = new Response("<html><body><h1>504 Gateway Time-out</h1></body></html>", {
        status: 504,
        headers: { "content-type": "text/html; charset=utf-8" },
      });
      return c.res;
    }
  }
};
