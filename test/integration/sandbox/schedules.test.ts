import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, apiForm, billingKey, nowSec, paid, sbx, settledWebhooks, uid, webhooksOf } from "./client";

// Iamport's own scheduler, for shops that use it (pocketpay does not). Operations of the official schema: schedule,
// unschedule, getScheduleByMid, findSchedulesByCustomer (both paths), findSchedulesByRange; ScheduleResultAnnotation.
// Nothing here moves the shared clock: schedules run through __control/schedules/run with `until`, scoped to the
// test's own customer.

const DAY = 86_400;

async function schedule(customer_uid: string, items: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  return api("POST", "/subscribe/payments/schedule", { customer_uid, schedules: items, ...extra });
}

const item = (at: number, extra: Record<string, unknown> = {}) => ({
  merchant_uid: uid("sch"),
  schedule_at: at,
  amount: 9_900,
  name: "월 구독",
  ...extra,
});

const run = (body: Record<string, unknown>) => sbx("POST", "/__control/schedules/run", body);
const getSchedule = async (merchant_uid: string) => (await api("GET", `/subscribe/payments/schedule/${merchant_uid}`)).json.response;

describe("POST /subscribe/payments/schedule", () => {
  it("stores schedules with buyer_* from the key's customer_*, null imp_uid and payment_status", async () => {
    const customer_uid = await billingKey("5107-3700-1234-5678", { customer_name: "김민지", customer_email: "minji@example.com" });
    const at = nowSec() + DAY;
    const res = await schedule(customer_uid, [item(at, { custom_data: '{"plan":"basic"}' }), item(at + DAY, { buyer_name: "이서준" })]);
    expect(res.json.code).toBe(0);
    expect(res.json.response).toHaveLength(2);
    expect(res.json.response[0]).toEqual({
      customer_uid,
      merchant_uid: res.json.response[0].merchant_uid,
      imp_uid: null,
      pg_provider: "html5_inicis",
      pg_id: "INIBillTst",
      customer_id: null,
      schedule_at: at,
      executed_at: 0,
      revoked_at: 0,
      amount: 9_900,
      currency: "KRW",
      name: "월 구독",
      buyer_name: "김민지",
      buyer_email: "minji@example.com",
      buyer_tel: null,
      buyer_addr: null,
      buyer_postcode: null,
      custom_data: '{"plan":"basic"}',
      schedule_status: "scheduled",
      payment_status: null,
      fail_reason: null,
      promotion_id: null,
    });
    // Both given: buyer_* wins (schema description of the schedule operation).
    expect(res.json.response[1].buyer_name).toBe("이서준");
    expect(await getSchedule(res.json.response[1].merchant_uid)).toMatchObject({ schedule_status: "scheduled", schedule_at: at + DAY });
    const none = await api("GET", `/subscribe/payments/schedule/${uid("sch")}`);
    expect(none.status).toBe(404);
  });

  it("takes the PHP-style form body (schedules[0][merchant_uid]=...)", async () => {
    const customer_uid = await billingKey();
    const merchant_uid = uid("sch");
    const res = await apiForm("POST", "/subscribe/payments/schedule", {
      customer_uid,
      "schedules[0][merchant_uid]": merchant_uid,
      "schedules[0][schedule_at]": String(nowSec() + DAY),
      "schedules[0][amount]": "4900",
      "schedules[0][name]": "주간 구독",
    });
    expect(res.json.response).toMatchObject([{ merchant_uid, amount: 4_900, name: "주간 구독", schedule_status: "scheduled" }]);
  });

  it("refuses an unknown customer_uid without card data first, and issues a key when card data is given", async () => {
    // iamport-rest-client-python PR #45: code 1, 등록된 고객정보가 없습니다. (here even with a broken schedule list).
    const unknown = await schedule(uid("nobody"), [{ merchant_uid: "" }]);
    expect(unknown).toMatchObject({ status: 200, json: { code: 1, message: "등록된 고객정보가 없습니다.", response: null } });

    const customer_uid = uid("cust");
    const withCard = await schedule(customer_uid, [item(nowSec() + DAY)], { card_number: "4111-1111-1111-1111", expiry: "2099-12" });
    expect(withCard.json.response).toMatchObject([{ customer_uid, schedule_status: "scheduled" }]);
    expect((await api("GET", `/subscribe/customers/${customer_uid}`)).json.response.card_name).toBe("신한카드");

    const refusedUid = uid("cust");
    const scheduled = item(nowSec() + DAY);
    const badCard = await schedule(refusedUid, [scheduled], { card_number: "4111-1111-1111-0002", expiry: "2099-12" });
    expect(badCard.json).toEqual({ code: -1, message: "카드정보 인증에 실패하였습니다.", response: null });
    expect((await api("GET", `/subscribe/payments/schedule/${scheduled.merchant_uid}`)).status).toBe(404);
  });

  it("refuses a past time, a merchant_uid already scheduled or paid, and stores none of the batch then", async () => {
    const customer_uid = await billingKey();
    const future = item(nowSec() + DAY);
    const past = await schedule(customer_uid, [future, item(nowSec() - 60)]);
    expect(past).toMatchObject({ status: 400, json: { code: -1, message: "결제예약 시각은 현재 시각 이후여야 합니다." } });
    expect((await api("GET", `/subscribe/payments/schedule/${future.merchant_uid}`)).status).toBe(404);

    const first = item(nowSec() + DAY);
    expect((await schedule(customer_uid, [first])).json.code).toBe(0);
    const fresh = item(nowSec() + DAY);
    const again = await schedule(customer_uid, [fresh, { ...item(nowSec() + 2 * DAY), merchant_uid: first.merchant_uid }]);
    expect(again.json).toEqual({ code: 1, message: "이미 결제예약된 merchant_uid입니다.", response: null });
    const twiceInOne = await schedule(customer_uid, [fresh, fresh]);
    expect(twiceInOne.json.code).toBe(1);
    expect((await api("GET", `/subscribe/payments/schedule/${fresh.merchant_uid}`)).status).toBe(404);

    const { merchant_uid } = await paid(1_000);
    const paidOrder = await schedule(customer_uid, [{ ...item(nowSec() + DAY), merchant_uid }]);
    expect(paidOrder.json).toEqual({ code: 1, message: "이미 결제가 이루어진 거래건입니다.", response: null });

    // Racing requests for one merchant_uid: one is stored, the other refused.
    const contested = item(nowSec() + DAY);
    const raced = await Promise.all([schedule(customer_uid, [contested]), schedule(customer_uid, [contested])]);
    expect(raced.map((r) => r.json.code).sort()).toEqual([0, 1]);
  });
});

