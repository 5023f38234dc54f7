import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, checked, expectError, json, uniqueEmail } from "../helpers/http";

const userExists = async (email: string) =>
  !!(await env.DB.prepare("SELECT 1 FROM users WHERE email = ?").bind(email).first());

describe("the error boundary", () => {
  it("answers an oversize body with 413 and writes nothing", async () => {
    const email = uniqueEmail();
    const res = await call("POST", "/api/auth/signup", {
      body: { email, password: "a long passphrase", name: "x".repeat(20_000) },
    });
    await expectError(res, 413, "payload_too_large");
    expect(await userExists(email)).toBe(false);
  });

  it("answers a body without a declared length that grows too large with 413", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(8 * 1024));
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await call("POST", "/api/auth/login", {
      rawBody: stream,
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    await expectError(res, 413, "payload_too_large");
  });

  it("answers malformed JSON with 400 and writes nothing", async () => {
    const email = uniqueEmail();
    const res = await call("POST", "/api/auth/signup", {
      rawBody: `{"email":"${email}","password":"a long passphrase",`,
      headers: { "content-type": "application/json" },
    });
    await expectError(res, 400, "malformed_json");
    expect(await userExists(email)).toBe(false);
  });

  it("answers a wrong content type with 415 and writes nothing", async () => {
    const email = uniqueEmail();
    const res = await call("POST", "/api/auth/signup", {
      rawBody: new URLSearchParams({ email, password: "a long passphrase", name: "N" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const error = await expectError(res, 415, "unsupported_media_type");
    expect(error.details.received).toBe("application/x-www-form-urlencoded");
    expect(await userExists(email)).toBe(false);
  });

  it("answers a JSON body that is not an object with 400", async () => {
    await expectError(await call("POST", "/api/auth/login", { body: [1, 2, 3] }), 400, "invalid_request");
    await expectError(await call("POST", "/api/auth/login", { body: "text" }), 400, "invalid_request");
  });

  it("answers unknown routes with a JSON 404 and a request id", async () => {
    const res = await call("GET", "/nope/nothing-here");
    const error = await expectError(res, 404, "not_found");
    expect(error.message).toContain("/nope/nothing-here");
    expect(res.headers.get("x-request-id")).toMatch(/[0-9a-f-]{36}/);
  });

  it("keeps a sane incoming request id and replaces an unsafe one", async () => {
    const kept = await call("GET", "/healthz", { headers: { "x-request-id": "trace-12345678" } });
    expect(kept.headers.get("x-request-id")).toBe("trace-12345678");
    const replaced = await call("GET", "/healthz", { headers: { "x-request-id": "<script>" } });
    expect(replaced.headers.get("x-request-id")).not.toBe("<script>");
  });

  it("answers /healthz", async () => {
    const res = await call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ok" });
  });
});

describe("production configuration", () => {
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const production = () => {
    const { IAMPORT_API_KEY: _k, IAMPORT_API_SECRET: _s, IAMPORT_SANDBOX: _b, ...rest } = env as unknown as Record<string, unknown>;
    return { ...rest, APP_ENV: "production", IAMPORT_BASE_URL: "https://api.iamport.kr" };
  };

  it("refuses to serve without its secrets: 503 config_error that names nothing, the names in the logs", async () => {
    const { createApp } = await import("../../src/app");
    const logged: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: unknown) => void logged.push(String(line)));
    try {
      const req = new Request("https://shop.example/api/me");
      const res = await checked(req, await createApp().fetch(req, production(), ctx));
      const text = await res.clone().text();
      const error = await expectError(res, 503, "config_error");
      expect(error.details).toBeUndefined();
      for (const name of ["IAMPORT_API_KEY", "IAMPORT_API_SECRET", "IAMPORT"]) expect(text).not.toContain(name);
      const line = logged.map((l) => JSON.parse(l)).find((l) => l.event === "config_error");
      expect(line.settings).toEqual(expect.arrayContaining(["IAMPORT_API_KEY", "IAMPORT_API_SECRET"]));
      expect(line.error).toContain("IAMPORT_API_KEY: missing");
    } finally {
      spy.mockRestore();
    }
  });

  it("has no sandbox: /sandbox/* answers 404 without the binding", async () => {
    const { createApp } = await import("../../src/app");
    const configured = { ...production(), IAMPORT_API_KEY: "live_key", IAMPORT_API_SECRET: "live_secret" };
    const get = async (url: string) => {
      const req = new Request(url);
      return checked(req, await createApp().fetch(req, configured, ctx));
    };
    await expectError(await get("https://shop.example/sandbox/iamport/v1/iamport.js"), 404, "not_found");
    await expectError(await get("https://shop.example/__metrics"), 404, "not_found");
  });
});
