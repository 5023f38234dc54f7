import type { Context, MiddlewareHandler } from "hono";
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

/** How one emulated API answers each injected failure (its own error body shapes). */
export interface FaultAnswers {
  http500(c: Context<AppEnv>, message: string | null): Response;
  unauthorized(c: Context<AppEnv>): Response;
  /** A refusal that is not a transport failure (V1: HTTP 200 with code != 0; V2: a PG error). */
  codeError(c: Context<AppEnv>, message: string | null): Response;
  /** A body cut off mid-object, claiming JSON. */
  malformedBody: string;
}

/**
 * Injected failures for the API routes (never for control, SDK or window routes), consumed one use at a time.
 * Each kind mimics how the real API (or the network in front of it) fails. `faultPrefix` is prepended to the path
 * the faults table is matched against, so one API's faults never hit the other's same-named paths.
 */
export function faultInjector(basePath: string, faultPrefix: string, answers: FaultAnswers): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = faultPrefix + (c.req.path.slice(basePath.length) || "/");
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
        return answers.http500(c, fault.message);
      case "unauthorized":
        return answers.unauthorized(c);
      case "code_error":
        return answers.codeError(c, fault.message);
      case "malformed":
        return c.body(answers.malformedBody, 200, { "content-type": "application/json; charset=utf-8" });
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
}

/** Iamport V1's failures: its envelope, a 401 with its challenge, HTTP 200 with code -1. */
export const injectFaults = faultInjector(BASE_PATH, "", {
  http500: (c, message) => envelopeError(c, 500, -1, message ?? "Internal Server Error"),
  unauthorized: (c) => {
    c.header("WWW-Authenticate", "iamport");
    return envelopeError(c, 401, -1, MSG.unauthorized);
  },
  // HTTP 200 is not success: the refusal is only in `code`.
  codeError: (c, message) => envelopeError(c, 200, -1, message ?? "일시적인 오류가 발생하였습니다. 잠시 후 다시 시도해주세요."),
  // Claims JSON but is cut off mid-object, like a proxy dropping the connection.
  malformedBody: '{"code":0,"message":null,"response":{"imp_uid":"imp_',
});
