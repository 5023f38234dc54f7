import { Hono, type Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import * as z from "zod";
import { randomBytes } from "../lib/crypto";
import { safeText } from "../lib/text-schema";
import { body } from "../lib/validate";
import { clientIp, enforceLimits } from "../middleware/rate-limit";
import { requireUser, SESSION_COOKIE } from "../middleware/session";
import { login, logout, signup, type IssuedSession } from "../services/auth";
import type { AppEnv } from "../types";
import { describe } from "../openapi/describe";
import { presentUser, UserJson } from "../services/present";
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

const Session = z
  .object({ user: UserJson, token: z.string().meta({ description: "A Bearer token for this session (also set as the pp_session cookie)." }) })
  .meta({ id: "Session" });

const sessionCookie = {
  "Set-Cookie": {
    description: "`pp_session=<token>; HttpOnly; SameSite=Lax; Path=/` (and `Secure` except on localhost).",
    schema: { type: "string" },
    required: true,
  },
};

const isLocalHost = (url: string) => ["localhost", "127.0.0.1", "[::1]"].includes(new URL(url).hostname);

function respondWithSession(c: Context<AppEnv>, session: IssuedSession, status: 200 | 201) {
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: !isLocalHost(c.req.url),
    path: "/",
    expires: new Date(session.expiresAt),
  });
  const answer: z.output<typeof Session> = { user: presentUser(session.user), token: session.token };
  return c.json(answer, status);
}

const deps = (c: Context<AppEnv>) => ({ db: c.var.db, config: c.var.config, now: c.var.now, randomBytes });

export const authRoutes = new Hono<AppEnv>()
  .post(
    "/signup",
    describe({
      operationId: "signUp",
      summary: "Create an account and sign in",
      tags: ["Auth"],
      rateLimited: true,
      responses: { 201: { description: "Signed up and signed in.", body: Session, headers: sessionCookie } },
      errors: { 409: ["email_taken"] },
    }),
    body(SignupBody),
    async (c) => {
      const input = c.req.valid("json");
      await enforceLimits([
        [c.env.AUTH_IP_LIMITER, `signup:${clientIp(c.req.raw)}`],
        [c.env.AUTH_EMAIL_LIMITER, `signup:${input.email}`],
      ]);
      return respondWithSession(c, await signup(deps(c), input), 201);
    },
  )
  .post(
    "/login",
    describe({
      operationId: "logIn",
      summary: "Sign in",
      tags: ["Auth"],
      rateLimited: true,
      responses: { 200: { description: "Signed in.", body: Session, headers: sessionCookie } },
      errors: { 401: ["invalid_credentials"] },
    }),
    body(LoginBody),
    async (c) => {
      const input = c.req.valid("json");
      await enforceLimits([
        [c.env.AUTH_IP_LIMITER, `login:${clientIp(c.req.raw)}`],
        [c.env.AUTH_EMAIL_LIMITER, `login:${input.email}`],
      ]);
      return respondWithSession(c, await login(deps(c), input), 200);
    },
  )
  .post(
    "/logout",
    describe({
      operationId: "logOut",
      summary: "Sign out",
      description: "Revokes the session on the server (its token stops working) and clears the cookie.",
      tags: ["Auth"],
      responses: { 204: { description: "Signed out." } },
    }),
    requireUser(),
    async (c) => {
      await logout(deps(c), c.var.sessionId!);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    },
  );

const Me = z.object({ user: UserJson });

export const meRoutes = new Hono<AppEnv>().get(
  "/",
  describe({
    operationId: "getMe",
    summary: "The signed-in account",
    tags: ["Auth"],
    responses: { 200: { description: "The account.", body: Me } },
  }),
  requireUser(),
  (c) => c.json({ user: presentUser(c.var.user!) } satisfies z.output<typeof Me>),
);
