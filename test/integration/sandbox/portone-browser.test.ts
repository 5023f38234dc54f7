import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newPaymentId, v2, V2 } from "../../helpers/portone-sandbox";

// The V2 browser side: the SDK script, the window (what it shows, what it refuses before showing anything) and the
// window's buttons (__window/act), which answer exactly what PortOne.requestPayment / requestIssueBillingKey resolve
// with. The script itself runs in Chromium in test/e2e/portone-sandbox.e2e.ts.

const BASE = "http://sandbox.local/sandbox/portone";
const get = (path: string) => env.IAMPORT_SANDBOX!.fetch(new Request(BASE + path));
const act = async (body: unknown) => (await v2("POST", "/__window/act", body, false)).json;

const paymentRequest = (over: Record<string, unknown> = {}) => ({
  storeId: V2.storeId,
  channelKey: V2.channelKey,
  paymentId: newPaymentId("win"),
  orderName: "샌드박스 머그컵",
  totalAmount: 15000,
  currency: "CURRENCY_KRW",
  payMethod: "CARD",
  customer: { customerId: "user-1", email: "buyer@example.com" },
  customData: { cart: 3 },
  ...over,
});

const windowUrl = (kind: string, p: unknown, mode = "popup") =>
  `/window?${new URLSearchParams({ kind, p: JSON.stringify(p), mode, origin: "http://shop.local", nonce: "n1" })}`;

describe("PortOne V2 sandbox: browser SDK and window", () => {
  it("serves the SDK script defining PortOne.requestPayment and PortOne.requestIssueBillingKey", async () => {
    const res = await get("/v2/browser-sdk.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/javascript");
    const js = await res.text();
    expect(js).toContain("window.PortOne");
    expect(js).toContain("requestPayment");
    expect(js).toContain("requestIssueBillingKey");
    expect(js).toContain('"/sandbox/portone"');
    // It parses as JavaScript.
    expect(() => new Function(js)).not.toThrow();
  });

  it("shows the order in Korean under a strict CSP, with approve, decline and close", async () => {
    const p = paymentRequest();
    const res = await get(windowUrl("payment", p));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'; script-src 'nonce-[0-9a-f]+'/);
    const page = await res.text();
    expect(page).toContain('<html lang="ko">');
    expect(page).toContain("15,000원");
    expect(page).toContain("샌드박스 머그컵");
    for (const action of ["approve", "decline", "close"]) expect(page).toContain(`data-action="${action}"`);
  });

  it("refuses before showing buttons: wrong channel key, bad parameters, amount not as pre-registered", async () => {
    const wrongChannel = await (await get(windowUrl("payment", paymentRequest({ channelKey: "channel-key-other" })))).text();
    expect(wrongChannel).toContain("FAILURE_TYPE_PROCESS");
    expect(wrongChannel).not.toContain('data-action="approve"');
    const bad = await (await get(windowUrl("payment", paymentRequest({ totalAmount: "15000" })))).text();
    expect(bad).toContain("totalAmount");
    const p = paymentRequest();
    await v2("POST", `/payments/${p.paymentId}/pre-register`, { totalAmount: 14000 });
    const mismatch = await (await get(windowUrl("payment", p))).text();
    expect(mismatch).toContain("사전 등록된 결제 금액");
  });

  it("answers the buttons with the SDK's response: approve pays, decline fails, close stores nothing", async () => {
    const p = paymentRequest({ noticeUrls: ["http://pocketpay/webhooks/portone"] });
    const closed = await act({ kind: "payment", p: JSON.stringify(p), action: "close" });
    expect(closed).toMatchObject({ transactionType: "PAYMENT", paymentId: p.paymentId, code: "FAILURE_TYPE_PG" });
    expect((await v2("GET", `/payments/${p.paymentId}`)).status).toBe(404);

    const declined = await act({ kind: "payment", p: JSON.stringify(p), action: "decline" });
    expect(declined).toMatchObject({ code: "FAILURE_TYPE_PG", pgCode: "3011" });
    expect((await v2("GET", `/payments/${p.paymentId}`)).json.status).toBe("FAILED");

    const paid = await act({ kind: "payment", p: JSON.stringify(p), action: "approve" });
    expect(paid).toEqual({ transactionType: "PAYMENT", paymentId: p.paymentId, txId: expect.any(String) });
    const payment = (await v2("GET", `/payments/${p.paymentId}`)).json;
    expect(payment).toMatchObject({
      status: "PAID",
      transactionId: paid.txId,
      orderName: "샌드박스 머그컵",
      currency: "KRW",
      customer: { id: "user-1", email: "buyer@example.com" },
      customData: JSON.stringify({ cart: 3 }),
    });
  });

  it("registers a card in the billing-key window and answers {transactionType, billingKey}; a refused card has code", async () => {
    const request = { storeId: V2.storeId, channelKey: V2.channelKey, billingKeyMethod: "CARD", issueName: "정기구독", customer: { customerId: "user-2" } };
    const page = await (await get(windowUrl("billing", request))).text();
    expect(page).toContain('id="card_number"');
    expect(page).toContain('data-action="register"');
    const ok = await act({ kind: "billing", p: JSON.stringify(request), action: "register", card_number: "5105-1051-0510-5100", expiry: "2099-01" });
    expect(ok).toEqual({ transactionType: "ISSUE_BILLING_KEY", billingKey: expect.stringMatching(/^billing-key-/) });
    const info = (await v2("GET", `/billing-keys/${ok.billingKey}`)).json;
    expect(info).toMatchObject({ status: "ISSUED", issueName: "정기구독", customer: { id: "user-2" } });
    const refused = await act({ kind: "billing", p: JSON.stringify(request), action: "register", card_number: "4000-0000-0000-0002", expiry: "2099-01" });
    expect(refused.billingKey).toBeUndefined();
    expect(refused.code).toBe("FAILURE_TYPE_PG");
    const closed = await act({ kind: "billing", p: JSON.stringify(request), action: "close" });
    expect(closed).toMatchObject({ transactionType: "ISSUE_BILLING_KEY", code: "FAILURE_TYPE_PG" });
  });
});
