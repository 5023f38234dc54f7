import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AdminInputError, listSql, normalizeEmail, setRoleSql } from "../../scripts/admin/sql.mjs";
import { adminUser, call, expectError, json, ORIGIN, signUp } from "../helpers/http";
import { createOrder } from "../helpers/orders";

// Administrators are a stored role: granted by an operator (`npm run admin`, whose SQL is scripts/admin/sql.mjs)
// or by another administrator, every change on the role_changes audit trail.

const roleOf = async (email: string) => (await env.DB.prepare("SELECT role FROM users WHERE email = ?").bind(email).first<{ role: string }>())?.role;
const changesOf = async (email: string) =>
  (await env.DB.prepare("SELECT from_role, to_role, changed_by FROM role_changes WHERE email = ? ORDER BY id").bind(email).all<any>()).results;
const setRole = (who: { token: string }, body: unknown) => call("POST", "/api/admin/roles", { token: who.token, body });
const me = async (who: { token: string }) => (await json(await call("GET", "/api/me", { token: who.token }))).user;

describe("the operator's command (npm run admin)", () => {
  it("grants and revokes with SQL the database audits, and is idempotent", async () => {
    const user = await signUp();
    const run = async (sql: string[]) => {
      for (const s of sql) await env.DB.prepare(s).run();
    };
    await run(setRoleSql(user.email.toUpperCase(), "admin", { actor: "cli:ops", now: 1_000 }));
    expect(await roleOf(user.email)).toBe("admin");
    expect((await me(user)).is_admin).toBe(true);
    await run(setRoleSql(user.email, "admin", { actor: "cli:ops", now: 2_000 }));
    await run(setRoleSql(user.email, "user", { actor: "cli:ops", now: 3_000 }));
    expect((await me(user)).is_admin).toBe(false);
    expect(await changesOf(user.email)).toEqual([
      { from_role: "user", to_role: "admin", changed_by: "cli:ops" },
      { from_role: "admin", to_role: "user", changed_by: "cli:ops" },
    ]);
    const [account] = await Promise.all(listSql(user.email).map((s) => env.DB.prepare(s).all()));
    expect(account!.results).toMatchObject([{ email: user.email, role: "user" }]);
  });

  it.each([
    "x'; DROP TABLE users;--@example.com",
    "o'brien@example.com",
    "a@b.co' OR '1'='1",
    "someone@example.com; DELETE FROM users",
    "two words@example.com",
    "nobody",
    "@example.com",
    "a..b@example.com",
    "a@example",
    "a@-example.com",
    `${"a".repeat(250)}@example.com`,
    "admin@exa\u0000mple.com",
  ])("refuses %j before building any SQL", (email) => {
    expect(() => normalizeEmail(email)).toThrow(AdminInputError);
    expect(() => setRoleSql(email, "admin", { actor: "cli:ops", now: 1 })).toThrow(AdminInputError);
    expect(() => listSql(email)).toThrow(AdminInputError);
  });

  it("accepts ordinary addresses, trimmed and lower-cased", () => {
    expect(normalizeEmail("  Kim.MinJi+shop@Example.co.kr ")).toBe("kim.minji+shop@example.co.kr");
    expect(() => setRoleSql("a@example.com", "owner" as "admin", { actor: "cli:ops", now: 1 })).toThrow(AdminInputError);
    expect(() => setRoleSql("a@example.com", "admin", { actor: "cli:o'ps", now: 1 })).toThrow(AdminInputError);
  });
});

describe("the database", () => {
  it("refuses a role change that does not say who made it and when, and an unknown role", async () => {
    const user = await signUp();
    await expect(env.DB.prepare("UPDATE users SET role = 'admin' WHERE email = ?").bind(user.email).run()).rejects.toThrow(/role_change_refused/);
    await expect(
      env.DB.prepare("UPDATE users SET role = 'owner', role_changed_by = 'x', role_changed_at = 1 WHERE email = ?").bind(user.email).run(),
    ).rejects.toThrow(/role_change_refused/);
    expect(await roleOf(user.email)).toBe("user");
    expect(await changesOf(user.email)).toEqual([]);
  });
});

