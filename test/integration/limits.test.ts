import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { CallInfo } from "../../src/iamport";
import { observeIamportCalls } from "../../src/services/deps";
import { adminUser, call, fetchChecked, signUp, type TestUser } from "../helpers/http";
import { complete, createOrder } from "../helpers/orders";
import { pay } from "../helpers/sandbox";
import { waitFor, waitForInboxDrained, waitForStatus } from "../helpers/wait";

// Rate limits count in fixed one-minute windows of the wall clock. A window may end in the middle of a test, which
// only ever gives a caller more room, never less: so a test asserts that at least `limit` requests of a fresh key
// pass, and that 2 x limit + 1 requests meet at least one 429 (one of the two windows they span holds more than
// `limit`). Every test uses its own users and addresses. The per-address limits are 20 a minute in tests
// (vitest.config.ts; 120 and 300 in wrangler.toml), the per-account ones are the real ones.
const ADDRESS_LIMIT = 20;

afterEach(() => observeIamportCalls(undefined));

const uniqueIp = () => `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}-${crypto.randomUUID().slice(0, 6)}`;

function observe() {
  const calls: CallInfo[] = [];
  observeIamportCalls((c) => calls.push(c));
  return calls;
}

type Result = { status: number; retryAfter: string | null };

/** Sends the requests, a few at a time, and keeps each answer's status and Retry-After. */
async function statusesOf(requests: Array<() => Promise<Response>>, concurrency = 4): Promise<Result[]> {
  const out: Result[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const res = await requests[next++]!();
        out.push({ status: res.status, retryAfter: res.headers.get("retry-after") });
        await res.body?.cancel();
      }
    }),
  );
  return out;
}

/** At least `limit` answered `passStatus`, at least one was refused with 429 + Retry-After, and nothing else came back. */
function expectLimited(results: Result[], limit: number, passStatus: number) {
  expect(results.length).toBeGreaterThanOrEqual(2 * limit + 1);
  expect(results.filter((r) => r.status === passStatus).length).toBeGreaterThanOrEqual(limit);
  const limited = results.filter((r) => r.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  for (const r of limited) expect(Number(r.retryAfter)).toBeGreaterThan(0);
  expect(results.filter((r) => r.status !== passStatus && r.status !== 429)).toEqual([]);
}

const ordersOf = async (userId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM payments WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n;

describe("order creation", () => {
  it("lets a buyer order a few times a minute, and stops one account making orders in bulk (10 a minute)", async () => {
    const buyer = await signUp();
    const calls = observe();
    const create = (body: unknown) => call("POST", "/api/payments", { token: buyer.token, body });
    // A real buyer: a few orders in a row, all answered.
    for (let i = 1; i <= 4; i++) expect((await create({ name: `Coffee ${i}`, amount: 4_000 + i })).status).toBe(201);
    // Then a script. Its bodies are invalid, so any that a window boundary lets through makes no order either.
    const burst = await statusesOf(Array.from({ length: 17 }, () => () => create({ name: "Bulk", amount: 1 })), 1);
    const all = [...Array(4).fill({ status: 400, retryAfter: null }), ...burst];
    expectLimited(all, 10, 400);
    // Refused requests never reached Iamport.
    expect(calls.filter((c) => c.path === "/payments/prepare")).toHaveLength(4);
    expect(await ordersOf(buyer.user.id)).toBe(4);
  });

  it("limits one address however many accounts it uses", async () => {
    const ip = uniqueIp();
    const buyers: TestUser[] = [];
    for (let i = 0; i < 5; i++) buyers.push(await signUp());
    // Under 10 per account: only the address limit can refuse them.
    const requests = Array.from({ length: 2 * ADDRESS_LIMIT + 1 }, (_, i) => () =>
      call("POST", "/api/payments", { token: buyers[i % 5]!.token, body: { name: "Bulk", amount: 1 }, headers: { "cf-connecting-ip": ip } }),
    );
    expectLimited(await statusesOf(requests), ADDRESS_LIMIT, 400);
  });
});

describe("completion", () => {
  it("limits one account's payment reports (30 a minute), before anything is read or asked", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 3_000);
    const calls = observe();
    const requests = Array.from({ length: 61 }, () => () =>
      call("POST", `/api/payments/${order.merchant_uid}/complete`, { token: buyer.token, body: { imp_uid: "not-an-imp-uid" } }),
    );
    expectLimited(await statusesOf(requests), 30, 400);
    expect(calls).toEqual([]);
  });
});

describe("refunds", () => {
  it("limits one admin's refunds (60 a minute)", async () => {
    const admin = await adminUser();
    const requests = Array.from({ length: 121 }, () => () =>
      call("POST", `/api/payments/pay_${"e".repeat(32)}/refunds`, { token: admin.token, body: { amount: 0, reason: "x" } }),
    );
    expectLimited(await statusesOf(requests), 60, 400);
  });
});

