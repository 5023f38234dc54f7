import { Hono, type Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import * as z from "zod";
import { randomBytes } from "../lib/crypto";
import { safeText } from "../lib/text-schema";
import { jsonBody } from "../lib/validate";
import { clientIp, enforceLimits } from "../middleware/rate-limit";
import { requireUser, SESSION_COOKIE } from "../middleware/session";
import { login, logout, signup, type IssuedSession } from "../services/auth";
import type { AppEnv } from "../types";
import { presentUser } from "../services/present";
import { accountEmail } from "./shared";

const SignupBody = z.strictObject({
  email: accountEmail,
  password: z
    .string({ error: "is required" })
    .min(10, "must be at least 10 characters")
    .max(200, "must be at most 200 characters")
    .refine((p) => new Set(p).size >= 4, { message: "is too simple", params: { code: "too_simple" } }),
  name: safeText({ max: 50 }),
});

const LoginBody = z.strictObject({
  email: accountEmail,
  password: z.string({ error: "is required" }).min(1, "is required").max(200, "must be at most 200 characters"),
});

const isLocalHost = (url: string) => ["localhost", "127.0.0.1", "[::1]"].includes(new URL(url).hostname);

function respondWithSession(c: Context<AppEnv>, session: IssuedSession, status: 200 | 201) {
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: !isLocalHost(c.req.url),
    path: "/",
    expires: new Date(session.expiresAt),
  });
  return c.json({ user: presentUser(session.user), token: session.token }, status);
}

const deps = (c: Context<AppEnv>) => ({ db: c.var.db, config: c.var.config, now: c.var.now, randomBytes });

export const authRoutes = new Hono<AppEnv>()
  .post("/signup", async (c) => {
    const body = await jsonBody(c, SignupBody);
    await enforceLimits([
      [c.env.AUTH_IP_LIMITER, `signup:${clientIp(c.req.raw)}`],
      [c.env.AUTH_EMAIL_LIMITER, `signup:${body.email}`],
    ]);
    return respondWithSession(c, await signup(deps(c), body), 201);
  })
  .post("/login", async (c) => {
    const body = await jsonBody(c, LoginBody);
    await enforceLimits([
      [c.env.AUTH_IP_LIMITER, `login:${clientIp(c.req.raw)}`],
      [c.env.AUTH_EMAIL_LIMITER, `login:${body.email}`],
    ]);
    return respondWithSession(c, await login(deps(c), body), 200);
  })
  .post("/logout", requireUser(), async (c) => {
    await logout(deps(c), c.var.sessionId!);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.body(null, 204);
  });

export const meRoutes = new Hono<AppEnv>().get("/", requireUser(), (c) =>
  c.json({ user: presentUser(c.var.user!) }),
);