describe("administrators manage administrators", () => {
  it("lets an admin grant and revoke, recording who did it; a revoked admin loses access at once", async () => {
    const admin = await adminUser();
    const colleague = await signUp();
    const granted = await setRole(admin, { email: colleague.email.toUpperCase(), role: "admin" });
    expect(granted.status).toBe(200);
    expect(await json(granted)).toEqual({ email: colleague.email, role: "admin", changed: true });
    expect(await json(await setRole(admin, { email: colleague.email, role: "admin" }))).toMatchObject({ changed: false });
    const order = await createOrder(await signUp(), 1_000);
    // The colleague's existing session is an admin's now.
    expect((await call("GET", `/api/payments/${order.merchant_uid}`, { token: colleague.token })).status).toBe(200);

    const list = await json(await call("GET", "/api/admin/roles", { token: colleague.token }));
    expect(list.admins.map((a: { email: string }) => a.email)).toEqual(expect.arrayContaining([admin.email, colleague.email]));
    expect(list.changes[0]).toMatchObject({ email: colleague.email, from: "user", to: "admin", by: `admin:${admin.email}` });

    expect((await setRole(colleague, { email: admin.email, role: "user" })).status).toBe(200);
    expect((await call("GET", `/api/payments/${order.merchant_uid}`, { token: admin.token })).status).toBe(404);
    await expectError(await call("GET", "/api/admin/roles", { token: admin.token }), 403, "forbidden");
    expect(await changesOf(admin.email)).toEqual([
      { from_role: "user", to_role: "admin", changed_by: "cli:test" },
      { from_role: "admin", to_role: "user", changed_by: `admin:${colleague.email}` },
    ]);
  });

  it("refuses buyers (403), strangers (401), an admin revoking themself (409), unknown accounts (404) and bad bodies (400)", async () => {
    const admin = await adminUser();
    const buyer = await signUp();
    await expectError(await setRole(buyer, { email: buyer.email, role: "admin" }), 403, "forbidden");
    await expectError(await call("POST", "/api/admin/roles", { body: { email: buyer.email, role: "admin" } }), 401);
    expect(await roleOf(buyer.email)).toBe("user");
    await expectError(await setRole(admin, { email: admin.email, role: "user" }), 409, "cannot_revoke_self");
    await expectError(await setRole(admin, { email: `nobody-${crypto.randomUUID()}@example.com`, role: "admin" }), 404, "not_found");
    for (const [body, field] of [
      [{ email: buyer.email, role: "owner" }, "role"],
      [{ email: "not an email", role: "admin" }, "email"],
      [{ email: buyer.email, role: "admin", by: "someone" }, "by"],
    ] as const) {
      const error = await expectError(await setRole(admin, body), 400, "invalid_request");
      expect(error.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    }
    expect(await roleOf(buyer.email)).toBe("user");
  });

  it("shows the administrators page to admins only, with the grant form and the trail", async () => {
    const admin = await adminUser();
    const buyer = await signUp();
    const page = (who: { token: string }) => call("GET", "/admin/roles", { cookie: `pp_session=${who.token}`, headers: { accept: "text/html" } });
    const res = await page(admin);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-auth="/api/admin/roles"');
    expect(html).toContain(admin.email);
    expect(html).toContain("cli:test");
    expect((await page(buyer)).status).toBe(403);
    // The page's forms post with the session cookie: the origin check applies as to every cookie write.
    const forged = await call("POST", "/api/admin/roles", {
      cookie: `pp_session=${admin.token}`,
      headers: { origin: "https://evil.example" },
      body: { email: buyer.email, role: "admin" },
    });
    await expectError(forged, 403, "forbidden");
    const own = await call("POST", "/api/admin/roles", { cookie: `pp_session=${admin.token}`, headers: { origin: ORIGIN }, body: { email: buyer.email, role: "admin" } });
    expect(own.status).toBe(200);
  });
});