describe("GET /subscribe/customers/{customer_uid}/schedules and /subscribe/payments/schedule/customers/{customer_uid}", () => {
  it("lists the customer's schedules newest first, filtered by schedule-status, 20 a page", async () => {
    const customer_uid = await billingKey();
    const start = nowSec() + DAY;
    const items = Array.from({ length: 21 }, (_, i) => item(start + i * 3600));
    expect((await schedule(customer_uid, items)).json.code).toBe(0);
    await api("POST", "/subscribe/payments/unschedule", { customer_uid, merchant_uid: [items[0]!.merchant_uid] });

    const window = `from=${start}&to=${start + 30 * DAY}`;
    for (const path of [`/subscribe/customers/${customer_uid}/schedules`, `/subscribe/payments/schedule/customers/${customer_uid}`]) {
      const page1 = await api("GET", `${path}?${window}`);
      expect(page1.json.response).toMatchObject({ total: 21, previous: 0, next: 2 });
      expect(page1.json.response.list).toHaveLength(20);
      expect(page1.json.response.list[0].merchant_uid).toBe(items[20]!.merchant_uid);
      const page2 = await api("GET", `${path}?${window}&page=2`);
      expect(page2.json.response).toMatchObject({ total: 21, previous: 1, next: 0 });
      expect(page2.json.response.list.map((s: any) => s.merchant_uid)).toEqual([items[0]!.merchant_uid]);
      expect((await api("GET", `${path}?${window}&page=3`)).status).toBe(400);

      const revoked = await api("GET", `${path}?${window}&schedule-status=revoked`);
      expect(revoked.json.response.list.map((s: any) => s.merchant_uid)).toEqual([items[0]!.merchant_uid]);
      expect((await api("GET", `${path}?${window}&schedule-status=scheduled`)).json.response.total).toBe(20);
      expect((await api("GET", `${path}?${window}&schedule-status=executed`)).json.response).toEqual({ total: 0, previous: 0, next: 0, list: [] });
      // from <= schedule_at < to.
      expect((await api("GET", `${path}?from=${start}&to=${start + 3600}`)).json.response.total).toBe(1);
    }
  });

  it("requires from and to, a window of at most 3 months, and a known schedule-status", async () => {
    const path = `/subscribe/customers/${await billingKey()}/schedules`;
    const now = nowSec();
    expect((await api("GET", `${path}?to=${now}`)).json).toEqual({ code: -1, message: "from 파라메터가 누락되었습니다.", response: null });
    const wide = await api("GET", `${path}?from=${now}&to=${now + 93 * DAY}`);
    expect(wide).toMatchObject({ status: 400, json: { message: "검색기간은 최대 3개월까지 지정할 수 있습니다." } });
    expect((await api("GET", `${path}?from=${now}&to=${now}`)).status).toBe(400);
    expect((await api("GET", `${path}?from=${now}&to=${now + DAY}&schedule-status=done`)).json.message).toBe(
      "schedule-status 파라메터가 올바르지 않습니다.",
    );
  });

  it("GET /subscribe/payments/schedule lists a time range across customers", async () => {
    // A window far ahead that only this test schedules into.
    const start = nowSec() + 300 * DAY + Math.floor(Math.random() * 1_000) * DAY;
    const a = item(start + 10);
    const b = item(start + 20);
    await schedule(await billingKey(), [a]);
    await schedule(await billingKey(), [b]);
    const q = `schedule_from=${start}&schedule_to=${start + DAY}`;
    const newest = await api("GET", `/subscribe/payments/schedule?${q}`);
    expect(newest.json.response.list.map((s: any) => s.merchant_uid)).toEqual([b.merchant_uid, a.merchant_uid]);
    const oldest = await api("GET", `/subscribe/payments/schedule?${q}&sorting=scheduled&limit=1`);
    expect(oldest.json.response).toMatchObject({ total: 2, next: 2 });
    expect(oldest.json.response.list.map((s: any) => s.merchant_uid)).toEqual([a.merchant_uid]);
    expect((await api("GET", `/subscribe/payments/schedule?schedule_to=${start}`)).status).toBe(400);
  });
});

