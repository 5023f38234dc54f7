import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { ERROR_CODES } from "../../src/domain/errors";
import type { OpenApiDocument } from "../../src/openapi/document";
import { pageRoutes } from "../../src/routes/pages";
import { checkResponse, contractOf, ContractViolation } from "../helpers/contract";
import { call, json } from "../helpers/http";

type Json = Record<string, any>;

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const production = () => {
  const { IAMPORT_SANDBOX: _b, ...rest } = env as unknown as Record<string, unknown>;
  return { ...rest, APP_ENV: "production", IAMPORT_BASE_URL: "https://api.iamport.kr", IAMPORT_API_KEY: "live_key", IAMPORT_API_SECRET: "live_secret" };
};

const served = async () => json<OpenApiDocument>(await call("GET", "/openapi.json"));
const servedInProduction = async () => {
  const res = await createApp().fetch(new Request("https://shop.example/openapi.json"), production(), ctx);
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDocument;
};

const operations = (doc: OpenApiDocument) =>
  Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Json).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op: op as Json })),
  );

const tool = async (name: string, doc: OpenApiDocument, query = "") => {
  const res = await env.OPENAPI_TOOLS.fetch(`http://tools/${name}${query}`, { method: "POST", body: JSON.stringify(doc) });
  if (res.status !== 200) throw new Error(`${name}: ${await res.text()}`);
  return res.json<any>();
};

