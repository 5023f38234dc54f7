import { describe, expect, it } from "vitest";
import { call, expectError, signUp } from "../helpers/http";
import { createOrder } from "../helpers/orders";
import { payInWindow, returnQuery } from "../helpers/gateway";
import { onV1 } from "../helpers/gateway-under-test";
import { paymentRow, waitForStatus } from "../helpers/wait";

// GET /payments/return: where a redirection window sends the buyer back (Iamport V1's m_redirect_url, PortOne V2's
// redirectUrl). Browsers arrive with the session cookie (SameSite=Lax allows this top-level navigation); the query
// string is only a hint. Runs once per gateway (vitest.config.ts V2_SUITES).
const back = (query: Record<string, string>, cookie?: string) =>
  call("GET", `/payments/return?${new URLSearchParams(query)}`, cookie ? { cookie: `pp_session=${cookie}` } : {});

describe("the mobile return", () => {
  it("records the owner's report, queues validation and redirects to the payment page", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 7_700);
    const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount: 7_700, webhook: "none" });
    const res = await back(returnQuery(order.merchant_uid, paid), buyer.token);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/payments/${order.merchant_uid}`);
    const recorded = await paymentRow(order.merchant_uid);
    expect(recorded.validation_queued_at).toEqual(expect.any(Number));
    // V1 records the reported imp_uid; V2's txId is bound only from PortOne's answer.
    if (onV1) expect(recorded.imp_uid).toBe(paid.gatewayId);
    expect((await waitForStatus(order.merchant_uid, "paid")).imp_uid).toBe(paid.gatewayId);
  });

  it("passes a failure on to the page, and the declined attempt is validated as failed", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 7_800);
    const declined = await payInWindow({ merchant_uid: order.merchant_uid, amount: 7_800, outcome: "failed", webhook: "none" });
    const res = await back(returnQuery(order.merchant_uid, { ...declined, errorMessage: "사용자가 결제를 취소하셨습니다" }), buyer.token);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location")!, "http://x");
    expect(location.pathname).toBe(`/payments/${order.merchant_uid}`);
    expect(location.searchParams.get("result")).toBe("failed");
    expect(location.searchParams.get("message")).toBe("사용자가 결제를 취소하셨습니다");
    await waitForStatus(order.merchant_uid, "failed");
  });

  it("passes a closed window on to the page without recording anything", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 7_850);
    const closed = { success: false, gatewayId: null, errorCode: null, errorMessage: "사용자가 결제를 취소하셨습니다" };
    const res = await back(returnQuery(order.merchant_uid, closed), buyer.token);
    expect(new URL(res.headers.get("location")!, "http://x").searchParams.get("result")).toBe("failed");
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ status: "ready", imp_uid: null, validation_queued_at: null });
  });

  it("does not record a report for someone else's order, or without a session, but still verifies it", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const order = await createOrder(owner, 7_900);
    const paid = await payInWindow({ merchant_uid: order.merchant_uid, amount: 7_900, webhook: "none" });
    const bogus = { ...paid, gatewayId: onV1 ? "imp_999999999998" : crypto.randomUUID() };
    expect((await back(returnQuery(order.merchant_uid, bogus), stranger.token)).status).toBe(303);
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ imp_uid: null, validation_queued_at: null });
    // Signed out: nothing is recorded from the query, but the gateway is asked about the order, which is paid.
    expect((await back(returnQuery(order.merchant_uid, paid))).status).toBe(303);
    const row = await waitForStatus(order.merchant_uid, "paid");
    expect(row.imp_uid).toBe(paid.gatewayId);
  });

  it("records nothing from a return in the other gateway's words", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 7_950);
    const attempt = { success: true, gatewayId: onV1 ? crypto.randomUUID() : "imp_999999999997", errorCode: null, errorMessage: null };
    const res = await back(returnQuery(order.merchant_uid, attempt, "foreign"), buyer.token);
    expect(res.headers.get("location")).toBe(`/payments/${order.merchant_uid}`);
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ status: "ready", imp_uid: null, validation_queued_at: null });
  });

  it.each([
    [{}, "merchant_uid"],
    [{ merchant_uid: "order-1" }, "merchant_uid"],
    [{ merchant_uid: `pay_${"a".repeat(32)}`, imp_uid: "bad" }, "imp_uid"],
    [{ merchant_uid: `pay_${"a".repeat(32)}`, imp_success: "maybe" }, "imp_success"],
    [{ paymentId: "order-1", txId: "0193d9a2-0000-4000-8000-000000000000" }, "paymentId"],
    [{ paymentId: `pay_${"a".repeat(32)}`, txId: "not a txid" }, "txId"],
    [{ paymentId: `pay_${"a".repeat(32)}`, code: "x".repeat(65) }, "code"],
  ])("refuses %j with 400 naming %s", async (query, field) => {
    const error = await expectError(await back(query as Record<string, string>), 400, "invalid_request");
    expect(error.message).toContain(field);
  });
});
