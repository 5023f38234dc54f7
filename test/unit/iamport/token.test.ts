import { describe, expect, it } from "vitest";
import { createIamportClient, createTokenCache, IamportRefusalError, IamportTransportError } from "../../../src/iamport";
import { BASE, deferred, ok, payment, refusal, tokenOk } from "./fake-fetch";
import { checkedSetup, IMP_KEY, IMP_SECRET, setup } from "./setup";

const env = (overrides?: Parameters<typeof setup>[0]) => checkedSetup(overrides);

describe("access token", () => {
  it("fetches once and reuses the cached token across calls", async () => {
    const { fake, client, calls } = env();
    fake
      .on("POST", "/users/getToken", tokenOk("tok_a"))
      .on("GET", "/payments/imp_1", ok(payment({ imp_uid: "imp_1" })))
      .on("GET", "/payments/imp_2", ok(payment({ imp_uid: "imp_2" })));

    await client.getPayment("imp_1");
    await client.getPayment("imp_2");

    expect(fake.tokenRequests()).toHaveLength(1);
    expect(fake.tokenRequests()[0]!.body).toEqual({ imp_key: IMP_KEY, imp_secret: IMP_SECRET });
    expect(fake.apiRequests().map((r) => r.headers.get("Authorization"))).toEqual(["Bearer tok_a", "Bearer tok_a"]);
    expect(calls.map((c) => c.kind)).toEqual(["token", "api", "api"]);
    expect(calls[1]).toMatchObject({ kind: "api", method: "GET", path: "/payments/imp_1", status: 200 });
  });

  it("keeps the token while more than a minute remains and refreshes inside the last minute (local clock)", async () => {
    const { fake, client, advance } = env();
    fake.on("POST", "/users/getToken", tokenOk("tok_a", 1800));
    expect(await client.getToken()).toBe("tok_a");

    advance((1800 - 61) * 1000);
    expect(await client.getToken()).toBe("tok_a");
    expect(fake.tokenRequests()).toHaveLength(1);

    advance(2000); // 59 s left
    fake.on("POST", "/users/getToken", tokenOk("tok_b", 1800));
    expect(await client.getToken()).toBe("tok_b");
    expect(fake.tokenRequests()).toHaveLength(2);
  });

  it("lets concurrent callers share one in-flight token request", async () => {
    const { fake, client } = env();
    const gate = deferred<Response>();
    fake.on("POST", "/users/getToken", () => gate.promise);
    for (const id of ["imp_1", "imp_2", "imp_3"]) fake.on("GET", `/payments/${id}`, ok(payment({ imp_uid: id })));

    const all = Promise.all(["imp_1", "imp_2", "imp_3"].map((id) => client.getPayment(id)));
    await new Promise((r) => setTimeout(r, 5));
    gate.resolve(tokenOk("tok_shared"));
    const got = await all;

    expect(got.map((p) => p.imp_uid)).toEqual(["imp_1", "imp_2", "imp_3"]);
    expect(fake.tokenRequests()).toHaveLength(1);
    expect(fake.apiRequests().every((r) => r.headers.get("Authorization") === "Bearer tok_shared")).toBe(true);
  });

  it("shares a token cache between client instances with the same account", async () => {
    const { fake } = checkedSetup();
    const tokenCache = createTokenCache();
    const make = () =>
      createIamportClient({ fetch: fake.fetch, baseUrl: BASE, impKey: IMP_KEY, impSecret: IMP_SECRET, tokenCache });
    fake.on("POST", "/users/getToken", tokenOk("tok_a"));
    expect(await make().getToken()).toBe("tok_a");
    expect(await make().getToken()).toBe("tok_a");
    expect(fake.tokenRequests()).toHaveLength(1);
  });

  it("does not keep a failed refresh: the next caller tries again", async () => {
    const { fake, client } = env();
    fake.on("POST", "/users/getToken", new Response("oops", { status: 503 }));
    await expect(client.getToken()).rejects.toBeInstanceOf(IamportTransportError);
    fake.on("POST", "/users/getToken", tokenOk("tok_b"));
    expect(await client.getToken()).toBe("tok_b");
  });

  it("reports bad credentials as an 'unauthorized' refusal without retrying in the call", async () => {
    const { fake, client } = env();
    fake.on("POST", "/users/getToken", refusal(-1, "인증에 실패하였습니다. API키와 secret을 확인하세요.", 401));
    const err = await client.getPayment("imp_1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IamportRefusalError);
    // Retryable later (a queue message waits and tries again), never an answer about the payment.
    expect(err).toMatchObject({ code: -1, httpStatus: 401, kind: "unauthorized", retryable: true });
    expect(fake.requests).toHaveLength(1);
  });

  it("on 401 drops the token, fetches a fresh one and retries exactly once", async () => {
    const { fake, client, calls } = env();
    fake
      .on("POST", "/users/getToken", tokenOk("tok_old"))
      .on("GET", "/payments/imp_1", refusal(-1, "Unauthorized", 401))
      .on("POST", "/users/getToken", tokenOk("tok_new"))
      .on("GET", "/payments/imp_1", ok(payment({ imp_uid: "imp_1" })));

    const p = await client.getPayment("imp_1");
    expect(p.imp_uid).toBe("imp_1");
    expect(fake.apiRequests().map((r) => r.headers.get("Authorization"))).toEqual(["Bearer tok_old", "Bearer tok_new"]);
    expect(calls.map((c) => `${c.kind}:${c.status}`)).toEqual(["token:200", "api:401", "token:200", "api:200"]);
    // The fresh token is cached for later calls.
    expect(await client.getToken()).toBe("tok_new");
  });

  it("turns a 401 that persists after the refresh into an 'unauthorized' refusal, worth retrying later", async () => {
    const { fake, client } = env();
    fake
      .on("POST", "/users/getToken", tokenOk("tok_1"))
      .on("GET", "/payments/imp_1", refusal(-1, "Unauthorized", 401))
      .on("POST", "/users/getToken", tokenOk("tok_2"))
      .on("GET", "/payments/imp_1", new Response("", { status: 401 }));

    const err = await client.getPayment("imp_1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IamportRefusalError);
    expect(err).toMatchObject({ httpStatus: 401, kind: "unauthorized", retryable: true });
    expect(fake.apiRequests()).toHaveLength(2);
  });
});
