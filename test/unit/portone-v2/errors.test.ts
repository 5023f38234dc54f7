import { describe, expect, it } from "vitest";
import { GatewayError, GatewayNotFoundError, GatewayRefusalError, GatewayTransportError, isRetryable } from "../../../src/gateway/errors";
import { classifyV2Refusal } from "../../../src/gateway/portone-v2";
import { API_SECRET, failure, json, v2Error, v2Payment, v2Setup } from "./setup";

describe("V2 error bodies → refusal kinds", () => {
  // [HTTP status, V2 type, kind on a lookup (GET), kind on a write (POST)]
  it.each([
    [404, "PAYMENT_NOT_FOUND", "not_found", "not_found"],
    [404, "BILLING_KEY_NOT_FOUND", "not_found", "not_found"],
    [404, "BILLING_KEY_NOT_ISSUED", "not_found", "not_found"],
    [401, "UNAUTHORIZED", "unauthorized", "unauthorized"],
    [403, "FORBIDDEN", "unauthorized", "unauthorized"],
    [400, "INVALID_REQUEST", "temporary", "rejected"],
    [404, "CHANNEL_NOT_FOUND", "temporary", "rejected"],
    [409, "ALREADY_PAID", "temporary", "rejected"],
    [409, "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN", "temporary", "rejected"],
    [502, "PG_PROVIDER", "temporary", "temporary"],
    [502, "CHANNEL_SPECIFIC", "temporary", "temporary"],
    [409, "SOMETHING_NEW", "temporary", "rejected"],
  ])("HTTP %i %s: lookup %s, write %s", (status, type, onGet, onPost) => {
    expect(classifyV2Refusal(status, "GET", type)).toBe(onGet);
    expect(classifyV2Refusal(status, "POST", type)).toBe(onPost);
    expect(classifyV2Refusal(status, "DELETE", type)).toBe(onPost);
  });

  it("a lookup is never 'rejected', whatever V2 answers", () => {
    for (const status of [400, 404, 409, 422]) expect(classifyV2Refusal(status, "GET", "ANYTHING")).not.toBe("rejected");
  });

  it("through the adapter: the class, kind, code, status and V2's message", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("GET", "/payments/a", v2Error(401, "UNAUTHORIZED"))
      .on("GET", "/payments/b", v2Error(400, "INVALID_REQUEST"))
      .on("POST", "/payments/c/pre-register", v2Error(409, "ALREADY_PAID"));
    const unauthorized = await failure(gateway.getPayment({ merchantUid: "a" }));
    expect(unauthorized).toBeInstanceOf(GatewayRefusalError);
    expect(unauthorized).not.toBeInstanceOf(GatewayNotFoundError);
    expect(unauthorized).toMatchObject({ kind: "unauthorized", retryable: true, httpStatus: 401, code: "UNAUTHORIZED", gatewayMessage: "UNAUTHORIZED 메시지" });
    expect(await failure(gateway.getPayment({ merchantUid: "b" }))).toMatchObject({ kind: "temporary", retryable: true });
    const paid = await failure(gateway.preRegister({ merchantUid: "c", amount: 1, currency: "KRW" }));
    expect(paid).toMatchObject({ kind: "rejected", retryable: false, code: "ALREADY_PAID", method: "POST", path: "/payments/c/pre-register" });
    expect(isRetryable(paid)).toBe(false);
  });
});

