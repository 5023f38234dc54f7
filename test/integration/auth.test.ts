import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { parseConfig } from "../../src/config";
import { signup } from "../../src/services/auth";
import { randomBytes } from "../../src/lib/crypto";
import { call, expectError, json, ORIGIN, signUp, uniqueEmail } from "../helpers/http";

const countUsers = async (email: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first<{ n: number }>())!.n;

describe("signup", () => {
  it("creates the account, answers 201 with the user and a token, and sets an HttpOnly Lax cookie", async () => {
    const email = uniqueEmail();
    const res = await call("POST", "/api/auth/signup", { body: { email, password: "a long passphrase", name: "Lee" } });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.user).toMatchObject({ email, name: "Lee", is_admin: false });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toContain("pp_session=");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure"); // localhost
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("stores the password as PBKDF2-SHA256 with its salt and at most 100,000 iterations", async () => {
    const { email } = await signUp();
    const row = await env.DB.prepare("SELECT * FROM users WHERE email = ?").bind(email).first<any>();
    expect(row.password_algorithm).toBe("pbkdf2-sha256");
    expect(row.password_iterations).toBeLessThanOrEqual(100_000);
    expect(row.password_iterations).toBe(100_000);
    expect(row.password_salt).toHaveLength(22);
    expect(row.password_hash).not.toContain("passphrase");
  });

  it("lowercases emails and refuses a duplicate with 409", async () => {
    const email = uniqueEmail();
    await signUp({ email });
    const res = await call("POST", "/api/auth/signup", {
      body: { email: email.toUpperCase(), password: "another passphrase", name: "Park" },
    });
    await expectError(res, 409, "email_taken");
    expect(await countUsers(email)).toBe(1);
  });

  it.each([
    [{ password: "a long passphrase", name: "N" }, "email"],
    [{ email: "not-an-email", password: "a long passphrase", name: "N" }, "email"],
    [{ email: "x@example.com", password: "short", name: "N" }, "password"],
    [{ email: "x@example.com", password: "aaaaaaaaaaaaaa", name: "N" }, "password"],
    [{ email: "x@example.com", password: "a long passphrase" }, "name"],
    [{ email: "x@example.com", password: "a long passphrase", name: "" }, "name"],
    [{ email: "x@example.com", password: 12345678901, name: "N" }, "password"],
    [{ email: "x@example.com", password: "a long passphrase", name: "Kim\u0000" }, "name"],
    [{ email: "x@example.com", password: "a long passphrase", name: "\u001b]0;owned\u0007" }, "name"],
    [{ email: "x@example.com", password: "a long passphrase", name: "Kim\u202Enim" }, "name"],
    [{ email: "x@example.com", password: "a long passphrase", name: "Kim", role: "admin" }, "role"],
    [{ email: "x@example.com", password: "a long passphrase", name: "Kim", is_admin: true }, "is_admin"],
  ])("refuses %j with 400 naming %s", async (body, field) => {
    const res = await call("POST", "/api/auth/signup", { body });
    const error = await expectError(res, 400, "invalid_request");
    expect(error.details.fields.map((f: any) => f.field)).toContain(field);
    expect(error.message).toContain(field);
  });

  it("never makes an administrator by signing up, whatever the email", async () => {
    const email = `admin-${crypto.randomUUID()}@example.com`;
    const res = await call("POST", "/api/auth/signup", { body: { email, password: "admin password 1234", name: "Admin" } });
    expect(res.status).toBe(201);
    expect((await json(res)).user.is_admin).toBe(false);
    const local = await call("POST", "/api/auth/signup", { body: { email: "Admin@Example.com", password: "admin password 1234", name: "Admin" } });
    // admin@example.com is seeded as the local admin by `npm run dev`, never by the app: here it is a buyer.
    expect(local.status).toBe(201);
    expect((await json(local)).user.is_admin).toBe(false);
    const row = await env.DB.prepare("SELECT role FROM users WHERE email = 'admin@example.com'").first<{ role: string }>();
    expect(row?.role).toBe("user");
  });
});

describe("login, me and logout", () => {
  it("logs in with the right password and answers /api/me with bearer or cookie", async () => {
    const u = await signUp();
    const res = await call("POST", "/api/auth/login", { body: { email: u.email, password: u.password } });
    expect(res.status).toBe(200);
    const { token } = await json(res);
    const me = await call("GET", "/api/me", { token });
    expect((await json(me)).user.email).toBe(u.email);
    const viaCookie = await call("GET", "/api/me", { cookie: `pp_session=${token}` });
    expect(viaCookie.status).toBe(200);
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const u = await signUp();
    const wrong = await expectError(
      await call("POST", "/api/auth/login", { body: { email: u.email, password: "wrong password!" } }),
      401,
      "invalid_credentials",
    );
    const unknown = await expectError(
      await call("POST", "/api/auth/login", { body: { email: uniqueEmail(), password: "wrong password!" } }),
      401,
      "invalid_credentials",
    );
    expect(unknown.message).toBe(wrong.message);
  });

  it("answers 401 without a session, with a forged token, and with a forged cookie", async () => {
    await expectError(await call("GET", "/api/me"), 401, "unauthorized");
    await expectError(await call("GET", "/api/me", { token: "A".repeat(43) }), 401, "unauthorized");
    await expectError(await call("GET", "/api/me", { cookie: "pp_session=forged-value" }), 401, "unauthorized");
  });

  it("revokes the session server-side on logout", async () => {
    const u = await signUp();
    const res = await call("POST", "/api/auth/logout", { token: u.token });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toContain("pp_session=;");
    await expectError(await call("GET", "/api/me", { token: u.token }), 401, "unauthorized");
    // The cookie form of the same token is dead too: the server, not the browser, forgot it.
    await expectError(await call("GET", "/api/me", { cookie: `pp_session=${u.token}` }), 401);
  });

  it("refuses an expired session", async () => {
    const config = parseConfig(env);
    const thirtyOneDaysAgo = Date.now() - 31 * 24 * 3_600_000;
    const issued = await signup(
      { db: createDb(env.DB), config, now: () => thirtyOneDaysAgo, randomBytes },
      { email: uniqueEmail(), password: "a long passphrase", name: "Old" },
    );
    await expectError(await call("GET", "/api/me", { token: issued.token }), 401, "unauthorized");
  });

  it("checks the origin of cookie-authenticated writes but not of bearer calls", async () => {
    const u = await signUp();
    await expectError(
      await call("POST", "/api/auth/logout", { cookie: `pp_session=${u.token}`, headers: { origin: "https://evil.example" } }),
      403,
      "forbidden",
    );
    await expectError(await call("POST", "/api/auth/logout", { cookie: `pp_session=${u.token}` }), 403, "forbidden");
    expect((await call("GET", "/api/me", { token: u.token })).status).toBe(200);
    const ok = await call("POST", "/api/auth/logout", { cookie: `pp_session=${u.token}`, headers: { origin: ORIGIN } });
    expect(ok.status).toBe(204);
  });
});

// The limiters' windows are aligned to the wall clock (as Cloudflare's are), so a run of attempts may straddle a
// window's end: 2 × limit + 1 attempts inside one period always meet a 429, wherever the boundary falls.
describe("rate limits", () => {
  it("slows password guessing per email with 429 and Retry-After", async () => {
    const u = await signUp();
    const guessUntilLimited = async () => {
      for (let i = 0; i < 21; i++) {
        const res = await call("POST", "/api/auth/login", { body: { email: u.email, password: `guess number ${i}` } });
        await res.text();
        if (res.status === 429) return res.headers.get("retry-after");
        expect(res.status).toBe(401);
      }
      throw new Error("21 wrong passwords (2 × the per-email limit of 10, + 1) never met a 429");
    };
    // Even the right password waits now: the limit is on attempts, not on failures. Only a window ending between
    // the two requests could let it through, and that cannot happen twice in a row.
    for (let round = 0; round < 2; round++) {
      const retryAfter = await guessUntilLimited();
      expect(Number(retryAfter)).toBeGreaterThan(0);
      const right = await call("POST", "/api/auth/login", { body: { email: u.email, password: u.password } });
      await right.text();
      if (right.status === 429) return;
      expect(right.status).toBe(200);
    }
    throw new Error("the right password was let through straight after a 429, twice");
  });

  it("limits one client address trying many emails", async () => {
    const ip = "198.51.100.77";
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) {
      const res = await call("POST", "/api/auth/login", {
        body: { email: uniqueEmail(), password: "whatever pass" },
        headers: { "cf-connecting-ip": ip },
      });
      statuses.push(res.status);
      await res.text();
      if (res.status === 429) break;
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 429 && s !== 401)).toEqual([]);
  });
});
