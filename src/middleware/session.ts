import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { forbidden } from "../domain/errors";
import { documented } from "../openapi/describe";
import { isAdminUser } from "../services/roles";
import { SessionLookup, type LiveSession } from "../services/session";
import type { AppEnv } from "../types";

export const SESSION_COOKIE = "pp_session";

type Ctx = Context<AppEnv>;

function credential(c: Ctx) {
  const header = c.req.header("authorization");
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return { token: bearer ?? getCookie(c, SESSION_COOKIE), bearer };
}

async function prepareSession(c: Ctx) {
  const { token, bearer } = credential(c);
  c.set("user", null);
  c.set("sessionId", null);
  c.set("authVia", token ? (bearer ? "bearer" : "cookie") : null);
  c.set("session", await SessionLookup.fromToken(c.var.db, token, c.var.now()));
}

/**
 * A new lookup of the request's credential, for a request that waited (a long-poll) after its first check, so a
 * session revoked or expired meanwhile is seen. No I/O until used.
 */
export const sessionAgain = (c: Ctx) => SessionLookup.fromToken(c.var.db, credential(c).token, c.var.now());

/** Puts a live session's user on the context (c.var.user, c.var.sessionId). */
export function signIn(c: Ctx, found: LiveSession) {
  c.set("user", found.user);
  c.set("sessionId", found.sessionId);
}

/**
 * Reads the credential from `Authorization: Bearer` or the session cookie without touching D1: the lookup waits
 * (c.var.session) until something needs the user, so a handler can batch it with its own reads. `authVia` says
 * how a credential was presented, so the origin check needs no lookup either.
 */
export const readSession = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await prepareSession(c);
    await next();
  });

/** Reads the credential and looks the session up at once: for pages, which show who is signed in. */
export const loadSession = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await prepareSession(c);
    const found = await c.var.session.resolve();
    if (found) signIn(c, found);
    await next();
  });

/** 401 unless the session is live; then c.var.user is set. Costs one round trip unless already looked up. */
export const requireUser = () =>
  documented(
    createMiddleware<AppEnv>(async (c, next) => {
      signIn(c, await c.var.session.require());
      await next();
    }),
    { auth: "user", errors: { 401: ["unauthorized"] } },
  );

/** Administrators hold the stored role (granted by an operator or another admin), never an email on a list. */
export const isAdmin = (c: { var: AppEnv["Variables"] }) => isAdminUser(c.var.user);

export const requireAdmin = () =>
  documented(
    createMiddleware<AppEnv>(async (c, next) => {
      signIn(c, await c.var.session.require());
      if (!isAdmin(c)) throw forbidden("Only administrators can do this.");
      await next();
    }),
    { auth: "admin", errors: { 401: ["unauthorized"], 403: ["forbidden"] } },
  );

/**
 * Cookie-authenticated writes must come from our own pages: the browser's Origin (or Referer) has to match.
 * Bearer-authenticated calls carry no ambient credential, so they need no such check.
 */
export const checkOrigin = () =>
  documented(createMiddleware<AppEnv>(async (c, next) => {
    const unsafe = !["GET", "HEAD", "OPTIONS"].includes(c.req.method);
    if (unsafe && c.var.authVia === "cookie") {
      const own = new URL(c.req.url).origin;
      const origin = c.req.header("origin") ?? originOf(c.req.header("referer"));
      if (origin !== own) throw forbidden("This request did not come from a pocketpay page.");
    }
    await next();
  }), { writeErrors: { 403: ["forbidden"] } });

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
