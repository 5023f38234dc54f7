import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { forbidden, unauthorized } from "../domain/errors";
import { authenticate } from "../services/auth";
import { isAdminUser } from "../services/roles";
import type { AppEnv } from "../types";

export const SESSION_COOKIE = "pp_session";

/** Resolves the session from `Authorization: Bearer` or the session cookie; never fails by itself. */
export const loadSession = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set("user", null);
    c.set("sessionId", null);
    c.set("authVia", null);
    const header = c.req.header("authorization");
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const cookie = getCookie(c, SESSION_COOKIE);
    const token = bearer ?? cookie;
    if (token) {
      const found = await authenticate({ db: c.var.db, now: c.var.now }, token);
      if (found) {
        c.set("user", found.user);
        c.set("sessionId", found.sessionId);
        c.set("authVia", bearer ? "bearer" : "cookie");
      }
    }
    await next();
  });

export const requireUser = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!c.var.user) throw unauthorized();
    await next();
  });

/** Administrators hold the stored role (granted by an operator or another admin), never an email on a list. */
export const isAdmin = (c: { var: AppEnv["Variables"] }) => isAdminUser(c.var.user);

export const requireAdmin = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!c.var.user) throw unauthorized();
    if (!isAdmin(c)) throw forbidden("Only administrators can do this.");
    await next();
  });

/**
 * Cookie-authenticated writes must come from our own pages: the browser's Origin (or Referer) has to match.
 * Bearer-authenticated calls carry no ambient credential, so they need no such check.
 */
export const checkOrigin = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const unsafe = !["GET", "HEAD", "OPTIONS"].includes(c.req.method);
    if (unsafe && c.var.authVia === "cookie") {
      const own = new URL(c.req.url).origin;
      const origin = c.req.header("origin") ?? originOf(c.req.header("referer"));
      if (origin !== own) throw forbidden("This request did not come from a pocketpay page.");
    }
    await next();
  });

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
