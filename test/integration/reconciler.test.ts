import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { CallInfo } from "../../src/iamport";
import type { ValidationMessage, ValidationQueue } from "../../src/domain/messages";
import { depsFor, observeIamportCalls } from "../../src/services/deps";
import { reconcile } from "../../src/services/reconcile";
import { call, signUp } from "../helpers/http";
import { complete, createOrder } from "../helpers/orders";
import { consoleCancel, pay } from "../helpers/sandbox";
import { appIamport, gatewayOver } from "../helpers/iamport";
import { eventsOf, paymentRow, waitForStatus } from "../helpers/wait";

// The cron's reconciler. The database is shared with the other test files running at the same time, so every
// assertion here is about rows this file made, and every queue used forwards to the real one (rows of other
// files that a run happens to pick up are still validated, as in production).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
afterEach(() => observeIamportCalls(undefined));

const realQueue = () => depsFor(env).queue;

/** A queue that records what it is given and forwards it; `refuse` makes it throw for matching messages. */
function recordingQueue(refuse: (m: ValidationMessage) => boolean = () => false) {
  const real = realQueue();
  const sent: ValidationMessage[] = [];
  const queue: ValidationQueue = {
    send: async (m) => {
      if (refuse(m)) throw new Error("message refused by the queue");
      sent.push(m);
      await real.send(m);
    },
    sendBatch: async (ms) => {
      if (ms.some(refuse)) throw new Error("batch refused by the queue");
      sent.push(...ms);
      await real.sendBatch(ms);
    },
  };
  return { queue, sent };
}

const randomHex = () => crypto.randomUUID().replace(/-/g, "");

/** `n` unpaid orders of a fresh buyer, created `ageMs` ago and never sent for validation (abandoned checkouts). */
async function abandonedOrders(n: number, ageMs: number) {
  const buyer = await signUp();
  const uids = Array.from({ length: n }, () => `pay_${randomHex()}`);
  const createdAt = Date.now() - ageMs;
  await env.DB.batch(
    uids.map((uid) =>
      env.DB.prepare(
        "INSERT INTO payments (merchant_uid, user_id, name, amount, status, created_at, updated_at) VALUES (?, ?, 'Abandoned', 1000, 'ready', ?, ?)",
      ).bind(uid, buyer.user.id, createdAt, createdAt),
    ),
  );
  return uids;
}

const queuedAt = async (uids: string[]) =>
  (
    await env.DB.prepare(
      `SELECT merchant_uid, validation_queued_at FROM payments WHERE merchant_uid IN (SELECT value FROM json_each(?))`,
    )
      .bind(JSON.stringify(uids))
      .all<{ merchant_uid: string; validation_queued_at: number | null }>()
  ).results;

describe("stuck orders past D1's 100-parameter limit", () => {
  it("re-enqueues a hundred orders a run when 150 are due, and the rest on the next run", async () => {
    const mine = await abandonedOrders(150, 2 * HOUR);
    const { queue, sent } = recordingQueue();
    const now = Date.now();
    const first = await reconcile(depsFor(env, { queue, now: () => now }));
    expect(first.failed).toEqual([]);
    expect(first.stuck_payments).toBe(100);
    // The longest-waiting go first: these two-hour-old orders before anything the other files made.
    const sentMine = sent.filter((m) => mine.includes(m.merchant_uid!));
    expect(sentMine).toHaveLength(100);
    expect((await queuedAt(mine)).filter((r) => r.validation_queued_at === now)).toHaveLength(100);

    const second = await reconcile(depsFor(env, { queue, now: () => now + 1 }));
    expect(second.failed).toEqual([]);
    expect((await queuedAt(mine)).every((r) => r.validation_queued_at !== null)).toBe(true);
  });
});

describe("independent steps", () => {
  it("runs every step although a message is refused and a step fails, and reports both", async () => {
    const [bad, ...good] = await abandonedOrders(4, 3 * HOUR);
    const { queue, sent } = recordingQueue((m) => m.merchant_uid === bad);
    const oldKey = `independent-${crypto.randomUUID()}`;
    await env.DB.prepare("INSERT INTO idempotency_keys (user_id, scope, key, request_hash, created_at) VALUES ('u', 's', ?, 'h', ?)")
      .bind(oldKey, Date.now() - 2 * DAY)
      .run();
    const failingIamport = gatewayOver({
      ...appIamport(),
      getPayments: async () => {
        throw new Error("multi-get exploded");
      },
    });
    // A due re-check makes the failing multi-get run.
    const paid = await paidPayment(4_400);
    await env.DB.prepare("UPDATE payments SET next_recheck_at = 1 WHERE merchant_uid = ?").bind(paid.merchantUid).run();

    const report = await reconcile(depsFor(env, { queue, gateway: failingIamport }));
    expect(report.failed).toEqual([{ step: "rechecks", error: "multi-get exploded" }]);
    expect(report.unsent_messages).toBeGreaterThanOrEqual(1);
    expect(sent.map((m) => m.merchant_uid)).toEqual(expect.arrayContaining(good));
    const rows = await queuedAt([bad!, ...good]);
    expect(rows.find((r) => r.merchant_uid === bad)!.validation_queued_at).toBeNull();
    expect(rows.filter((r) => good.includes(r.merchant_uid)).every((r) => r.validation_queued_at !== null)).toBe(true);
    // Steps after the failing one still ran.
    expect(await env.DB.prepare("SELECT 1 FROM idempotency_keys WHERE key = ?").bind(oldKey).first()).toBeNull();
    // The failed re-check keeps its due time, so the next run tries again.
    expect((await paymentRow(paid.merchantUid)).next_recheck_at).toBe(1);
  });
});

