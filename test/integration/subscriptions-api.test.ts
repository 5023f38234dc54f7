import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { depsFor } from "../../src/services/deps";
import { oneOff } from "../helpers/catalogue";
import { adminUser, call, expectError, json, signUp } from "../helpers/http";
import { gatewayUnderTest, onV1, onV2 } from "../helpers/gateway-under-test";
import { issueKey, monthlyPlan, registrationId, subscriptionRow } from "../helpers/subscriptions";

/** The confirm route's body for a key the window issued, in the gateway under test's words. */
const confirmBody = (reg: any, key: string) => (onV2 ? { billing_key: key } : { customer_uid: reg.customer_uid });
/** The same report in the other gateway's words: refused by name (400) before anything is read. */
const otherGatewayBody = (reg: any, key: string) => (onV2 ? { customer_uid: registrationId(reg) } : { billing_key: key });

// Run once per gateway (vitest.config.ts V2_SUITES).
import { waitFor } from "../helpers/wait";

describe("subscriptions API", () => {
  it("subscribes, confirms the card at the gateway, and the real consumer makes the first charge", async () => {
    const buyer = await signUp();
    const { priceId } = await monthlyPlan();
    const res = await call("POST", "/api/subscriptions", { token: buyer.token, body: { price_id: priceId } });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.subscription).toMatchObject({ status: "incomplete", next_charge: null, card: null, plan: { price_id: priceId, amount: 19_000, interval: "month" } });
    const id = body.subscription.id;
    const returnUrl = `http://localhost:8787/subscriptions/return?subscription=${id}`;
    expect(body.registration.gateway).toBe(gatewayUnderTest);
    if (onV1) {
      expect(body.registration).toMatchObject({ pg: "html5_inicis.INIBillTst", pay_method: "card", imp_code: "imp00000000", amount: 19_000, buyer_email: buyer.email, m_redirect_url: returnUrl });
    } else {
      expect(body.registration).toMatchObject({
        sdk_url: "/sandbox/portone/v2/browser-sdk.js",
        redirect_url: returnUrl,
        request: {
          storeId: env.PORTONE_STORE_ID,
          channelKey: env.PORTONE_BILLING_CHANNEL_KEY,
          billingKeyMethod: "CARD",
          issueId: expect.stringMatching(/^reg_[0-9a-f]{32}$/),
          issueName: expect.stringContaining("커피 클럽"),
          customer: { email: buyer.email },
        },
      });
    }
    expect(registrationId(body.registration)).toMatch(/^cus_[0-9a-f]{32}$/);

    const key = await issueKey(depsFor(env), body.registration);
    // The other gateway's report is refused by name, and changes nothing.
    const wrong = await expectError(await call("POST", `/api/subscriptions/${id}/card/confirm`, { token: buyer.token, body: otherGatewayBody(body.registration, key) }), 400, "invalid_request");
    expect(wrong.details.fields.map((f: any) => f.code).sort()).toEqual(["required", "unknown_field"]);
    expect(wrong.message).toContain(onV2 ? "PortOne V2" : "Iamport V1");
    expect(await subscriptionRow(id)).toMatchObject({ status: "incomplete", billing_key: null });
    const confirmed = await call("POST", `/api/subscriptions/${id}/card/confirm`, { token: buyer.token, body: confirmBody(body.registration, key) });
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
    // Confirming a registration the window never completed (V1: its customer_uid has no key; V2: a key PortOne
    // never issued): 409, and the subscription is as it was.
    const confirm = (b: unknown) => call("POST", `/api/subscriptions/${id}/card/confirm`, { token: buyer.token, body: b });
    await expectError(await confirm(onV1 ? { customer_uid: made.registration.customer_uid } : { billing_key: `billing-key-${crypto.randomUUID()}` }), 409, "card_not_registered");
    await expectError(await confirm({ customer_uid: "cus_123" }), 400, "invalid_request");
    await expectError(await confirm({ billing_key: "has spaces" }), 400, "invalid_request");
    await expectError(await confirm({}), 400, "invalid_request");
    if (onV1) await expectError(await confirm({ customer_uid: `cus_${"0".repeat(32)}` }), 404, "not_found");
    expect(await subscriptionRow(id)).toMatchObject({ status: "incomplete", customer_uid: null, billing_key: null });
    await expectError(await call("POST", `/api/subscriptions/${id}/resume`, { token: buyer.token }), 409, "invalid_state");
  });

  it("handles the mobile return (the window's redirect): confirms at the gateway, then shows the subscription", async () => {
    const buyer = await signUp();
    const { priceId } = await monthlyPlan(35_000, 14);
    const made = await json(await call("POST", "/api/subscriptions", { token: buyer.token, body: { price_id: priceId } }));
    const id = made.subscription.id;
    const reg = made.registration;
    const returned = (query: Record<string, string>) => call("GET", `/subscriptions/return?${new URLSearchParams({ subscription: id, ...query })}`, { token: buyer.token });
    // The query each gateway's window adds (V1: m_redirect_url's; V2: the SDK's response as parameters).
    const cancelled = "사용자가 결제를 취소하셨습니다";
    const closed = await returned(onV1 ? { merchant_uid: reg.merchant_uid, imp_success: "false", error_msg: cancelled } : { transactionType: "ISSUE_BILLING_KEY", code: "FAILURE_TYPE_PG", message: cancelled });
    expect(closed.status).toBe(303);
    expect(closed.headers.get("location")).toBe(`/subscriptions/${id}?${new URLSearchParams({ card: "failed", message: cancelled })}`);
    const key = await issueKey(depsFor(env), reg);
    // The other gateway's query is refused by name (400), and confirms nothing.
    const wrong = await expectError(await returned(onV1 ? { billingKey: key } : { merchant_uid: `reg_${"0".repeat(32)}`, imp_success: "true" }), 400, "invalid_request");
    expect(wrong.details.fields.every((f: any) => f.code === "unknown_field")).toBe(true);
    expect(await subscriptionRow(id)).toMatchObject({ status: "incomplete", billing_key: null });
    const back = await returned(onV1 ? { merchant_uid: reg.merchant_uid, imp_success: "true" } : { transactionType: "ISSUE_BILLING_KEY", billingKey: key });
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe(`/subscriptions/${id}?card=registered`);
    expect(await subscriptionRow(id)).toMatchObject({ status: "trialing", customer_uid: registrationId(reg), billing_key: key });
  });
});