describe("anonymous requests cost no Iamport call", () => {
  it("answers signed-out returns with made-up ids without asking Iamport, and limits the address", async () => {
    const calls = observe();
    const ip = uniqueIp();
    const made = () => `pay_${crypto.randomUUID().replace(/-/g, "")}`;
    const back = () =>
      call("GET", `/payments/return?${new URLSearchParams({ imp_uid: "imp_100000000001", merchant_uid: made() })}`, {
        headers: { "cf-connecting-ip": ip },
      });
    const results = await statusesOf(Array.from({ length: 2 * ADDRESS_LIMIT + 1 }, () => back));
    expectLimited(results, ADDRESS_LIMIT, 303);
    // A real order is still looked up (so the observer does see the consumer's calls), and only it.
    const buyer = await signUp();
    const order = await createOrder(buyer, 6_100);
    const paid = await pay({ merchant_uid: order.merchant_uid, amount: 6_100, webhook: "none" });
    expect((await call("GET", `/payments/return?${new URLSearchParams({ imp_uid: paid.imp_uid!, merchant_uid: order.merchant_uid })}`)).status).toBe(303);
    await waitForStatus(order.merchant_uid, "paid");
    expect(calls.filter((c) => c.kind === "api" && c.method === "GET").map((c) => c.path)).toEqual([`/payments/find/${order.merchant_uid}`]);
  });

  it("stores fifty webhooks with random ids without asking Iamport", async () => {
    const calls = observe();
    const ours = () => `pay_${crypto.randomUUID().replace(/-/g, "")}`;
    const random = () => `imp_${String(Math.floor(Math.random() * 1e12)).padStart(12, "0")}`;
    const uids: string[] = [];
    for (let i = 0; i < 50; i++) {
      // Half with a merchant_uid in our format but unknown, half with one pocketpay never issues.
      const merchant_uid = i % 2 === 0 ? ours() : `order-${i}`;
      uids.push(merchant_uid);
      const res = await call("POST", "/webhooks/iamport", { body: { imp_uid: random(), merchant_uid, status: "paid" } });
      expect(res.status).toBe(200);
    }
    await waitFor("every delivery processed", async () => {
      const row = await env.DB.prepare(
        "SELECT count(*) AS n, sum(processed_at IS NOT NULL) AS done FROM webhook_inbox WHERE merchant_uid IN (SELECT value FROM json_each(?))",
      )
        .bind(JSON.stringify(uids))
        .first<{ n: number; done: number }>();
      return row?.n === 50 && row.done === 50;
    });
    expect(calls).toEqual([]);
  });

  it("does not ask Iamport about an imp_uid Iamport already confirmed for another order", async () => {
    const owner = await signUp();
    const paidOrder = await createOrder(owner, 6_200);
    const paid = await pay({ merchant_uid: paidOrder.merchant_uid, amount: 6_200, webhook: "none" });
    await complete(owner, paidOrder.merchant_uid, paid.imp_uid!);
    await waitForStatus(paidOrder.merchant_uid, "paid");
    const other = await createOrder(await signUp(), 6_200);
    const calls = observe();
    const res = await call("POST", "/webhooks/iamport", { body: { imp_uid: paid.imp_uid, merchant_uid: other.merchant_uid, status: "paid" } });
    expect(res.status).toBe(200);
    await waitForInboxDrained(other.merchant_uid, 1);
    expect(calls).toEqual([]);
    expect(await env.DB.prepare("SELECT status, imp_uid FROM payments WHERE merchant_uid = ?").bind(other.merchant_uid).first()).toEqual({
      status: "ready",
      imp_uid: null,
    });
  });

  it("limits webhooks per address while the allow-list is off", async () => {
    const ip = uniqueIp();
    const requests = Array.from({ length: 2 * ADDRESS_LIMIT + 1 }, (_, i) => () =>
      call("POST", "/webhooks/iamport", {
        body: { imp_uid: "imp_100000000002", merchant_uid: `flood-${i}`, status: "paid" },
        headers: { "cf-connecting-ip": ip },
      }),
    );
    expectLimited(await statusesOf(requests), ADDRESS_LIMIT, 200);
  });

  it("does not put calls from inside the account (no client address: the sandbox's webhooks) in one bucket", async () => {
    const post = (i: number) => () =>
      fetchChecked(
        new Request("http://localhost:8787/webhooks/iamport", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ imp_uid: "imp_100000000003", merchant_uid: `internal-${i}`, status: "paid" }),
        }),
      );
    const results = await statusesOf(Array.from({ length: 2 * ADDRESS_LIMIT + 1 }, (_, i) => post(i)));
    expect(results.map((r) => r.status)).toEqual(Array(2 * ADDRESS_LIMIT + 1).fill(200));
  });
});