async function paidPayment(amount: number) {
  const buyer = await signUp();
  const order = await createOrder(buyer, amount);
  const paid = await pay({ merchant_uid: order.merchant_uid, amount, webhook: "none" });
  await complete(buyer, order.merchant_uid, paid.imp_uid!);
  const row = await waitForStatus(order.merchant_uid, "paid");
  return { buyer, merchantUid: order.merchant_uid as string, impUid: paid.imp_uid!, row };
}

/** Moves a payment's paid time (and so its re-check schedule) into the past, as if it had been paid `ago` ms ago. */
const paidAgo = (merchantUid: string, ago: number) =>
  env.DB.prepare(
    "UPDATE payments SET paid_at = ?1, next_recheck_at = ?1 + ?2 WHERE merchant_uid = ?3",
  )
    .bind(Date.now() - ago, HOUR, merchantUid)
    .run();

const multiGets = (calls: CallInfo[]) => calls.filter((c) => c.kind === "api" && c.method === "GET" && c.path === "/payments");

describe("re-checking paid payments (lost cancel webhooks)", () => {
  it("schedules a paid payment's first re-check an hour after it was paid", async () => {
    const { row } = await paidPayment(5_100);
    expect(row.next_recheck_at).toBe(row.paid_at + HOUR);
  });

  it("notices a console cancel whose webhook was lost, with one multi-payment lookup, and moves the schedule on", async () => {
    const cancelled = await paidPayment(5_200);
    const untouched = await paidPayment(5_300);
    await consoleCancel({ imp_uid: cancelled.impUid, reason: "console, webhook lost", webhook: false });
    // Nothing told pocketpay: it still offers the whole amount as refundable.
    expect((await paymentRow(cancelled.merchantUid)).status).toBe("paid");
    await paidAgo(cancelled.merchantUid, 2 * HOUR);
    await paidAgo(untouched.merchantUid, 2 * HOUR);

    const calls: CallInfo[] = [];
    observeIamportCalls((c) => calls.push(c));
    const now = Date.now();
    const report = await reconcile(depsFor(env, { now: () => now }));
    expect(report.failed).toEqual([]);
    expect(report.rechecked_payments).toBeGreaterThanOrEqual(2);
    expect(report.recheck_changed).toBeGreaterThanOrEqual(1);
    expect(multiGets(calls)).toHaveLength(1);

    const row = await waitForStatus(cancelled.merchantUid, "cancelled");
    expect(row.cancelled_amount).toBe(5_200);
    expect((await eventsOf(cancelled.merchantUid)).at(-1)).toMatchObject({ to_status: "cancelled", source: "reconciler" });
    // The unchanged one was only compared: no validation, no event, next look a day after it was paid.
    const same = await paymentRow(untouched.merchantUid);
    expect(same.status).toBe("paid");
    expect(await eventsOf(untouched.merchantUid)).toHaveLength(1);
    expect(same.next_recheck_at).toBe(same.paid_at + DAY);
  });

  it("costs one Iamport call per hundred due payments, and ends the schedule after thirty days", async () => {
    const buyer = await signUp();
    const paidAt = Date.now() - 31 * DAY;
    const uids = Array.from({ length: 101 }, () => randomHex());
    await env.DB.batch(
      uids.map((hex, i) =>
        env.DB.prepare(
          `INSERT INTO payments (merchant_uid, user_id, imp_uid, name, amount, status, created_at, updated_at, paid_at, next_recheck_at)
           VALUES (?1, ?2, ?3, 'Old', 1000, 'paid', ?4, ?4, ?4, ?5)`,
        ).bind(`pay_${hex}`, buyer.user.id, `imp_rc${hex.slice(0, 20)}`, paidAt, paidAt + 30 * DAY - (101 - i)),
      ),
    );
    const calls: CallInfo[] = [];
    observeIamportCalls((c) => calls.push(c));
    const first = await reconcile(depsFor(env));
    expect(first.failed).toEqual([]);
    expect(first.rechecked_payments).toBe(100);
    expect(multiGets(calls)).toHaveLength(1);
    const second = await reconcile(depsFor(env));
    expect(second.rechecked_payments).toBeGreaterThanOrEqual(1);
    expect(multiGets(calls)).toHaveLength(2);
    const left = await env.DB.prepare(
      "SELECT count(*) AS n FROM payments WHERE user_id = ? AND next_recheck_at IS NOT NULL",
    )
      .bind(buyer.user.id)
      .first<{ n: number }>();
    expect(left!.n).toBe(0);
  });

  it("always looks up a webhook that reports a cancel, even for an order our books show fully cancelled", async () => {
    const { merchantUid, impUid } = await paidPayment(5_400);
    await consoleCancel({ imp_uid: impUid, reason: "console", webhook: false });
    await paidAgo(merchantUid, 2 * HOUR);
    await reconcile(depsFor(env));
    await waitForStatus(merchantUid, "cancelled");
    const { validatePayment } = await import("../../src/services/validate-payment");
    const calls: CallInfo[] = [];
    observeIamportCalls((c) => calls.push(c));
    const lookups = () => calls.filter((c) => c.kind === "api" && c.path === `/payments/${impUid}`).length;
    await validatePayment(depsFor(env), { imp_uid: impUid, merchant_uid: merchantUid, source: "webhook", hint_status: "cancelled" });
    expect(lookups()).toBe(1);
    await validatePayment(depsFor(env), { imp_uid: impUid, merchant_uid: merchantUid, source: "webhook", hint_status: "paid", cancellation_id: "C1" });
    expect(lookups()).toBe(2);
  });
});

