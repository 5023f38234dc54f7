import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { nowSec } from "../clock";
import { isTokenValid } from "../db/tokens";
import { envelopeError, MSG } from "../envelope";

/**
 * Accepts `Authorization: <token>`, `Authorization: Bearer <token>` and the legacy `X-ImpTokenHeader`;
 * when both are sent, Authorization wins (maintainers' rule), even if it is the wrong one.
 */
export function tokenFrom(authorization: string | undefined, legacy: string | undefined): string | null {
  const raw = authorization?.trim() || legacy?.trim() || "";
  const token = raw.replace(/^Bearer\s+/i, "").trim();
  return token === "" ? null : token;
}

export const requireToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = tokenFrom(c.req.header("authorization"), c.req.header("x-imptokenheader"));
  if (!token || !(await isTokenValid(c.env.SANDBOX_DB, token, await nowSec(c)))) {
    // The 2015 maintainers' decision: 401s carry an `iamport` challenge.
    c.header("WWW-Authenticate", "iamport");
    return envelopeError(c, 401, -1, MSG.unauthorized);
  }
  await next();
};
