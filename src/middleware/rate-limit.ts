import { tooManyRequests } from "../domain/errors";

/** Client address as Cloudflare reports it; never X-Forwarded-For, which any client can set. */
export const clientIp = (req: Request) => req.headers.get("cf-connecting-ip") ?? "unknown";

/** Throws 429 with Retry-After when any of the limiters refuses its key. */
export async function enforceLimits(checks: Array<[RateLimit, string]>, retryAfterSeconds = 60) {
  const results = await Promise.all(checks.map(([limiter, key]) => limiter.limit({ key })));
  if (results.some((r) => !r.success)) throw tooManyRequests(retryAfterSeconds);
}