describe("retention", () => {
  it("deletes expired and logged-out sessions, keys older than 24 hours and old processed deliveries, nothing else", async () => {
    const now = Date.now();
    const marker = crypto.randomUUID();
    const user = await signUp();
    const loggedOut = await signUp();
    expect((await call("POST", "/api/auth/logout", { token: loggedOut.token })).status).toBe(204);
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?").bind(now - 1, user.user.id).run();
    const keys = [
      [`${marker}-old`, now - 25 * HOUR],
      [`${marker}-young`, now - 23 * HOUR],
    ] as const;
    for (const [key, at] of keys) {
      await env.DB.prepare("INSERT INTO idempotency_keys (user_id, scope, key, request_hash, created_at) VALUES ('u', 's', ?, 'h', ?)")
        .bind(key, at)
        .run();
    }
    const deliveries = [
      ["old-processed", now - 31 * DAY, now - 31 * DAY],
      ["old-unprocessed", now - 31 * DAY, null],
      ["young-processed", now - 29 * DAY, now - 29 * DAY],
    ] as const;
    for (const [tag, received, processed] of deliveries) {
      await env.DB.prepare("INSERT INTO webhook_inbox (received_at, body, valid, processed_at) VALUES (?, ?, 1, ?)")
        .bind(received, `${marker}-${tag}`, processed)
        .run();
    }

    const at = Date.now() + 1;
    const report = await reconcile(depsFor(env, { now: () => at }));
    expect(report.failed).toEqual([]);
    const sessionsOf = async (userId: string) =>
      (await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n;
    expect(await sessionsOf(user.user.id)).toBe(0);
    expect(await sessionsOf(loggedOut.user.id)).toBe(0);
    const keysLeft = (await env.DB.prepare("SELECT key FROM idempotency_keys WHERE key LIKE ?").bind(`${marker}%`).all<{ key: string }>()).results;
    expect(keysLeft.map((k) => k.key)).toEqual([`${marker}-young`]);
    const deliveriesLeft = (
      await env.DB.prepare("SELECT body FROM webhook_inbox WHERE body LIKE ? ORDER BY body").bind(`${marker}%`).all<{ body: string }>()
    ).results;
    expect(deliveriesLeft.map((d) => d.body)).toEqual([`${marker}-old-unprocessed`, `${marker}-young-processed`]);
    // A live session is untouched.
    const live = await signUp();
    await reconcile(depsFor(env));
    expect((await call("GET", "/api/me", { token: live.token })).status).toBe(200);
  });

  it("deletes at most 500 rows of a kind per run", async () => {
    const scope = `bounded-${crypto.randomUUID()}`;
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 520)
       INSERT INTO idempotency_keys (user_id, scope, key, request_hash, created_at) SELECT 'u', ?, 'k' || i, 'h', ? FROM n`,
    )
      .bind(scope, Date.now() - 3 * DAY)
      .run();
    const left = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM idempotency_keys WHERE scope = ?").bind(scope).first<{ n: number }>())!.n;
    const first = await reconcile(depsFor(env));
    expect(first.purged.idempotency_keys).toBe(500);
    expect(await left()).toBeGreaterThanOrEqual(20);
    await reconcile(depsFor(env));
    expect(await left()).toBe(0);
  });
});
