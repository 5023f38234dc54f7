import { createMiddleware } from "hono/factory";
import { tooManyRequests } from "../domain/errors";
import { documented } from "../openapi/describe";
import type { AppEnv } from "../types";

/** Client address as Cloudflare reports it; never X-Forwarded-For, which any client can set. */
export const clientIp = (req: Request) => req.headers.get("cf-connecting-ip") ?? "unknown";

/**
 * The per-address limit for `action`, or none for a request without a client address: Cloudflare sets
 * CF-Connecting-IP on every request from outside, so only a call from inside the account (a service binding, such
 * as the local Iamport sandbox's webhooks) arrives without one, and those must not share one bucket.
 */
export function addressLimit(limiter: RateLimit, action: string, req: Request): Array<[RateLimit, string]> {
  const ip = req.headers.get("cf-connecting-ip");
  return ip ? [[limiter, `${action}:${ip}`]] : [];
}

/** The limits' period: a refused caller may try again after at most this many seconds. */
export const LIMIT_PERIOD_SECONDS = 60;

/** Throws 429 with Retry-After when any of the limiters refuses its key. */
export async function enforceLimits(checks: Array<[RateLimit, string]>, retryAfterSeconds = LIMIT_PERIOD_SECONDS) {
  const results = await Promise.all(checks.map(([limiter, key]) => limiter.limit({ key })));
  if (results.some((r) => !r.success)) throw tooManyRequests(retryAfterSeconds);
}

export type LimitedAction = "create" | "complete" | "refund";

const perUser = (env: AppEnv["Bindings"], action: LimitedAction): RateLimit =>
  action === "create" ? env.ORDER_USER_LIMITER : action === "complete" ? env.PAYMENT_USER_LIMITER : env.REFUND_USER_LIMITER;

/**
 * Limits a signed-in write that makes pocketpay call Iamport, per user and per client address, before anything
 * else is read: a refused request costs no query and no Iamport call.
 */
export const limitWrites = (action: LimitedAction) =>
  documented(
    createMiddleware<AppEnv>(async (c, next) => {
      const checks = addressLimit(c.env.CLIENT_IP_LIMITER, action, c.req.raw);
      if (c.var.user) checks.push([perUser(c.env, action), `${action}:${c.var.user.id}`]);
      await enforceLimits(checks);
      await next();
    }),
    { errors: { 429: ["rate_limited"] } },
  );

/**
 * The per-account limit alone, for a handler that learns who the user is from its own first read (an order reads
 * the session in one batch with its prices): applied right after that read, before the body is judged.
 */
export const enforceUserLimit = (env: AppEnv["Bindings"], action: LimitedAction, userId: string) =>
  enforceLimits([[perUser(env, action), `${action}:${userId}`]]);
