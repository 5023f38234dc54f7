import { beforeAll, describe, expect, it } from "vitest";
import { api, backdate, billingKey, paid, sbx, uid } from "./client";

// Every behaviour here names the operation of the official schema (shared/reference/iamport-v1.openapi.json) it
// follows; where the schema is silent the choice is in sandbox/README.md's behaviour table.

describe("multi-lookups", () => {
  // GET /payments (operationId getPaymentListByImpUid): 200 all found, 207 some, 404 "해당되는 결제건을 찾지 못하였습니다.".
  it("GET /payments answers 200 for all found, 207 for some, 404 for none", async () => {
    const a = await paid(1_000);
    const b = await paid(2_000);
    const all = await api("GET", `/payments?imp_uid[]=${a.imp_uid}&merchant_uid[]=${b.merchant_uid}`);
    expect(all.status).toBe(200);
    expect(all.json.response.map((p: any) => p.imp_uid).sort()).toEqual([a.imp_uid, b.imp_uid].sort());

    const some = await api("GET", `/payments?imp_uid[]=${a.imp_uid}&merchant_uid[]=${uid()}`);
    expect(some.status).toBe(207);
    expect(some.json.response.map((p: any) => p.imp_uid)).toEqual([a.imp_uid]);

    const none = await api("GET", `/payments?imp_uid[]=imp_000000000000&merchant_uid[]=${uid()}`);
    expect(none.status).toBe(404);
    expect(none.json).toEqual({ code: -1, message: "해당되는 결제건을 찾지 못하였습니다.", response: null });
  });

  // GET /subscribe/customers (operationId customer_view_multiple): 200 / 207 / 404 "유효하지 않은 customer_uid".
  it("GET /subscribe/customers answers 200 for all found, 207 for some, 404 for none", async () => {
    const a = await billingKey();
    const all = await api("GET", `/subscribe/customers?customer_uid[]=${a}`);
    expect(all.status).toBe(200);
    expect(all.json.response.map((c: any) => c.customer_uid)).toEqual([a]);

    const some = await api("GET", `/subscribe/customers?customer_uid[]=${a}&customer_uid[]=${uid("nobody")}`);
    expect(some.status).toBe(207);
    expect(some.json.response).toHaveLength(1);

    const none = await api("GET", `/subscribe/customers?customer_uid[]=${uid("nobody")}&customer_uid[]=${uid("nobody")}`);
    expect(none.status).toBe(404);
    expect(none.json).toEqual({ code: -1, message: "유효하지 않은 customer_uid", response: null });
  });
});

