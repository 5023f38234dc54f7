import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { depsFor } from "../../src/services/deps";
import { oneOff } from "../helpers/catalogue";
import { adminUser, call, expectError, json, signUp } from "../helpers/http";
import { monthlyPlan, registerAtIamport, subscriptionRow } from "../helpers/subscriptions";
import { waitFor } from "../helpers/wait";

describe("subscriptions API", () => {
  it("subscribes, confirms the card at Iamport, and the real consumer makes the first charge", async () => {
    const buyer = await signUp();
    const { priceId } = await monthlyPlan();
    const res = await call("POST", "/api/subscriptions", { token: buyer.token, body: { price_id: priceId } });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.subscription).toMatchObject({ status: "incomplete", next_charge: null, card: null, plan: { price_id: priceId, amount: 19_000, interval: "month" } });
    expect(body.registration).toMatchObject({ pg: "html5_inicis.INIBillTst", pay_method: "card", imp_code: "imp00000000", amount: 19_000, buyer_email: buyer.email });
    expect(body.registration.customer_uid).toMatch(/^cus_[0-9a-f]{32}$/);
    expect(body.registration.m_redirect_url).toBe(`http://localhost:8787/subscriptions/return?subscription=${body.subscription.id}`);
    const id = body.subscription.id;

    await registerAtIamport(depsFor(env), body.registration.customer_uid);
    const confirmed = await call("POST", `/api/subscriptions/${id}/card/confirm`, { token: buyer.token, body: { customer_uid: body.registration.customer_uid } });
    expect(confirmed.status).toBe(200);
    expect(await json(confirmed)).toMatchObject({ charge_due: true, card: { name: "신한카드" } });
    await waitFor("the first charge", async () => (await subscriptionRow(id))?.status === "active");

    const detail = await json(await call("GET", `/api/subscriptions/${id}`, { token: buyer.token }));
    expect(detail).toMatchObject({ status: "active", next_charge: { amount: 19_000 }, current_period: { number: 1 } });
    expect(detail.next_charge.at).toBe(detail.current_period.end);
    expect(detail.invoices).toMatchObject([{ period: 1, status: "paid", amount: 19_000, payments: [{ status: "paid", attempt: 1, kind: "subscription" }] }]);
    expect(detail.events.map((e: any) => e.kind)).toEqual(["created", "card_registered", "charged"]);

    const list = await json(await call("GET", "/api/subscriptions", { token: buyer.token }));
    expect(list.items.map((s: any) => s.id)).toEqual([id]);

    // Cancel at the period's end, then resume; a second subscription to the same product is refused.
    expect(await json(await call("POST", `/api/subscriptions/${id}/cancel`, { token: buyer.token }))).toMatchObject({ cancel_at_period_end: true, next_charge: null });
    expect(await json(await call("POST", `/api/subscriptions/${id}/resume`, { token: buyer.token }))).toMatchObject({ cancel_at_period_end: false });
    const again = await expectError(await call("POST", "/api/subscriptions", { token: buyer.token, body: { price_id: priceId } }), 409, "subscription_exists");
    expect(again.details).toEqual({ subscription_id: id, status: "active" });

    // Someone else's subscription is a 404, like one that does not exist; an admin sees it with the buyer's email.
    const other = await signUp();
    await expectError(await call("GET", `/api/subscriptions/${id}`, { token: other.token }), 404, "not_found");
    await expectError(await call("POST", `/api/subscriptions/${id}/cancel`, { token: other.token }), 404, "not_found");
    const admin = await adminUser();
    expect(await json(await call("GET", `/api/admin/subscriptions/${id}`, { token: admin.token }))).toMatchObject({ id, customer_email: buyer.email });
    const active = await json(await call("GET", "/api/admin/subscriptions?status=active&limit=100", { token: admin.token }));
    expect(active.items.every((s: any) => s.status === "active")).toBe(true);
    await expectError(await call("POST", `/api/admin/subscriptions/${id}/retry`, { token: admin.token }), 409, "invalid_state");
    await expectError(await call("GET", "/api/admin/subscriptions", { token: buyer.token }), 403, "forbidden");
  });

  it("answers bad input with the JSON error body and changes nothing", async () => {
    const buyer = await signUp();
    await expectError(await call("POST", "/api/subscriptions", { body: { price_id: "price_x" } }), 401, "unauthorized");
    const bad = await expectError(await call("POST", "/api/subscriptions", { token: buyer.token, body: { price_id: "nope" } }), 400, "invalid_request");
    expect(bad.details.fields).toMatchObject([{ field: "price_id", code: "invalid_format" }]);
    const extra = await expectError(await call("POST", "/api/subscriptions", { token: buyer.token, body: { price_id: "price_abc", amount: 1 } }), 400, "invalid_request");
    expect(extra.details.fields).toMatchObject([{ field: "amount", code: "unknown_field" }]);
    const { priceId: once } = await oneOff(4_500);
    const notPlan = await expectError(await call("POST", "/api/subscriptions", { token: buyer.token, body: { price_id: once } }), 400, "price_unavailable");
    expect(notPlan.details.fields).toMatchObject([{ field: "price_id", code: "not_recurring" }]);
    await expectError(await call("POST", "/api/subscriptions", { token: buyer.token, body: { price_id: "price_doesnotexist" } }), 400, "price_unavailable");
    await expectError(await call("GET", "/api/subscriptions/sub_nope", { token: buyer.token }), 404, "not_found");
    await expectError(await call("GET", "/api/subscriptions?status=bogus", { token: buyer.token }), 400, "invalid_request");
    await expectError(await call("POST", "/api/subscriptions", { token: buyer.token, rawBody: "{", headers: { "content-type": "application/json" } }), 400, "malformed_json");

    const { priceId } = await monthlyPlan();
    const made = await json(await call("POST", "/api/subscriptions", { token: buyer.token, body: { price_id: priceId } }));
    const id = made.subscription.id;
    // Confirming a registration the window never completed: 409, and the subscription is as it was.
    await expectError(await call("POST", `/api/subscriptions/${id}/card/confirm`, { token: buyer.token, body: { customer_uid: made.registration.customer_uid } }), 409, "card_not_registered");
    await expectError(await call("POST", `/api/subscriptions/${id}/card/confirm`, { token: buyer.token, body: { customer_uid: "cus_123" } }), 400, "invalid_request");
    const missing = `cus_${"0".repeat(32)}`;
    await expectError(await call("POST", `/api/subscriptions/${id}/card/confirm`, { token: buyer.token, body: { customer_uid: missing } }), 404, "not_found");
    expect(await subscriptionRow(id)).toMatchObject({ status: "incomplete", customer_uid: null });
    await expectError(await call("POST", `/api/subscriptions/${id}/resume`, { token: buyer.token }), 409, "invalid_state");
  });

  it("handles the mobile return (m_redirect_url): confirms at Iamport, then shows the subscription", async () => {
    const buyer = await signUp();
    const { priceId } = await monthlyPlan(35_000, 14);
    const made = await json(await call("POST", "/api/subscriptions", { token: buyer.token, body: { price_id: priceId } }));
    const id = made.subscription.id;
    const closed = await call("GET", `/subscriptions/return?subscription=${id}&merchant_uid=${made.registration.merchant_uid}&imp_success=false&error_msg=${encodeURIComponent("사용자가 결제를 취소하셨습니다")}`, { token: buyer.token });
    expect(closed.status).toBe(303);
    expect(closed.headers.get("location")).toContain(`/subscriptions/${id}?card=failed`);
    await registerAtIamport(depsFor(env), made.registration.customer_uid);
    const back = await call("GET", `/subscriptions/return?subscription=${id}&merchant_uid=${made.registration.merchant_uid}&imp_success=true`, { token: buyer.token });
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe(`/subscriptions/${id}?card=registered`);
    expect(await subscriptionRow(id)).toMatchObject({ status: "trialing", customer_uid: made.registration.customer_uid });
  });
});
