import { env, exports } from "cloudflare:workers";
import { setRoleSql } from "../../scripts/admin/sql.mjs";
import { checkResponse, servedContract } from "./contract";

export const ORIGIN = "http://localhost:8787";

export interface CallOptions {
  body?: unknown;
  rawBody?: BodyInit;
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
}

let ipCounter = 0;
/** A fresh client address per caller, so rate limits set for one test do not leak into another. */
export const freshIp = () => `203.0.113.${(ipCounter++ % 250) + 1}-${crypto.randomUUID().slice(0, 8)}`;

/**
 * Calls the Worker's own fetch handler, as a browser or API client on localhost would. Every answer is checked
 * against the OpenAPI document: one the document does not allow fails the test.
 */
export async function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers = new Headers(opts.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", freshIp());
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  if (opts.cookie) headers.set("cookie", opts.cookie);
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return fetchChecked(new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" }));
}

/** The Worker's fetch, with the answer held to the OpenAPI document it serves (see contract.ts). */
export async function fetchChecked(request: Request): Promise<Response> {
  return checked(request, await exports.default.fetch(request));
}

/** Holds an answer that a test got some other way (an app built with another env) to the document too. */
export async function checked(request: Request, res: Response): Promise<Response> {
  await checkResponse(await servedContract(), request.method, request.url, res);
  return res;
}

export async function json<T = any>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`Expected JSON, got ${res.status}: ${text.slice(0, 200)}`);
  }
}

export const uniqueEmail = (prefix = "buyer") => `${prefix}-${crypto.randomUUID()}@example.com`;

export interface TestUser {
  token: string;
  email: string;
  password: string;
  user: { id: string; email: string; name: string; is_admin: boolean };
}

export async function signUp(overrides: Partial<{ email: string; password: string; name: string }> = {}): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? "correct horse battery";
  const res = await call("POST", "/api/auth/signup", { body: { email, password, name: overrides.name ?? "Kim Minji" } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const body = await json(res);
  return { token: body.token, email, password, user: body.user };
}

/**
 * A fresh administrator: an account signed up like any other, then granted the role with exactly the SQL the
 * operator's `npm run admin -- grant` runs (scripts/admin/sql.mjs), which the database records on role_changes.
 */
export async function adminUser(): Promise<TestUser> {
  const admin = await signUp({ name: "Admin" });
  const [grant] = setRoleSql(admin.email, "admin", { actor: "cli:test", now: Date.now() });
  await env.DB.prepare(grant!).run();
  return { ...admin, user: { ...admin.user, is_admin: true } };
}

export async function expectError(res: Response, status: number, code?: string) {
  const body = await json(res);
  if (res.status !== status || (code && body?.error?.code !== code)) {
    throw new Error(`Expected ${status} ${code ?? ""}, got ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.error as { code: string; message: string; details?: any };
}
