import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { advanceClock, DAY, readClock, resetClock } from "../../helpers/clock";
import { call, expectError, json, signUp } from "../../helpers/http";
import { complete, createOrder } from "../../helpers/orders";
import { pay, sandbox } from "../../helpers/sandbox";
import { eventsOf, waitForStatus } from "../../helpers/wait";

// The test clock (README "Moving time"): one offset, in D1, that every request, queue batch and cron run reads
// through deps.now(), moved together with the Iamport sandbox's. This pass runs with TEST_CLOCK on.

afterEach(async () => {
  await resetClock();
});

describe("the test clock", () => {
  it("moves pocketpay's time and the sandbox's together, and puts both back", async () => {
    const start = await resetClock();
    expect(start).toMatchObject({ offset_seconds: 0, sandbox: { offset_seconds: 0 }, in_step: true });

    const before = Date.now();
    const moved = await advanceClock(31 * DAY);
    expect(moved).toMatchObject({ offset_seconds: 31 * DAY, sandbox: { offset_seconds: 31 * DAY }, in_step: true });
    expect(moved.now_ms).toBeGreaterThanOrEqual(before + 31 * DAY * 1000);
    expect(Date.parse(moved.now)).toBe(moved.now_ms);
    // Advances add up, and the sandbox's own view agrees.
    await advanceClock(DAY);
    expect((await sandbox("GET", "/__control/clock")).offset_seconds).toBe(32 * DAY);
    expect((await readClock()).offset_seconds).toBe(32 * DAY);

    expect(await resetClock()).toMatchObject({ offset_seconds: 0, sandbox: { offset_seconds: 0 } });
    expect((await sandbox("GET", "/__control/clock")).offset_seconds).toBe(0);
  });

  it("says when the sandbox's clock was moved alone", async () => {
    await sandbox("POST", "/__control/clock", { advance_seconds: 60 });
    expect(await readClock()).toMatchObject({ offset_seconds: 0, sandbox: { offset_seconds: 60 }, in_step: false });
  });

  it("refuses a bad advance with the JSON error body, moving nothing", async () => {
    for (const body of [{ seconds: 0 }, { seconds: -5 }, { seconds: 1.5 }, { seconds: "60" }, {}, { seconds: 60, extra: 1 }]) {
      await expectError(await call("POST", "/__test-clock/advance", { body }), 400, "invalid_request");
    }
    const form = await call("POST", "/__test-clock/advance", { rawBody: "seconds=60", headers: { "content-type": "application/x-www-form-urlencoded" } });
    await expectError(form, 415, "unsupported_media_type");
    expect(await readClock()).toMatchObject({ offset_seconds: 0, sandbox: { offset_seconds: 0 } });
  });

  it("is what requests see: a 30-day session is over once the clock passes it", async () => {
    const buyer = await signUp();
    expect((await call("GET", "/api/me", { token: buyer.token })).status).toBe(200);
    await advanceClock(31 * DAY);
    await expectError(await call("GET", "/api/me", { token: buyer.token }), 401);
    await resetClock();
    expect((await call("GET", "/api/me", { token: buyer.token })).status).toBe(200);
  });

  it("is what the queue consumer sees: a payment validated a year ahead is paid a year ahead", async () => {
    const { offset_seconds } = await advanceClock(366 * DAY);
    const buyer = await signUp();
    const order = await createOrder(buyer, 9_000, "Year-ahead latte");
    const paid = await pay({ merchant_uid: order.merchant_uid, amount: 9_000, webhook: "none" });
    expect((await complete(buyer, order.merchant_uid, paid.imp_uid!)).status).toBe(202);
    const row = await waitForStatus(order.merchant_uid, "paid");
    const yearAhead = Date.now() + (offset_seconds - DAY) * 1000;
    // Created by a request, paid by the consumer (its timeline event and updated_at), at Iamport by the sandbox.
    expect(Date.parse(order.created_at)).toBeGreaterThan(yearAhead);
    expect(row.updated_at).toBeGreaterThan(yearAhead);
    const [event] = await eventsOf(order.merchant_uid);
    expect(event).toMatchObject({ source: "browser", to_status: "paid" });
    expect(event.created_at).toBeGreaterThan(yearAhead);
    expect(row.paid_at).toBeGreaterThan(yearAhead);
  });

  it("is what the cron sees: sessions past their expiry on the test clock are purged", async () => {
    const buyer = await signUp();
    const sessionsOf = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?").bind(buyer.user.id).first<{ n: number }>())!.n;
    const runCron = () => worker.scheduled(createScheduledController(), env);
    await runCron();
    expect(await sessionsOf()).toBe(1);
    await advanceClock(31 * DAY);
    await runCron();
    expect(await sessionsOf()).toBe(0);
  });

  it("costs a request exactly one D1 round trip while on", async () => {
    // GET /api/products is 1 round trip without the clock (test/integration/budgets.test.ts, the main pass).
    const res = await call("GET", "/api/products");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-d1-round-trips")).toBe("2");
    await json(res);
  });
});