// GET /payments/status/{payment_status} (operationId getPaymentsByStatus): paged (PagedPaymentAnnotation), a window of
// at most 90 days (to defaults to now, from to 90 days before to), each payment searched by the time of its status
// (ready: started, paid: paid, cancelled: cancelled, failed: failed); 400 for a bad status or a page past the end.
describe("GET /payments/status/{payment_status}", () => {
  // A window of this test's own, years in the past: nothing else in the shared sandbox falls into it.
  const base = 1_000_000_000 + Math.floor(Math.random() * 100_000_000);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    for (const [name, at] of [["p1", 100], ["p2", 200], ["p3", 300]] as const) {
      ids[name] = (await paid(1_000)).imp_uid;
      await backdate(ids[name]!, { started_at: base + at - 10, paid_at: base + at });
    }
    const failed = await sbx("POST", "/__control/pay", { merchant_uid: uid(), amount: 1_000, outcome: "failed" });
    ids.failed = failed.json.imp_uid;
    await backdate(ids.failed!, { started_at: base + 140, failed_at: base + 150 });
    const ready = await sbx("POST", "/__control/pay", { merchant_uid: uid(), amount: 1_000, outcome: "ready" });
    ids.ready = ready.json.imp_uid;
    await backdate(ids.ready!, { started_at: base + 50 });
    ids.cancelled = (await paid(1_000)).imp_uid;
    expect((await api("POST", "/payments/cancel", { imp_uid: ids.cancelled })).json.code).toBe(0);
    await backdate(ids.cancelled!, { started_at: base + 5, paid_at: base + 10, cancelled_at: base + 250 });
  });

  const search = async (status: string, query: string) => api("GET", `/payments/status/${status}?${query}`);
  const uids = (res: { json: any }) => res.json.response.list.map((p: any) => p.imp_uid);

  it("finds each payment by the time of its current status", async () => {
    const paidOnes = await search("paid", `from=${base}&to=${base + 1000}`);
    expect(paidOnes.status).toBe(200);
    expect(paidOnes.json.response).toMatchObject({ total: 3, previous: 0, next: 0 });
    // Default sorting -started: newest first.
    expect(uids(paidOnes)).toEqual([ids.p3, ids.p2, ids.p1]);

    // p1 started at base+90 but is searched by paid_at (base+100); the failed one by failed_at (base+150).
    expect(uids(await search("all", `from=${base + 85}&to=${base + 95}`))).toEqual([]);
    expect(uids(await search("all", `from=${base + 95}&to=${base + 105}`))).toEqual([ids.p1]);
    expect(uids(await search("failed", `from=${base + 145}&to=${base + 155}`))).toEqual([ids.failed]);
    expect(uids(await search("ready", `from=${base + 50}&to=${base + 50}`))).toEqual([ids.ready]);
    // Cancelled: by cancelled_at, and no longer among the paid ones at its paid_at.
    expect(uids(await search("cancelled", `from=${base + 240}&to=${base + 260}`))).toEqual([ids.cancelled]);
    expect(uids(await search("paid", `from=${base}&to=${base + 20}`))).toEqual([]);

    const ascending = await search("paid", `from=${base}&to=${base + 1000}&sorting=paid`);
    expect(uids(ascending)).toEqual([ids.p1, ids.p2, ids.p3]);
  });

  it("defaults from to 90 days before to, and refuses a wider or inverted window", async () => {
    const everything = await search("all", `to=${base + 1000}`);
    expect(everything.json.response.total).toBe(6);
    // from alone: to is now, decades later, so the window is over 90 days.
    const wide = await search("all", `from=${base}`);
    expect(wide.status).toBe(400);
    expect(wide.json).toEqual({ code: -1, message: "검색기간은 최대 90일까지 지정할 수 있습니다.", response: null });
    expect((await search("all", `from=${base}&to=${base + 90 * 86_400 + 1}`)).status).toBe(400);
    expect((await search("all", `from=${base + 10}&to=${base}`)).status).toBe(400);
    expect((await search("all", `from=${base}&to=${base + 90 * 86_400}`)).status).toBe(200);
  });

  it("pages with limit, and answers 400 for a page past the end even when the list is empty", async () => {
    const window = `from=${base}&to=${base + 1000}`;
    const first = await search("paid", `${window}&limit=2`);
    expect(first.json.response).toMatchObject({ total: 3, previous: 0, next: 2 });
    expect(uids(first)).toEqual([ids.p3, ids.p2]);
    const second = await search("paid", `${window}&limit=2&page=2`);
    expect(second.json.response).toMatchObject({ total: 3, previous: 1, next: 0 });
    expect(uids(second)).toEqual([ids.p1]);
    const past = await search("paid", `${window}&limit=2&page=3`);
    expect(past.status).toBe(400);
    expect(past.json).toEqual({ code: -1, message: "요청하신 page가 범위를 벗어났습니다.", response: null });

    const emptyWindow = `from=${base + 5000}&to=${base + 6000}`;
    expect((await search("all", emptyWindow)).json.response).toEqual({ total: 0, previous: 0, next: 0, list: [] });
    expect((await search("all", `${emptyWindow}&page=2`)).status).toBe(400);
  });

  it("refuses a bad status, page, limit or sorting in Korean", async () => {
    const status = await search("weird", "");
    expect(status.status).toBe(400);
    // IAMPORTER test/payment.test.js: findAllByStatus with an invalid status.
    expect(status.json).toEqual({ code: -1, message: "지원되지 않는 상태값입니다.", response: null });
    const limit = await search("all", "limit=1001");
    expect(limit.status).toBe(400);
    expect(limit.json.message).toBe("limit 파라메터가 올바르지 않습니다.");
    expect((await search("all", "limit=0")).status).toBe(400);
    expect((await search("all", "page=0")).json.message).toBe("page 파라메터가 올바르지 않습니다.");
    expect((await search("all", "page=two")).status).toBe(400);
    expect((await search("all", "sorting=newest")).json.message).toBe("sorting 파라메터가 올바르지 않습니다.");
  });
});