describe("the OpenAPI document", () => {
  it("is served as OpenAPI 3.1 JSON at /openapi.json", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const doc = await json<OpenApiDocument>(res);
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual(["bearerToken", "sessionCookie"]);
  });

  it("describes every API route the app serves (pages, their stylesheet and the sandbox's proxy aside)", async () => {
    const doc = await served();
    const documented = new Set(operations(doc).map((o) => o.key));
    const pages = new Set(pageRoutes.routes.map((r) => r.path));
    const served_ = new Set(
      createApp()
        .routes.filter((r) => r.method !== "ALL" && !pages.has(r.path) && !r.path.startsWith("/sandbox/") && r.path !== "/docs/reference.css")
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z_]+)/g, "{$1}")}`),
    );
    expect(served_.size).toBeGreaterThanOrEqual(15);
    const undescribed = [...served_].filter((k) => !documented.has(k));
    expect(undescribed, "routes the app serves that no operation describes: give each a describe({...}) (src/openapi/describe.ts; localOnly for routes outside production)").toEqual([]);
    expect([...documented].filter((k) => !served_.has(k) && !k.includes(" /sandbox/"))).toEqual([]);
  });

  it("gives every operation a unique id, a summary, and (pocketpay's own) the error boundary's 500 and 503", async () => {
    const doc = await served();
    const ids = new Set<string>();
    for (const { key, op } of operations(doc)) {
      expect(op.operationId, key).toMatch(/^[a-z][A-Za-z]+$/);
      expect(ids.has(op.operationId), `${op.operationId} is used twice`).toBe(false);
      ids.add(op.operationId);
      expect(op.summary, key).toBeTruthy();
      expect(op.responses["500"], key).toBeDefined();
      if (key.includes(" /sandbox/")) continue; // the sandbox answers in Iamport's envelope, not our error body
      expect(op.responses["503"].content["application/json"].schema.allOf[1].properties.error.properties.code.enum, key).toContain("config_error");
    }
  });

  it("documents the session, the admin routes, Idempotency-Key and 429 with Retry-After where they apply", async () => {
    const doc = await served();
    const op = (method: string, path: string) => (doc.paths as Json)[path][method];
    const secured = [{ sessionCookie: [] }, { bearerToken: [] }];
    expect(op("post", "/api/payments").security).toEqual(secured);
    expect(op("post", "/api/auth/login").security).toEqual([]);
    expect(op("get", "/api/admin/roles").responses["403"]).toBeDefined();
    expect(op("get", "/api/admin/roles").description).toContain("Administrators only");
    for (const [method, path] of [["post", "/api/payments"], ["post", "/api/payments/{merchant_uid}/refunds"]] as const) {
      expect(op(method, path).parameters).toContainEqual({ $ref: "#/components/parameters/IdempotencyKey" });
      expect(op(method, path).responses["422"]).toBeDefined();
    }
    expect(doc.components?.parameters?.IdempotencyKey).toMatchObject({ in: "header", name: "Idempotency-Key" });
    for (const [method, path] of [["post", "/api/payments"], ["post", "/api/auth/login"], ["post", "/webhooks/iamport"], ["get", "/payments/return"]] as const) {
      expect(op(method, path).responses["429"].headers["Retry-After"], `${method} ${path}`).toEqual({ $ref: "#/components/headers/RetryAfter" });
    }
    // Reads answer no body-related errors; writes do.
    expect(op("get", "/api/me").responses["413"]).toBeUndefined();
    expect(op("post", "/api/payments").responses["415"]).toBeDefined();
  });

  it("names every error code the API has (domain/errors.ts ERROR_CODES) on some operation", async () => {
    const text = JSON.stringify(operations(await served()).map((o) => o.op.responses));
    // bad_request is only onError's fallback for an HTTPException, which no route or middleware of ours throws.
    const undocumented = ERROR_CODES.filter((code) => code !== "bad_request" && !text.includes(`"${code}"`));
    expect(undocumented, "error codes no operation names: list each in the errors of the routes that answer it").toEqual([]);
  });

  it("describes Iamport's notification as a webhooks entry, with the schema the service parses it with", async () => {
    const doc = await served();
    const post = (doc.webhooks as Json).iamportNotification.post;
    expect(Object.keys(post.requestBody.content).sort()).toEqual(["application/json", "application/x-www-form-urlencoded"]);
    expect(post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/IamportNotification" });
    expect((doc.components?.schemas as Json).IamportNotification.required.sort()).toEqual(["imp_uid", "merchant_uid", "status"]);
  });

  it("describes PortOne V2's signed webhook as a webhooks entry, with its three headers and the schema the service parses", async () => {
    const doc = await served();
    const post = (doc.webhooks as Json).portoneNotification.post;
    expect(post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/PortoneNotification" });
    expect(post.parameters.map((p: Json) => [p.name, p.in, p.required])).toEqual([
      ["webhook-id", "header", true],
      ["webhook-timestamp", "header", true],
      ["webhook-signature", "header", true],
    ]);
    expect((doc.components?.schemas as Json).PortoneNotification.required.sort()).toEqual(["data", "type"]);
    const route = (doc.paths as Json)["/webhooks/portone"].post;
    expect(Object.keys(route.responses).sort()).toEqual(expect.arrayContaining(["200", "400", "401", "503"]));
    expect(JSON.stringify(route.responses["401"])).toContain("invalid_signature");
  });

  it("is valid OpenAPI 3.1: Redocly's strict ruleset finds nothing, in local and in production", async () => {
    expect((await tool("lint", await served())).problems).toEqual([]);
    expect((await tool("lint", await servedInProduction())).problems).toEqual([]);
  });

  it("is linted for real: a broken copy is refused", async () => {
    const broken = structuredClone(await served()) as Json;
    broken.paths["/api/me"].get.responses["200"].content["application/json"].schema = { $ref: "#/components/schemas/Nothing" };
    delete broken.info.version;
    const rules = (await tool("lint", broken as OpenApiDocument)).problems.map((p: { rule: string }) => p.rule);
    expect(rules).toEqual(expect.arrayContaining(["no-unresolved-refs", "struct"]));
  });

  it("leaves the sandbox's and the other local-only routes out of production's document", async () => {
    const localOps = operations(await served());
    const localOnly = localOps.filter((o) => o.op["x-pocketpay-local-only"] === true).map((o) => o.key);
    const prodDoc = await servedInProduction();
    const prod = operations(prodDoc).map((o) => o.key);
    expect(localOnly).toContain("GET /__metrics");
    expect(localOnly).toContain("POST /sandbox/iamport/__control/pay");
    expect(localOnly).toContain("POST /sandbox/iamport/__control/clock");
    // By convention every path under /__ (and the sandbox's) is outside production: it must be described so.
    const unmarked = localOps.filter((o) => /^\S+ \/(__|sandbox\/)/.test(o.key) && !localOnly.includes(o.key)).map((o) => o.key);
    expect(unmarked, "routes under /__ not described with localOnly: true (they would be in production's document)").toEqual([]);
    expect(prod).toEqual(localOps.map((o) => o.key).filter((k) => !localOnly.includes(k)));
    expect(JSON.stringify(prodDoc)).not.toMatch(/sandbox|local-only|__/i);
  });

  it("describes every control route the sandbox serves (the sandbox lists those that describe nothing)", async () => {
    const res = await env.IAMPORT_SANDBOX!.fetch("http://sandbox.local/sandbox/iamport/openapi.json");
    const fragment = await res.json<{ paths: Json; undescribed: string[] }>();
    expect(fragment.undescribed, "sandbox control routes without describe({...}) (sandbox/src/openapi.ts control())").toEqual([]);
    expect(Object.keys(fragment.paths).length).toBeGreaterThanOrEqual(10);
  });

  it("describes the sandbox's control routes outside production, each under the Sandbox tag", async () => {
    const sandboxOps = operations(await served()).filter((o) => o.key.includes(" /sandbox/"));
    expect(sandboxOps.length).toBeGreaterThanOrEqual(15);
    for (const { key, op } of sandboxOps) {
      expect(op.tags, key).toEqual(["Sandbox"]);
      expect(op.operationId, key).toMatch(/^sandbox[A-Z]/);
    }
  });
});

describe("the README's typed client", () => {
  it("compiles against the types openapi-typescript generates from the served document", async () => {
    const result = await tool("client", await served());
    expect(result.output).toBe("");
    expect(result.compiled).toBe(true);
  });

  it("does not compile a call the document does not allow (so the check can fail)", async () => {
    const wrong = [
      `await pocketpay.GET("/api/no-such-route");`,
      `await pocketpay.POST("/api/auth/login", { body: { email: "buyer@example.com", password: 12345 } });`,
    ].join("\n");
    const result = await tool("client", await served(), `?append=${encodeURIComponent(`\n${wrong}\n`)}`);
    expect(result.compiled).toBe(false);
    // One error for each wrong call (the README's own program compiles: the test above).
    expect(result.output.match(/error TS\d+/g)).toHaveLength(2);
    expect(result.output).toMatch(/number' is not assignable to type 'string'/);
  });
});

describe("the contract check every test's call() runs", () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
  const user = { id: "u1", email: "a@example.com", name: "A", is_admin: false, created_at: "2026-01-01T00:00:00.000Z" };
  const check = async (method: string, path: string, res: Response) =>
    checkResponse(contractOf(await served()), method, `http://localhost:8787${path}`, res);

  it("passes an answer the document allows", async () => {
    await expect(check("GET", "/api/me", answer(200, { user }))).resolves.toBeUndefined();
    await expect(check("GET", "/api/me", answer(401, { error: { code: "unauthorized", message: "Sign in." } }))).resolves.toBeUndefined();
  });

  it("fails a field the schema does not define, a wrong type, a missing field", async () => {
    await expect(check("GET", "/api/me", answer(200, { user: { ...user, extra: 1 } }))).rejects.toThrow(ContractViolation);
    await expect(check("GET", "/api/me", answer(200, { user: { ...user, is_admin: "no" } }))).rejects.toThrow(ContractViolation);
    const { email: _e, ...noEmail } = user;
    await expect(check("GET", "/api/me", answer(200, { user: noEmail }))).rejects.toThrow(ContractViolation);
  });

  it("fails a status the operation does not list, and an error code it does not name", async () => {
    await expect(check("GET", "/api/me", answer(418, { error: { code: "teapot", message: "x" } }))).rejects.toThrow(/documents only/);
    await expect(check("POST", "/api/payments", answer(409, { error: { code: "email_taken", message: "x" } }))).rejects.toThrow(ContractViolation);
  });

  it("fails a 429 without Retry-After, and JSON from a path no operation describes (other than the 404)", async () => {
    const limited = { error: { code: "rate_limited", message: "Slow down." } };
    await expect(check("POST", "/api/auth/login", answer(429, limited))).rejects.toThrow(/Retry-After/);
    await expect(check("POST", "/api/auth/login", answer(429, limited, { "retry-after": "60" }))).resolves.toBeUndefined();
    await expect(check("GET", "/nowhere", answer(200, { ok: true }))).rejects.toThrow(/no operation/);
    await expect(check("GET", "/nowhere", answer(404, { error: { code: "not_found", message: "No route." } }))).resolves.toBeUndefined();
  });
});

describe("the API reference page", () => {
  it("is rendered by the Worker from the document, with nothing from another origin and the pages' CSP", async () => {
    const res = await call("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    const html = await res.text();
    expect(html).not.toContain("<script");
    expect(html).not.toMatch(/\sstyle=/);
    const urls = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.filter((u) => !u.startsWith("/") && !u.startsWith("#"))).toEqual([]);
    for (const { op } of operations(await served())) expect(html).toContain(`id="${op.operationId}"`);
    expect(html).toContain('id="webhook-iamportNotification"');
    const css = urls.find((u) => u.startsWith("/docs/reference.css"))!;
    const sheet = await call("GET", css);
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get("content-type")).toContain("text/css");
    expect(sheet.headers.get("cache-control")).toContain("immutable");
  });
});
