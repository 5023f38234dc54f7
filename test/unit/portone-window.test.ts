import { describe, expect, it } from "vitest";
import type { PortoneCheckoutParams } from "../../src/domain/checkout-params";
import { billingKeyOutcome, paymentOutcome, paymentOutcomeFromQuery, paymentRequest } from "../../src/domain/portone-window";

const checkout: PortoneCheckoutParams = {
  gateway: "portone-v2",
  sdk_url: "/sandbox/portone/v2/browser-sdk.js",
  redirect_url: "https://shop.example/payments/return",
  request: { storeId: "store-1", channelKey: "channel-key-1", paymentId: "pay_0123", orderName: "Americano", totalAmount: 4500, currency: "KRW", payMethod: "CARD" },
};

describe("PortOne V2's payment window, as the browser reads it", () => {
  it("opens a popup without redirectUrl, and a redirection with it", () => {
    const popup = paymentRequest(checkout, "popup");
    expect(popup).toEqual({ ...checkout.request, windowType: { pc: "POPUP", mobile: "POPUP" } });
    expect(popup).not.toHaveProperty("redirectUrl");
    expect(paymentRequest(checkout, "redirect")).toEqual({
      ...checkout.request,
      redirectUrl: checkout.redirect_url,
      windowType: { pc: "REDIRECTION", mobile: "REDIRECTION" },
    });
  });

  it("reads the promise's answer: a code is a failure whatever else it carries; success needs the txId", () => {
    expect(paymentOutcome({ paymentId: "pay_0123", txId: "tx-1" })).toEqual({ ok: true, paymentId: "pay_0123", txId: "tx-1" });
    expect(paymentOutcome({ paymentId: "pay_0123", txId: "tx-1", code: "FAILURE_TYPE_PG", message: "한도 초과" })).toEqual({
      ok: false,
      paymentId: "pay_0123",
      txId: "tx-1",
      code: "FAILURE_TYPE_PG",
      message: "한도 초과",
    });
    expect(paymentOutcome(undefined)).toMatchObject({ ok: false, code: "NO_RESPONSE" });
    expect(paymentOutcome({ paymentId: "pay_0123" })).toMatchObject({ ok: false, code: "NO_RESPONSE" });
  });

  it("reads a redirection's query the same way, bounding what it shows", () => {
    const q = new URLSearchParams({ paymentId: "pay_0123", txId: "tx-2", code: "USER_CANCEL", message: "x".repeat(400) });
    const outcome = paymentOutcomeFromQuery(q);
    expect(outcome).toMatchObject({ ok: false, code: "USER_CANCEL", txId: "tx-2" });
    expect(outcome.ok === false && outcome.message?.length).toBe(300);
    expect(paymentOutcomeFromQuery(new URLSearchParams({ paymentId: "pay_0123", txId: "tx-3" }))).toEqual({ ok: true, paymentId: "pay_0123", txId: "tx-3" });
  });

  it("reads a billing-key issuance: the key on success, the code otherwise", () => {
    expect(billingKeyOutcome({ billingKey: "billing-key-1" })).toEqual({ ok: true, billingKey: "billing-key-1" });
    expect(billingKeyOutcome({ billingKey: "billing-key-1", code: "FAILURE_TYPE_PG", message: "no" })).toEqual({ ok: false, code: "FAILURE_TYPE_PG", message: "no" });
    expect(billingKeyOutcome({})).toEqual({ ok: false, code: "NO_RESPONSE", message: null });
  });
});