// GET /payments/find/{merchant_uid}/{payment_status} (operationId getPaymentByMerchantUid): payment_status is optional
// with default "", so an empty segment means any status; 404 "거래건이 존재하지 않는 경우".
describe("GET /payments/find/{merchant_uid}/{payment_status}", () => {
  it("treats an empty or omitted status as any status, and a miss as payment-not-found", async () => {
    const merchant_uid = uid();
    const declined = await sbx("POST", "/__control/pay", { merchant_uid, amount: 3_000, outcome: "failed" });
    const ok = await paid(3_000, { merchant_uid });
    expect((await api("GET", `/payments/find/${merchant_uid}`)).json.response.imp_uid).toBe(ok.imp_uid);
    const trailing = await api("GET", `/payments/find/${merchant_uid}/`);
    expect(trailing.status).toBe(200);
    expect(trailing.json.response.imp_uid).toBe(ok.imp_uid);
    expect((await api("GET", `/payments/find/${merchant_uid}/failed`)).json.response.imp_uid).toBe(declined.json.imp_uid);

    const missing = await api("GET", `/payments/find/${uid()}/`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ code: -1, message: "존재하지 않는 결제정보입니다.", response: null });
    expect((await api("GET", `/payments/find/${merchant_uid}/weird`)).status).toBe(400);
  });
});

// GET /payments/findAll/{merchant_uid}/{payment_status} (operationId getAllPaymentsByMerchantUid): every attempt,
// paged (page, limit ≤ 1000, sorting); 400 for bad parameters, 404 "유효하지 않은 merchant_uid"
// (message `존재하지 않는 결제정보입니다.`, IAMPORTER test/payment.test.js).
describe("GET /payments/findAll/{merchant_uid}/{payment_status}", () => {
  it("lists every attempt for the order, filtered and paged", async () => {
    const merchant_uid = uid();
    const first = await sbx("POST", "/__control/pay", { merchant_uid, amount: 3_000, outcome: "failed" });
    const second = await sbx("POST", "/__control/pay", { merchant_uid, amount: 3_000, outcome: "failed" });
    const last = await paid(3_000, { merchant_uid });

    const all = await api("GET", `/payments/findAll/${merchant_uid}`);
    expect(all.json.response).toMatchObject({ total: 3, previous: 0, next: 0 });
    expect(all.json.response.list.map((p: any) => p.imp_uid)).toEqual([last.imp_uid, second.json.imp_uid, first.json.imp_uid]);
    expect((await api("GET", `/payments/findAll/${merchant_uid}/`)).json.response.total).toBe(3);

    const failed = await api("GET", `/payments/findAll/${merchant_uid}/failed?sorting=started`);
    expect(failed.json.response.list.map((p: any) => p.imp_uid)).toEqual([first.json.imp_uid, second.json.imp_uid]);

    const page2 = await api("GET", `/payments/findAll/${merchant_uid}?limit=1&page=2`);
    expect(page2.json.response).toMatchObject({ total: 3, previous: 1, next: 3 });
    expect(page2.json.response.list.map((p: any) => p.imp_uid)).toEqual([second.json.imp_uid]);
    expect((await api("GET", `/payments/findAll/${merchant_uid}?limit=1&page=4`)).status).toBe(400);

    const none = await api("GET", `/payments/findAll/${uid()}`);
    expect(none.status).toBe(404);
    expect(none.json).toEqual({ code: -1, message: "존재하지 않는 결제정보입니다.", response: null });
    expect((await api("GET", `/payments/findAll/${merchant_uid}/cancelled`)).status).toBe(404);
    expect((await api("GET", `/payments/findAll/${merchant_uid}/weird`)).json.message).toBe("지원되지 않는 상태값입니다.");
  });
});