describe("transport failures", () => {
  it.each([
    ["500 with a V2 body", () => v2Error(500, "INTERNAL"), 500],
    ["502 without a body", () => new Response("Bad Gateway", { status: 502 }), 502],
    ["503", () => new Response("", { status: 503 }), 503],
    ["429 with a V2 body", () => v2Error(429, "TOO_MANY_REQUESTS"), 429],
    ["408", () => new Response("", { status: 408 }), 408],
    // A proxy's or a wrong base URL's 404 page is not "payment not found": reading it so could fail a paid order.
    ["404 without a V2 body", () => new Response("<html>Not Found</html>", { status: 404 }), 404],
    ["401 without a V2 body", () => new Response("denied", { status: 401 }), 401],
    ["400 with JSON that is not a V2 error", () => json({ error: "bad" }, 400), 400],
    ["a redirect (never followed with the secret)", () => new Response(null, { status: 307, headers: { Location: "https://elsewhere.example/" } }), 307],
  ])("%s → GatewayTransportError http_status", async (_label, response, status) => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/payments/p", response());
    const err = await failure(gateway.getPayment({ merchantUid: "p" }));
    expect(err).toBeInstanceOf(GatewayTransportError);
    expect(err).toMatchObject({ kind: "http_status", status, retryable: true, method: "GET", path: "/payments/p" });
  });

  it("a 2xx body that is not JSON, or not a payment, is 'malformed'", async () => {
    const { fake, gateway } = v2Setup();
    fake
      .on("GET", "/payments/p", new Response("{nope", { status: 200 }))
      .on("GET", "/payments/p", json({ ...v2Payment({ id: "p" }), amount: 10_000 }))
      .on("GET", "/payments/p", json({ ...v2Payment({ id: "p" }), transactionId: undefined }))
      .on("POST", "/payments/p/pre-register", new Response("", { status: 200 }));
    await expect(gateway.getPayment({ merchantUid: "p" })).rejects.toMatchObject({ kind: "malformed", status: 200 });
    await expect(gateway.getPayment({ merchantUid: "p" })).rejects.toMatchObject({ kind: "malformed" });
    await expect(gateway.getPayment({ merchantUid: "p" })).rejects.toMatchObject({ kind: "malformed" });
    await expect(gateway.preRegister({ merchantUid: "p", amount: 1, currency: "KRW" })).rejects.toMatchObject({ kind: "malformed" });
  });

  it("fields V2 adds later pass through: loose schemas", async () => {
    const { fake, gateway } = v2Setup();
    fake.on("GET", "/payments/p", json(v2Payment({ id: "p", brandNewField: { nested: true }, amount: { total: 5, cancelled: 0, newPart: 1 } })));
    expect(await gateway.getPayment({ merchantUid: "p" })).toMatchObject({ status: "paid", amount: 5 });
  });

  it("a rejected fetch is 'network' with no status", async () => {
    const { fake, gateway, calls } = v2Setup();
    fake.on("GET", "/payments/p", () => {
        throw new TypeError("fetch failed");
      });
    const err = await failure(gateway.getPayment({ merchantUid: "p" }));
    expect(err).toBeInstanceOf(GatewayTransportError);
    expect(err).toMatchObject({ kind: "network", retryable: true });
    expect((err as GatewayTransportError).status).toBeUndefined();
    expect(calls.at(-1)).toMatchObject({ kind: "api", method: "GET", path: "/payments/p" });
    expect(calls.at(-1)?.status).toBeUndefined();
  });

  it("a hung fetch is a 'timeout' and its signal is aborted", async () => {
    const { fake, gateway } = v2Setup({ timeoutMs: 20 });
    let signal: AbortSignal | undefined;
    fake.on("GET", "/payments/p", (req) => {
      signal = req.signal;
      return new Promise<Response>((_, reject) => req.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
    });
    await expect(gateway.getPayment({ merchantUid: "p" })).rejects.toMatchObject({ kind: "timeout", retryable: true });
    expect(signal?.aborted).toBe(true);
  });

  it("a fetch that ignores the signal, or a body that never ends, still times out", async () => {
    const { fake, gateway } = v2Setup({ timeoutMs: 20 });
    const endless = new ReadableStream({ start() {} });
    fake.on("GET", "/payments/p", () => new Promise<Response>(() => {})).on("GET", "/payments/q", new Response(endless, { status: 200 }));
    await expect(gateway.getPayment({ merchantUid: "p" })).rejects.toMatchObject({ kind: "timeout" });
    const err = await failure(gateway.getPayment({ merchantUid: "q" }));
    expect(err).toMatchObject({ kind: "timeout", status: 200 });
  });

  it("never puts the API secret in an error, whatever failed", async () => {
    const { fake, gateway } = v2Setup({ timeoutMs: 20 });
    fake
      .on("GET", "/payments/a", v2Error(401, "UNAUTHORIZED"))
      .on("GET", "/payments/b", () => new Promise<Response>(() => {}))
      .on("GET", "/payments/c", new Response("garbage", { status: 200 }))
      .on("GET", "/payments/d", () => {
        throw new TypeError("boom");
      })
      .on("GET", "/payments/e", new Response("", { status: 503 }))
      .on("GET", "/payments/f", v2Error(404, "PAYMENT_NOT_FOUND"));
    for (const id of ["a", "b", "c", "d", "e", "f"]) {
      const e = await failure(gateway.getPayment({ merchantUid: id }));
      expect(e).toBeInstanceOf(GatewayError);
      const text = `${String(e)} ${(e as Error).stack ?? ""} ${JSON.stringify(e)}`;
      expect(text).not.toContain(API_SECRET);
    }
  });
});