describe("POST /subscribe/payments/unschedule", () => {
  it("revokes by merchant_uid (array, string or form) or all of a customer's, and says when there is nothing", async () => {
    const customer_uid = await billingKey();
    const at = nowSec() + DAY;
    const [a, b, c, d] = [item(at), item(at), item(at), item(at)];
    await schedule(customer_uid, [a, b, c, d]);

    const byArray = await api("POST", "/subscribe/payments/unschedule", { customer_uid, merchant_uid: [a.merchant_uid] });
    expect(byArray.json.response).toMatchObject([{ merchant_uid: a.merchant_uid, schedule_status: "revoked" }]);
    expect(byArray.json.response[0].revoked_at).toBeGreaterThan(0);
    const byString = await api("POST", "/subscribe/payments/unschedule", { merchant_uid: b.merchant_uid });
    expect(byString.json.response.map((s: any) => s.merchant_uid)).toEqual([b.merchant_uid]);
    const byForm = await apiForm("POST", "/subscribe/payments/unschedule", { customer_uid, "merchant_uid[]": c.merchant_uid });
    expect(byForm.json.response.map((s: any) => s.merchant_uid)).toEqual([c.merchant_uid]);
    const rest = await api("POST", "/subscribe/payments/unschedule", { customer_uid });
    expect(rest.json.response.map((s: any) => s.merchant_uid)).toEqual([d.merchant_uid]);

    // iamport-rest-client-python tests/test_pay_unschedule.py.
    const nothing = await api("POST", "/subscribe/payments/unschedule", { customer_uid });
    expect(nothing).toMatchObject({ status: 200, json: { code: 1, message: "취소할 예약결제 기록이 존재하지 않습니다.", response: null } });
    // Someone else's customer_uid does not revoke this customer's schedule.
    const e = item(at);
    await schedule(customer_uid, [e]);
    expect((await api("POST", "/subscribe/payments/unschedule", { customer_uid: await billingKey(), merchant_uid: [e.merchant_uid] })).json.code).toBe(1);
    expect((await api("POST", "/subscribe/payments/unschedule", {})).status).toBe(400);

    // A revoked schedule never runs.
    expect((await run({ customer_uid, until: at })).json.executed.map((x: any) => x.merchant_uid)).toEqual([e.merchant_uid]);
    expect((await api("GET", `/payments/find/${a.merchant_uid}`)).status).toBe(404);
  });
});

