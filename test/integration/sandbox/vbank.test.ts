import { describe, expect, it } from "vitest";
import { api, nowSec, paid, sbx, settledWebhooks, uid, webhooksOf } from "./client";

// Virtual accounts (가상계좌). The Payment's vbank fields are PaymentAnnotation's vbank_code, vbank_name, vbank_num,
// vbank_holder, vbank_date ("입금받을 가상계좌 마감기한 UNIX timestamp") and vbank_issued_at; status `ready` until the
// deposit (PaymentAnnotation.status "ready: 미결제"). Webhooks: issued → ready, deposited → paid (webhook doc).

const IMP = "imp00000000";

function windowUrl(params: Record<string, unknown>) {
  const q = new URLSearchParams({ p: JSON.stringify(params), imp: IMP, mode: "popup", origin: "http://localhost:8787", nonce: "n" });
  return `/window?${q}`;
}

/** The buyer issues an account in the window, at the given bank. */
async function issue(amount = 25_000, extra: Record<string, unknown> = {}, bank?: string) {
  const merchant_uid = uid("vb");
  const res = await sbx("POST", "/__window/act", {
    p: JSON.stringify({ merchant_uid, amount, pay_method: "vbank", name: "겨울 코트", ...extra }),
    imp: IMP,
    action: "approve",
    ...(bank ? { bank } : {}),
  });
  return { merchant_uid, res };
}

/** 23:59:59 KST of a calendar day, as unix seconds. */
const endOfKstDay = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 23, 59, 59) / 1000 - 9 * 3600;

describe("the payment window with pay_method vbank", () => {
  it("asks for the bank with a labelled select and offers to issue an account instead of approving a charge", async () => {
    const page = await sbx("GET", windowUrl({ merchant_uid: uid("vb"), amount: 25_000, pay_method: "vbank" }));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<label for="bank">입금 은행</label>');
    expect(page.text).toMatch(/<select id="bank" name="bank" autofocus>/);
    expect(page.text).toContain('<option value="088">신한은행</option>');
    expect(page.text).toContain(">가상계좌 발급</button>");
    expect(page.text).toContain("<dd>가상계좌</dd>");
    expect(page.text).not.toContain("결제 승인");
    // Every button is a real <button type="button"> with its text as its name: keyboard operable as is.
    for (const b of page.text.match(/<button[^>]*>[^<]*<\/button>/g) ?? []) expect(b).toMatch(/^<button type="button"[^>]*>[^<\s][^<]*<\/button>$/);

    const card = await sbx("GET", windowUrl({ merchant_uid: uid(), amount: 1_000 }));
    expect(card.text).toContain("<dd>신용카드</dd>");
    expect(card.text).toContain("결제 승인");
    expect(card.text).not.toContain('id="bank"');
  });

  it("issues an account: the callback succeeds with status ready and the account, the Payment carries it", async () => {
    const before = nowSec();
    const { merchant_uid, res } = await issue(25_000, {}, "088");
    expect(res.json).toMatchObject({
      success: true,
      error_code: null,
      merchant_uid,
      status: "ready",
      pay_method: "vbank",
      paid_amount: 25_000,
      vbank_name: "신한은행",
      vbank_holder: "샌드박스상점",
    });
    expect(res.json.vbank_num).toMatch(/^\d{14}$/);

    const p = (await api("GET", `/payments/${res.json.imp_uid}`)).json.response;
    expect(p).toMatchObject({
      status: "ready",
      pay_method: "vbank",
      amount: 25_000,
      vbank_code: "088",
      vbank_name: "신한은행",
      vbank_num: res.json.vbank_num,
      vbank_holder: "샌드박스상점",
      vbank_date: res.json.vbank_date,
      paid_at: 0,
      card_name: null,
      apply_num: null,
      receipt_url: null,
    });
    expect(p.vbank_issued_at).toBeGreaterThanOrEqual(before);
    // No vbank_due: the end of the 7th day after issuance, KST (README).
    expect(p.vbank_date - p.vbank_issued_at).toBeGreaterThan(6 * 86_400);
    expect(p.vbank_date - p.vbank_issued_at).toBeLessThanOrEqual(8 * 86_400);
    expect(p.pg_tid).toMatch(/^StdpayVBNKINIpayTest/);
    expect((await settledWebhooks(merchant_uid, 1)).map((w) => JSON.parse(w.body))).toEqual([
      { imp_uid: res.json.imp_uid, merchant_uid, status: "ready" },
    ]);
  });

  it("takes vbank_due as a deadline and refuses one that has passed", async () => {
    const { res } = await issue(10_000, { vbank_due: "20991231" });
    expect(res.json.vbank_date).toBe(endOfKstDay(2099, 12, 31));
    const { res: timed } = await issue(10_000, { vbank_due: "2099-06-01 10:30" });
    expect(timed.json.vbank_date).toBe(Date.UTC(2099, 5, 1, 1, 30) / 1000);

    const merchant_uid = uid("vb");
    const page = await sbx("GET", windowUrl({ merchant_uid, amount: 10_000, pay_method: "vbank", vbank_due: "20200101" }));
    expect(page.text).toContain("(F0002)");
    expect(page.text).not.toContain("가상계좌 발급</button>");
    const { res: past } = await issue(10_000, { vbank_due: "20200101" });
    expect(past.json).toMatchObject({ success: false, imp_uid: null, error_code: "F0002" });
    expect((await issue(10_000, { vbank_due: "20991341" })).res.json.error_code).toBe("F0002");
  });
});

