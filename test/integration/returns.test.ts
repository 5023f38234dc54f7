import { describe, expect, it } from "vitest";
import { call, expectError, signUp } from "../helpers/http";
import { createOrder } from "../helpers/orders";
import { pay } from "../helpers/sandbox";
import { paymentRow, waitForStatus } from "../helpers/wait";

// GET /payments/return: where Iamport sends a mobile buyer back (m_redirect_url). Browsers arrive with the session
// cookie (SameSite=Lax allows this top-level navigation); the query string is only a hint.
const back = (query: Record<string, string>, cookie?: string) =>
  call("GET", `/payments/return?${new URLSearchParams(query)}`, cookie ? { cookie: `pp_session=${cookie}` } : {});

describe("the mobile return", () => {
  it("records the owner's imp_uid, queues validation and redirects to the payment page", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 7_700);
    const paid = await pay({ merchant_uid: order.merchant_uid, amount: 7_700, webhook: "none" });
    const res = await back({ imp_uid: paid.imp_uid!, merchant_uid: order.merchant_uid, imp_success: "true" }, buyer.token);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/payments/${order.merchant_uid}`);
    expect((await paymentRow(order.merchant_uid)).imp_uid).toBe(paid.imp_uid);
    await waitForStatus(order.merchant_uid, "paid");
  });

  it("passes a failure on to the page without recording anything", async () => {
    const buyer = await signUp();
    const order = await createOrder(buyer, 7_800);
    const res = await back(
      { merchant_uid: order.merchant_uid, imp_success: "false", error_code: "F0005", error_msg: "사용자가 결제를 취소하셨습니다" },
      buyer.token,
    );
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location")!, "http://x");
    expect(location.pathname).toBe(`/payments/${order.merchant_uid}`);
    expect(location.searchParams.get("result")).toBe("failed");
    expect(location.searchParams.get("message")).toBe("사용자가 결제를 취소하셨습니다");
    expect(await paymentRow(order.merchant_uid)).toMatchObject({ status: "ready", imp_uid: null });
  });

  it("does not record an imp_uid for someone else's order, or without a session, but still verifies it", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const order = await createOrder(owner, 7_900);
    const paid = await pay({ merchant_uid: order.merchant_uid, amount: 7_900, webhook: "none" });
    const bogus = "imp_999999999998";
    expect((await back({ imp_uid: bogus, merchant_uid: order.merchant_uid }, stranger.token)).status).toBe(303);
    expect((await paymentRow(order.merchant_uid)).imp_uid).toBeNull();
    // Signed out: nothing is recorded from the query, but Iamport is asked about the order, which is paid.
    expect((await back({ imp_uid: paid.imp_uid!, merchant_uid: order.merchant_uid })).status).toBe(303);
    const row = await waitForStatus(order.merchant_uid, "paid");
    expect(row.imp_uid).toBe(paid.imp_uid);
  });

  it.each([
    [{}, "merchant_uid"],
    [{ merchant_uid: "order-1" }, "merchant_uid"],
    [{ merchant_uid: `pay_${"a".repeat(32)}`, imp_uid: "bad" }, "imp_uid"],
    [{ merchant_uid: `pay_${"a".repeat(32)}`, imp_success: "maybe" }, "imp_success"],
  ])("refuses %j with 400 naming %s", async (query, field) => {
    const error = await expectError(await back(query as Record<string, string>), 400, "invalid_request");
    expect(error.message).toContain(field);
  });
});