describe("running due schedules", () => {
  it("charges the key when due, as a payment of its own, and notifies paid", async () => {
    const customer_uid = await billingKey();
    const at = nowSec() + DAY;
    const [due, later] = [item(at, { custom_data: "renewal-7" }), item(at + DAY)];
    await schedule(customer_uid, [due, later]);

    const result = await run({ customer_uid, until: at });
    expect(result.json.executed).toEqual([{ merchant_uid: due.merchant_uid, imp_uid: expect.stringMatching(/^imp_\d{12}$/), payment_status: "paid" }]);
    const s = await getSchedule(due.merchant_uid);
    expect(s).toMatchObject({ schedule_status: "executed", payment_status: "paid", imp_uid: result.json.executed[0].imp_uid, fail_reason: null });
    expect(s.executed_at).toBeGreaterThan(0);
    const payment = (await api("GET", `/payments/${s.imp_uid}`)).json.response;
    expect(payment).toMatchObject({ merchant_uid: due.merchant_uid, status: "paid", channel: "api", customer_uid, amount: 9_900, name: "월 구독", custom_data: "renewal-7", pg_id: "INIBillTst" });
    expect((await settledWebhooks(due.merchant_uid, 1)).map((w) => JSON.parse(w.body))).toEqual([
      { imp_uid: s.imp_uid, merchant_uid: due.merchant_uid, status: "paid" },
    ]);
    expect((await getSchedule(later.merchant_uid)).schedule_status).toBe("scheduled");

    // Run again: nothing left that is due, nothing charged twice.
    expect((await run({ customer_uid, until: at })).json.executed).toEqual([]);
    expect((await api("GET", `/payments/findAll/${due.merchant_uid}`)).json.response.total).toBe(1);

    // A refund shows on the schedule: payment_status "cancelled" (ScheduleResultAnnotation.payment_status).
    await api("POST", "/payments/cancel", { imp_uid: s.imp_uid });
    expect((await getSchedule(due.merchant_uid)).payment_status).toBe("cancelled");
  });

  it("records a declined run as failed and notifies failed too", async () => {
    const customer_uid = await billingKey("5107-3700-0000-0051");
    const at = nowSec() + DAY;
    const s = item(at);
    await schedule(customer_uid, [s]);
    await run({ customer_uid, until: at });
    expect(await getSchedule(s.merchant_uid)).toMatchObject({ schedule_status: "executed", payment_status: "failed", fail_reason: "[3011] 카드 한도 초과" });
    // The scheduler's webhook fires for failed attempts too (webhook doc: "예약결제가 시도되었을 때 - paid or failed").
    expect((await settledWebhooks(s.merchant_uid, 1)).map((w) => JSON.parse(w.body).status)).toEqual(["failed"]);
  });

  it("fails the run without a payment when the key was deleted", async () => {
    const customer_uid = await billingKey();
    const at = nowSec() + DAY;
    const s = item(at);
    await schedule(customer_uid, [s]);
    await api("DELETE", `/subscribe/customers/${customer_uid}`);
    await run({ customer_uid, until: at });
    expect(await getSchedule(s.merchant_uid)).toMatchObject({ schedule_status: "executed", payment_status: "failed", imp_uid: null, fail_reason: "등록되지 않은 구매자입니다." });
    expect(await webhooksOf(s.merchant_uid)).toEqual([]);
  });

  it("charges once when runs race, and a revoke racing a run wins or loses whole", async () => {
    const customer_uid = await billingKey();
    const at = nowSec() + DAY;
    const [raced, contested] = [item(at), item(at)];
    await schedule(customer_uid, [raced]);
    const runs = await Promise.all(Array.from({ length: 5 }, () => run({ customer_uid, merchant_uid: raced.merchant_uid, until: at })));
    expect(runs.flatMap((r) => r.json.executed)).toHaveLength(1);
    expect((await api("GET", `/payments/findAll/${raced.merchant_uid}`)).json.response.total).toBe(1);
    expect(await getSchedule(raced.merchant_uid)).toMatchObject({ payment_status: "paid", fail_reason: null });
    expect(await settledWebhooks(raced.merchant_uid, 1)).toHaveLength(1);

    // Declines are not stopped by the paid-order guard: only the claim keeps racing runs to one attempt.
    const declining = await billingKey("5107-3700-0000-0051");
    const declined = item(at);
    await schedule(declining, [declined]);
    await Promise.all(Array.from({ length: 5 }, () => run({ customer_uid: declining, until: at })));
    expect((await api("GET", `/payments/findAll/${declined.merchant_uid}`)).json.response.total).toBe(1);

    await schedule(customer_uid, [contested]);
    const [ran, revoke] = await Promise.all([
      run({ customer_uid, merchant_uid: contested.merchant_uid, until: at }),
      api("POST", "/subscribe/payments/unschedule", { merchant_uid: [contested.merchant_uid] }),
    ]);
    const s = await getSchedule(contested.merchant_uid);
    const charged = (await api("GET", `/payments/find/${contested.merchant_uid}`)).status === 200;
    if (s.schedule_status === "revoked") {
      expect(revoke.json.code).toBe(0);
      expect(ran.json.executed).toEqual([]);
      expect(charged).toBe(false);
    } else {
      expect(s.schedule_status).toBe("executed");
      expect(revoke.json.code).toBe(1);
      expect(charged).toBe(true);
    }
  });

  it("runs what fell due when the sandbox clock moves", async () => {
    const customer_uid = await billingKey();
    const s = item(nowSec() + DAY);
    await schedule(customer_uid, [s]);
    // Test setup: the schedule's time is made to have passed, without moving the clock every test shares.
    await env.SANDBOX_DB.prepare("UPDATE sandbox_schedules SET schedule_at = ? WHERE merchant_uid = ?").bind(nowSec() - 1, s.merchant_uid).run();
    const clock = await sbx("POST", "/__control/clock", { advance_seconds: 0 });
    expect(clock.json.schedules_executed).toBeGreaterThanOrEqual(1);
    expect((await getSchedule(s.merchant_uid)).payment_status).toBe("paid");
  });
});