describe("__control/vbank: the deposit and the deadline", () => {
  it("a deposit pays the payment and notifies paid; only the exact amount, only once", async () => {
    const { merchant_uid, res } = await issue(25_000);
    const imp_uid = res.json.imp_uid;
    const wrong = await sbx("POST", "/__control/vbank/deposit", { imp_uid, amount: 20_000 });
    expect(wrong.status).toBe(400);
    expect((await api("GET", `/payments/${imp_uid}`)).json.response.status).toBe("ready");

    const deposited = await sbx("POST", "/__control/vbank/deposit", { imp_uid, amount: 25_000 });
    expect(deposited.json.response).toMatchObject({ status: "paid", amount: 25_000, vbank_num: res.json.vbank_num });
    expect(deposited.json.response.paid_at).toBeGreaterThan(0);
    expect(deposited.json.response.receipt_url).toContain(deposited.json.response.pg_tid);
    const p = (await api("GET", `/payments/${imp_uid}`)).json.response;
    expect(p.status).toBe("paid");
    expect((await settledWebhooks(merchant_uid, 2)).map((w) => JSON.parse(w.body).status)).toEqual(["ready", "paid"]);

    const twice = await sbx("POST", "/__control/vbank/deposit", { imp_uid });
    expect(twice.status).toBe(409);
    expect((await sbx("POST", "/__control/vbank/deposit", { imp_uid: (await paid(1_000)).imp_uid })).status).toBe(400);
    expect((await sbx("POST", "/__control/vbank/deposit", { imp_uid: "imp_000000000000" })).status).toBe(404);
  });

  it("racing deposits pay once", async () => {
    const { merchant_uid, res } = await issue(5_000);
    const results = await Promise.all(Array.from({ length: 4 }, () => sbx("POST", "/__control/vbank/deposit", { imp_uid: res.json.imp_uid })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect((await settledWebhooks(merchant_uid, 2)).filter((w) => JSON.parse(w.body).status === "paid")).toHaveLength(1);
  });

  it("after the deadline the account takes no deposit, stays ready and sends nothing", async () => {
    const { merchant_uid, res } = await issue(25_000);
    const imp_uid = res.json.imp_uid;
    const expired = await sbx("POST", "/__control/vbank/expire", { imp_uid });
    expect(expired.json.response.status).toBe("ready");
    expect(expired.json.response.vbank_date).toBeLessThan(nowSec() + 1);
    const late = await sbx("POST", "/__control/vbank/deposit", { imp_uid });
    expect(late).toMatchObject({ status: 409, json: { code: 1, message: "입금기한이 지난 가상계좌입니다." } });
    expect((await api("GET", `/payments/${imp_uid}`)).json.response).toMatchObject({ status: "ready", paid_at: 0 });
    expect((await settledWebhooks(merchant_uid, 1)).map((w) => JSON.parse(w.body).status)).toEqual(["ready"]);
  });

  it("never leaves an order paid twice: a deposit after a card payment of the same order is refused", async () => {
    const { merchant_uid, res } = await issue(25_000);
    // The buyer gave up on the transfer and paid by card instead.
    await paid(25_000, { merchant_uid });
    const deposit = await sbx("POST", "/__control/vbank/deposit", { imp_uid: res.json.imp_uid });
    expect(deposit).toMatchObject({ status: 409, json: { message: "이미 결제가 이루어진 거래건입니다." } });
    expect((await api("GET", `/payments/findAll/${merchant_uid}/paid`)).json.response.total).toBe(1);
  });

  it("the control pay route issues accounts too, and refuses to 'pay' one outright", async () => {
    const merchant_uid = uid("vb");
    const issued = await sbx("POST", "/__control/pay", { merchant_uid, amount: 7_000, outcome: "ready", pay_method: "vbank", vbank_code: "004" });
    expect(issued.json).toMatchObject({ success: true, status: "ready", vbank_name: "KB국민은행" });
    const paidOutright = await sbx("POST", "/__control/pay", { merchant_uid: uid("vb"), amount: 7_000, outcome: "paid", pay_method: "vbank" });
    expect(paidOutright.json).toMatchObject({ success: false, imp_uid: null, error_code: "F0002" });
  });
});

// POST /payments/cancel: refund_holder, refund_bank, refund_account are for virtual-account refunds (schema parameters
// of the cancel operation; CANCELDOC: a vbank refund goes to the account given).
describe("refunding a paid virtual account", () => {
  it("needs the account to refund to", async () => {
    const { res } = await issue(25_000);
    const imp_uid = res.json.imp_uid;
    await sbx("POST", "/__control/vbank/deposit", { imp_uid, webhook: false });
    const bare = await api("POST", "/payments/cancel", { imp_uid, amount: 5_000 });
    expect(bare).toMatchObject({ status: 200, json: { code: 1, response: null } });
    expect(bare.json.message).toContain("refund_account");
    const ok = await api("POST", "/payments/cancel", {
      imp_uid,
      amount: 5_000,
      refund_holder: "김민지",
      refund_bank: "088",
      refund_account: "11012345678",
    });
    expect(ok.json.response).toMatchObject({ status: "paid", cancel_amount: 5_000 });
    expect(await webhooksOf(res.json.merchant_uid)).toHaveLength(1);
  });
});
