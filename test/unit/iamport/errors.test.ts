import { describe, expect, it } from "vitest";
import {
  classifyRefusal,
  IamportError,
  IamportNotFoundError,
  IamportRefusalError,
  IamportTransportError,
  isRetryable,
} from "../../../src/iamport";
import { json, ok, refusal, tokenOk } from "./fake-fetch";
import { checkedSetup, IMP_SECRET, type setup } from "./setup";

const env = (overrides?: Parameters<typeof setup>[0]) => checkedSetup(overrides, "tok_secret_value_0123456789abcdef");
const failure = (p: Promise<unknown>) => p.then(() => expect.fail("expected a rejection"), (e: unknown) => e);

describe("error mapping", () => {
  it("HTTP 200 with code != 0 is a refusal carrying Iamport's code and message", async () => {
    const { fake, client } = env();
    fake.on("POST", "/payments/cancel", refusal(1, "이미 전액취소된 주문입니다."));
    const err = await failure(client.cancelPayment({ imp_uid: "imp_1", amount: 1000, checksum: 1000 }));
    expect(err).toBeInstanceOf(IamportRefusalError);
    expect(err).not.toBeInstanceOf(IamportNotFoundError);
    expect(err).toMatchObject({ code: 1, iamportMessage: "이미 전액취소된 주문입니다.", httpStatus: 200, kind: "rejected", retryable: false });
    expect((err as Error).message).toContain("이미 전액취소된 주문입니다.");
    expect(isRetryable(err)).toBe(false);
  });

  it("400 with an envelope is a refusal", async () => {
    const { fake, client } = env();
    fake.on("GET", "/payments/find/m_1/weird", refusal(-1, "지원되지 않는 상태값입니다.", 400));
    const err = await failure(client.findPayment("m_1", "weird" as "paid"));
    expect(err).toBeInstanceOf(IamportRefusalError);
    expect(err).toMatchObject({ code: -1, httpStatus: 400, kind: "rejected", retryable: false });
  });

  it("404 with an envelope is IamportNotFoundError (a refusal, not retryable)", async () => {
    const { fake, client } = env();
    fake.on("GET", "/payments/imp_missing", refusal(-1, "존재하지 않는 결제정보입니다.", 404));
    const err = await failure(client.getPayment("imp_missing"));
    expect(err).toBeInstanceOf(IamportNotFoundError);
    expect(err).toBeInstanceOf(IamportRefusalError);
    expect(err).toBeInstanceOf(IamportError);
    expect(err).toMatchObject({ httpStatus: 404, code: -1, kind: "not_found", retryable: false, method: "GET", path: "/payments/imp_missing" });
  });

  it("a lookup refused on HTTP 200 (Iamport's temporary error) is temporary, whatever its code or message", async () => {
    const { fake, client } = env();
    fake
      .on("GET", "/payments/imp_1", refusal(-1, "일시적인 오류가 발생하였습니다. 잠시 후 다시 시도해주세요."))
      .on("GET", "/payments/imp_2", refusal(1, "a message nobody has seen before"));
    for (const id of ["imp_1", "imp_2"]) {
      const err = await failure(client.getPayment(id));
      expect(err).toBeInstanceOf(IamportRefusalError);
      expect(err).toMatchObject({ kind: "temporary", retryable: true });
      expect(isRetryable(err)).toBe(true);
    }
  });

  it("a write refused with a negative code is temporary; with a positive code it is final", async () => {
    const { fake, client } = env();
    const cancel = { imp_uid: "imp_1", amount: 1000, checksum: 1000 };
    fake
      .on("POST", "/payments/cancel", refusal(-1, "PG사 통신 오류"))
      .on("POST", "/payments/cancel", refusal(1, "checksum이 일치하지 않습니다."));
    expect(await failure(client.cancelPayment(cancel))).toMatchObject({ kind: "temporary", retryable: true });
    expect(await failure(client.cancelPayment(cancel))).toMatchObject({ kind: "rejected", retryable: false });
  });

  it("classifies by status, method and code only: the same message can mean either", () => {
    expect(classifyRefusal(404, "GET", -1)).toBe("not_found");
    expect(classifyRefusal(401, "POST", -1)).toBe("unauthorized");
    expect(classifyRefusal(400, "GET", -1)).toBe("rejected");
    expect(classifyRefusal(200, "GET", 1)).toBe("temporary");
    expect(classifyRefusal(200, "POST", -1)).toBe("temporary");
    expect(classifyRefusal(200, "POST", 1)).toBe("rejected");
  });

  it("404 without an envelope (wrong base URL, proxy) is transport, not 'not found'", async () => {
    const { fake, client } = env();
    fake.on("GET", "/payments/imp_1", new Response("<html>Not Found</html>", { status: 404 }));
    const err = await failure(client.getPayment("imp_1"));
    expect(err).toBeInstanceOf(IamportTransportError);
    expect(err).toMatchObject({ kind: "http_status", status: 404, retryable: true });
  });

  it("500 is a retryable transport error even when it carries an envelope", async () => {
    const { fake, client } = env();
    fake.on("GET", "/payments/imp_1", refusal(-1, "internal", 500));
    const err = await failure(client.getPayment("imp_1"));
    expect(err).toBeInstanceOf(IamportTransportError);
    expect(err).toMatchObject({ kind: "http_status", status: 500, retryable: true });
    expect(isRetryable(err)).toBe(true);
  });

  it("a thrown fetch is a transport 'network' error", async () => {
    const { fake, client } = env();
    fake.on("GET", "/payments/imp_1", () => {
      throw new TypeError("Network connection lost.");
    });
    const err = await failure(client.getPayment("imp_1"));
    expect(err).toBeInstanceOf(IamportTransportError);
    expect(err).toMatchObject({ kind: "network", retryable: true });
    expect((err as IamportTransportError).status).toBeUndefined();
  });

  it("a hung fetch becomes a transport 'timeout' and its signal is aborted", async () => {
    const { fake, client, calls } = env({ timeoutMs: 20 });
    let signal: AbortSignal | undefined;
    fake.on("GET", "/payments/imp_1", (req) => {
      signal = req.signal;
      return new Promise<Response>((_, reject) => {
        req.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    });
    const err = await failure(client.getPayment("imp_1"));
    expect(err).toBeInstanceOf(IamportTransportError);
    expect(err).toMatchObject({ kind: "timeout", retryable: true });
    expect(signal?.aborted).toBe(true);
    expect(calls.at(-1)).toMatchObject({ kind: "api", path: "/payments/imp_1" });
    expect(calls.at(-1)?.status).toBeUndefined();
  });

  it("a fetch that ignores the abort signal still times out", async () => {
    const { fake, client } = env({ timeoutMs: 20 });
    fake.on("GET", "/payments/imp_1", () => new Promise<Response>(() => {}));
    const err = await failure(client.getPayment("imp_1"));
    expect(err).toMatchObject({ kind: "timeout" });
  });

  it("a body that is not JSON is transport 'malformed'", async () => {
    const { fake, client } = env();
    fake.on("GET", "/payments/imp_1", new Response("{not json", { status: 200 }));
    const err = await failure(client.getPayment("imp_1"));
    expect(err).toBeInstanceOf(IamportTransportError);
    expect(err).toMatchObject({ kind: "malformed", status: 200, retryable: true });
  });

  it("JSON that is not an envelope, or code 0 with a wrong response shape, is 'malformed'", async () => {
    const { fake, client } = env();
    fake
      .on("GET", "/payments/imp_1", json({ hello: "world" }))
      .on("GET", "/payments/imp_2", ok({ imp_uid: "imp_2", amount: "1000" }));
    await expect(client.getPayment("imp_1")).rejects.toMatchObject({ kind: "malformed" });
    await expect(client.getPayment("imp_2")).rejects.toMatchObject({ kind: "malformed" });
  });

  it("an unexpected status without an envelope is transport 'http_status'", async () => {
    const { fake, client } = env();
    fake.on("GET", "/payments/imp_1", new Response("forbidden", { status: 403 }));
    await expect(client.getPayment("imp_1")).rejects.toMatchObject({ kind: "http_status", status: 403 });
  });

  it("never puts the API secret or the token in error messages", async () => {
    const { fake, client } = env({ timeoutMs: 20 });
    fake
      .on("GET", "/payments/a", refusal(1, "nope"))
      .on("GET", "/payments/b", refusal(-1, "Unauthorized", 401))
      .on("POST", "/users/getToken", tokenOk("tok_secret_value_fedcba9876543210"))
      .on("GET", "/payments/b", refusal(-1, "Unauthorized", 401))
      .on("GET", "/payments/c", () => new Promise<Response>(() => {}))
      .on("GET", "/payments/d", new Response("garbage", { status: 200 }))
      .on("GET", "/payments/e", ok({ access_token: "tok_secret_value_0123456789abcdef" }));
    const errors: unknown[] = [];
    for (const id of ["a", "b", "c", "d", "e"]) errors.push(await failure(client.getPayment(id)));

    for (const e of errors) {
      expect(e).toBeInstanceOf(IamportError);
      const text = `${String(e)} ${(e as Error).stack ?? ""} ${JSON.stringify(e)}`;
      expect(text).not.toContain(IMP_SECRET);
      expect(text).not.toContain("tok_secret_value");
    }
  });

  it("isRetryable is false for non-Iamport errors", () => {
    expect(isRetryable(new Error("x"))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});
