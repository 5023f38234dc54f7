import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { kstDate } from "../../src/domain/billing-dates";
import { renewalMerchantUid } from "../../src/domain/subscription-ids";
import { GatewayNotFoundError } from "../../src/gateway/errors";
import { fault, pay } from "../helpers/sandbox";
import { appIamport, gatewayOver } from "../helpers/iamport";
import { CHARGE_LEASE_MS, renewSubscription } from "../../src/services/renew-subscription";
import { validatePayment } from "../../src/services/validate-payment";
import { cancelByCustomer, cancelNow, changePlan, resume, retryNow } from "../../src/services/manage-subscription";
import { confirmCard, registerCard, startSubscription } from "../../src/services/subscribe";
import {
  attemptsOf,
  chargesAtIamport,
  DAY,
  eventsOfSubscription,
  invoicesOf,
  monthlyPlan,
  ORIGIN,
  registerAtIamport,
  runDue,
  subscribed,
  subscriptionDeps,
  subscriptionRow,
  testClock,
  userRow,
} from "../helpers/subscriptions";

/** Makes the sandbox key decline every charge from now on (the card hit its limit): re-issued on the 0051 card. */
const startDeclining = (deps: ReturnType<typeof subscriptionDeps>["deps"], customerUid: string) =>
  registerAtIamport(deps, customerUid, "5105-1051-0510-0051");

describe("subscriptions: first charge and renewals", () => {
  it("charges the first period at once, then renews 12 times on the anchor's day (31st: clamped, and back)", async () => {
    const clock = testClock(Date.parse("2027-01-31T01:00:00Z")); // 10:00 KST on Jan 31
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, customerUid } = await subscribed(deps, { priceId });
    expect(renewals).toEqual([{ kind: "renewal", subscription_id: id }]);
    expect((await subscriptionRow(id)).status).toBe("incomplete");

    expect((await renewSubscription(deps, id)).result).toBe("charged");
    let row = await subscriptionRow(id);
    expect(row.status).toBe("active");
    expect(kstDate(row.current_period_end)).toBe("2027-02-28");

    for (let i = 0; i < 12; i++) {
      const out = await runDue(deps, clock, id);
      expect(out.result).toBe("charged");
    }
    row = await subscriptionRow(id);
    expect(row.status).toBe("active");
    expect(row.period).toBe(13);
    const invoices = await invoicesOf(id);
    expect(invoices.map((i: any) => kstDate(i.period_start))).toEqual([
      "2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30", "2027-07-31",
      "2027-08-31", "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31", "2028-01-31",
    ]);
    expect(invoices.every((i: any) => i.status === "paid" && i.amount === 19_000)).toBe(true);
    // Exactly one approved charge per period at Iamport, each under its own derived merchant_uid.
    const charges = await chargesAtIamport(customerUid);
    expect(charges).toHaveLength(13);
    expect(new Set(charges.map((c) => c.merchant_uid)).size).toBe(13);
    const timeline = await eventsOfSubscription(id);
    expect(timeline.filter((e: any) => e.kind === "renewed")).toHaveLength(12);
    expect(timeline.map((e: any) => e.kind).slice(0, 3)).toEqual(["created", "card_registered", "charged"]);
  });

  it("starts a trial without charging, then charges at its end, which becomes the anchor", async () => {
    const clock = testClock(Date.parse("2027-03-10T03:00:00Z"));
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan(35_000, 14);
    const { id, customerUid } = await subscribed(deps, { priceId });
    let row = await subscriptionRow(id);
    expect(row.status).toBe("trialing");
    expect(renewals).toEqual([]);
    expect(row.next_action_at).toBe(clock.now() + 14 * DAY);
    // Nothing is due during the trial, however often the consumer is asked.
    expect((await renewSubscription(deps, id)).result).toBe("not_due");
    expect(await chargesAtIamport(customerUid)).toHaveLength(0);

    await runDue(deps, clock, id);
    row = await subscriptionRow(id);
    expect(row.status).toBe("active");
    expect(row.anchor_at).toBe(Date.parse("2027-03-24T03:00:00Z"));
    expect(kstDate(row.current_period_end)).toBe("2027-04-24");
    expect(await chargesAtIamport(customerUid)).toHaveLength(1);
  });
});

describe("subscriptions: exactly one charge per period", () => {
  it("settles once when Iamport's webhook is validated before /again's answer", async () => {
    const clock = testClock(Date.parse("2027-06-01T00:00:00Z"));
    const base = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, customerUid } = await subscribed(base.deps, { priceId });
    // The webhook for the charge is validated (and settles the subscription) before the consumer sees the answer.
    const iamport = appIamport(clock.now);
    const webhookFirst = gatewayOver({
      ...iamport,
      billing: {
        ...iamport.billing,
        payAgain: async (body: Parameters<typeof iamport.billing.payAgain>[0]) => {
          const answer = await iamport.billing.payAgain(body);
          const hinted = await validatePayment(base.deps, { merchant_uid: answer.merchant_uid, imp_uid: answer.imp_uid, source: "webhook", hint_status: "paid" });
          expect(hinted.result).toBe("applied");
          expect((await subscriptionRow(id)).status).toBe("active");
          return answer;
        },
      },
    });
    const { deps } = subscriptionDeps(clock, { gateway: webhookFirst });
    expect((await renewSubscription(deps, id)).result).toBe("charged");
    const row = await subscriptionRow(id);
    expect(row.status).toBe("active");
    expect(row.settled_attempt).toBe(1);
    const charged = (await eventsOfSubscription(id)).filter((e: any) => e.kind === "charged");
    expect(charged).toHaveLength(1);
    expect(charged[0].source).toBe("webhook");
    expect(await chargesAtIamport(customerUid)).toHaveLength(1);
    expect((await invoicesOf(id))[0].status).toBe("paid");
  });

  it("finds a timed-out /again that did charge by lookup, and never charges it again", async () => {
    const clock = testClock(Date.parse("2027-07-01T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, customerUid } = await subscribed(deps, { priceId });
    const merchantUid = await renewalMerchantUid(id, 1, 1);
    // The charge lands at Iamport, but the answer never comes back (the client times out first).
    await fault({ path: "/subscribe/payments/again", method: "POST", kind: "timeout", processed: true, latency_ms: 3_000, match: merchantUid });
    const out = await renewSubscription(deps, id);
    expect(out.result).toBe("settled");
    expect(out.detail).toContain("found at Iamport: paid");
    expect((await subscriptionRow(id)).status).toBe("active");
    // Later sweeps and redeliveries find nothing due: one charge.
    clock.advance(CHARGE_LEASE_MS * 2);
    expect((await renewSubscription(deps, id)).result).toBe("not_due");
    expect(await chargesAtIamport(customerUid)).toHaveLength(1);
  });

  it("after a timeout that did not charge, charges the same attempt only after the lease, once Iamport says it has none", async () => {
    const clock = testClock(Date.parse("2027-07-02T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, customerUid } = await subscribed(deps, { priceId });
    const merchantUid = await renewalMerchantUid(id, 1, 1);
    await fault({ path: "/subscribe/payments/again", method: "POST", kind: "timeout", latency_ms: 3_000, match: merchantUid });
    expect((await renewSubscription(deps, id)).result).toBe("unknown");
    // Within the lease a duplicate does nothing; after it, the lookup says "no such payment" and the attempt is charged.
    expect((await renewSubscription(deps, id)).result).toBe("in_flight");
    clock.advance(CHARGE_LEASE_MS + 1);
    expect((await renewSubscription(deps, id)).result).toBe("charged");
    expect((await attemptsOf(id)).map((p: any) => [p.merchant_uid, p.status])).toEqual([[merchantUid, "paid"]]);
    expect(await chargesAtIamport(customerUid)).toHaveLength(1);
  });
});

describe("subscriptions: declines and dunning", () => {
  it("decline → past_due → card change retries at once → active; the old key is deleted at Iamport after", async () => {
    const clock = testClock(Date.parse("2027-08-05T00:00:00Z"));
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, user, customerUid } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    await startDeclining(deps, customerUid);

    const declinedAt = (await subscriptionRow(id)).next_action_at;
    expect((await runDue(deps, clock, id)).result).toBe("charged");
    let row = await subscriptionRow(id);
    expect(row.status).toBe("past_due");
    expect(row.next_action_at).toBe(declinedAt + DAY);
    expect((await attemptsOf(id)).at(-1).status).toBe("failed");

    renewals.length = 0;
    const reg = await registerCard(deps, user, id, ORIGIN);
    expect(reg.customer_uid).toMatch(/^cus_[0-9a-f]{32}$/);
    expect(reg.customer_uid).not.toBe(customerUid);
    await registerAtIamport(deps, reg.customer_uid);
    // Before confirmation, the old key is still the subscription's and still exists at Iamport.
    expect((await subscriptionRow(id)).customer_uid).toBe(customerUid);
    expect((await confirmCard(deps, user, id, { customerUid: reg.customer_uid })).chargeDue).toBe(true);
    expect(renewals).toEqual([{ kind: "renewal", subscription_id: id }]);
    await expect(deps.gateway.billing.getBillingKey(customerUid)).rejects.toBeInstanceOf(GatewayNotFoundError);

    expect((await renewSubscription(deps, id)).result).toBe("charged");
    row = await subscriptionRow(id);
    expect(row.status).toBe("active");
    expect(row.period).toBe(2);
    expect(row.customer_uid).toBe(reg.customer_uid);
    expect((await invoicesOf(id)).map((i: any) => i.status)).toEqual(["paid", "paid"]);
    expect(await chargesAtIamport(reg.customer_uid)).toHaveLength(1);
    const kinds = (await eventsOfSubscription(id)).map((e: any) => e.kind);
    expect(kinds.slice(-3)).toEqual(["charge_failed", "card_replaced", "charged"]);
  });

  it("retries on days 1, 3, 5 and 7, then the subscription is unpaid and its invoice uncollectible", async () => {
    const clock = testClock(Date.parse("2027-09-10T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, customerUid } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    await startDeclining(deps, customerUid);
    const firstDecline = (await subscriptionRow(id)).next_action_at;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      times.push((await subscriptionRow(id)).next_action_at);
      await runDue(deps, clock, id);
    }
    expect(times.map((t) => (t - firstDecline) / DAY)).toEqual([0, 1, 3, 5, 7]);
    const row = await subscriptionRow(id);
    expect(row.status).toBe("unpaid");
    expect(row.next_action_at).toBeNull();
    const invoices = await invoicesOf(id);
    expect(invoices.at(-1).status).toBe("uncollectible");
    expect((await attemptsOf(id)).filter((p: any) => p.invoice_id === invoices.at(-1).id).map((p: any) => p.status)).toEqual(["failed", "failed", "failed", "failed", "failed"]);
    expect(await chargesAtIamport(customerUid)).toHaveLength(1);
    expect((await eventsOfSubscription(id)).at(-1).kind).toBe("retries_exhausted");
    // Nothing more is tried.
    clock.advance(30 * DAY);
    expect((await renewSubscription(deps, id)).result).toBe("not_due");
  });

  it("a deleted key: a clear failure, no charge, no automatic retry, and retry now answers billing_key_deleted", async () => {
    const clock = testClock(Date.parse("2027-10-03T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, customerUid } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    await deps.gateway.billing.deleteBillingKey(customerUid, "deleted in the console");

    expect((await runDue(deps, clock, id)).result).toBe("key_deleted");
    const row = await subscriptionRow(id);
    expect(row.status).toBe("past_due");
    expect(row.retries_stopped).toBe(1);
    expect((await attemptsOf(id)).at(-1)).toMatchObject({ status: "failed", fail_reason: "billing key deleted at Iamport" });
    expect(await chargesAtIamport(customerUid)).toHaveLength(1);

    const admin = await userRow();
    await expect(retryNow(deps, admin, id)).rejects.toMatchObject({ status: 409, code: "billing_key_deleted" });
    // At the end of the dunning window it ends without another attempt.
    expect((await runDue(deps, clock, id)).result).toBe("exhausted");
    expect((await subscriptionRow(id)).status).toBe("unpaid");
    expect((await attemptsOf(id)).length).toBe(2);
  });

  it("a declined first charge leaves the subscription incomplete until another card is registered", async () => {
    const clock = testClock(Date.parse("2027-11-01T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, user } = await subscribed(deps, { priceId, card: "5105-1051-0510-0051" });
    expect((await renewSubscription(deps, id)).result).toBe("charged");
    expect((await subscriptionRow(id))).toMatchObject({ status: "incomplete", next_action_at: null });
    const reg = await registerCard(deps, user, id, ORIGIN);
    await registerAtIamport(deps, reg.customer_uid);
    await confirmCard(deps, user, id, { customerUid: reg.customer_uid });
    expect((await renewSubscription(deps, id)).result).toBe("charged");
    expect((await subscriptionRow(id)).status).toBe("active");
    expect((await attemptsOf(id)).map((p: any) => p.status)).toEqual(["failed", "paid"]);
  });
});

describe("subscriptions: a charge that lands after the subscription ended", () => {
  it("is refunded in full when it is validated, and the void invoice stays void", async () => {
    const clock = testClock(Date.parse("2028-03-03T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, user, customerUid } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    await startDeclining(deps, customerUid);
    await runDue(deps, clock, id);
    expect((await subscriptionRow(id)).status).toBe("past_due");
    // The card works again; the retry's call times out before Iamport sees it, and the lookup finds nothing yet.
    await registerAtIamport(deps, customerUid);
    const merchantUid = await renewalMerchantUid(id, 2, 2);
    await fault({ path: "/subscribe/payments/again", method: "POST", kind: "timeout", latency_ms: 3_000, match: merchantUid });
    expect((await runDue(deps, clock, id)).result).toBe("unknown");
    // Meanwhile the subscriber cancels: it owes money, so it ends now and its open invoice is voided.
    await cancelByCustomer(deps, user, id);
    expect((await subscriptionRow(id)).status).toBe("canceled");
    // Iamport records a payment under the attempt's merchant_uid after all (a request that was only slow), whose
    // webhook is lost; the reconciler asks about the attempt still `ready` and finds it paid.
    await pay({ merchant_uid: merchantUid, amount: 19_000, skip_prepare_check: true, webhook: "none" });
    const out = await validatePayment(deps, { merchant_uid: merchantUid, source: "reconciler" });
    expect(out).toMatchObject({ result: "applied", status: "paid" });
    const attempt = (await attemptsOf(id)).find((p: any) => p.merchant_uid === merchantUid);
    expect(attempt).toMatchObject({ status: "cancelled", cancelled_amount: 19_000 });
    const refunds = (await env.DB.prepare("SELECT * FROM refunds WHERE payment_id = ?").bind(attempt.id).all<any>()).results;
    expect(refunds).toMatchObject([{ amount: 19_000, status: "succeeded" }]);
    expect((await invoicesOf(id)).map((i: any) => i.status)).toEqual(["paid", "void"]);
  });
});

describe("subscriptions: cards, cancel, resume, plans", () => {
  it("refuses to use a key Iamport does not have (window closed, card refused): 409 and nothing changes", async () => {
    const clock = testClock();
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const user = await userRow();
    const started = await startSubscription(deps, user, priceId, ORIGIN);
    expect(started.registration).toMatchObject({ pg: "html5_inicis.INIBillTst", pay_method: "card", amount: 19_000 });
    await expect(confirmCard(deps, user, started.id, { customerUid: started.registration.customer_uid })).rejects.toMatchObject({ status: 409, code: "card_not_registered" });
    // The card ending 0002 is refused at registration: still nothing to confirm.
    await expect(registerAtIamport(deps, started.registration.customer_uid, "4111-1111-1111-0002")).rejects.toThrow();
    await expect(confirmCard(deps, user, started.id, { customerUid: started.registration.customer_uid })).rejects.toMatchObject({ code: "card_not_registered" });
    expect(await subscriptionRow(started.id)).toMatchObject({ status: "incomplete", customer_uid: null, next_action_at: null });
    expect(renewals).toEqual([]);
    // Another buyer cannot confirm it, and one live subscription per product.
    const other = await userRow();
    await expect(confirmCard(deps, other, started.id, { customerUid: started.registration.customer_uid })).rejects.toMatchObject({ status: 404 });
    await expect(startSubscription(deps, user, priceId, ORIGIN)).rejects.toMatchObject({ status: 409, code: "subscription_exists" });
  });

  it("cancel at period end: no further charge, the key is deleted; resume before the end keeps renewing", async () => {
    const clock = testClock(Date.parse("2027-12-15T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, user, customerUid } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);

    await cancelByCustomer(deps, user, id);
    await resume(deps, user, id);
    await runDue(deps, clock, id);
    expect((await subscriptionRow(id))).toMatchObject({ status: "active", period: 2 });

    const canceled = await cancelByCustomer(deps, user, id);
    expect(canceled).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
    const end = (await subscriptionRow(id)).current_period_end;
    expect((await runDue(deps, clock, id)).result).toBe("ended");
    expect(await subscriptionRow(id)).toMatchObject({ status: "canceled", ended_at: end, next_action_at: null });
    clock.advance(60 * DAY);
    expect((await renewSubscription(deps, id)).result).toBe("ignored");
    expect(await chargesAtIamport(customerUid)).toHaveLength(2);
    expect(await invoicesOf(id)).toHaveLength(2);
    await expect(deps.gateway.billing.getBillingKey(customerUid)).rejects.toBeInstanceOf(GatewayNotFoundError);
    await expect(resume(deps, user, id)).rejects.toMatchObject({ status: 409, code: "invalid_state" });
  });

  it("a plan change takes effect at the next period, priced from the new plan", async () => {
    const clock = testClock(Date.parse("2028-01-20T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { makeProduct } = await import("../helpers/catalogue");
    const product = await makeProduct({
      prices: [
        { amount: 19_000, label: "베이직", recurring: { interval: "month", interval_count: 1, trial_days: 0 } },
        { amount: 35_000, label: "플러스", recurring: { interval: "month", interval_count: 1, trial_days: 0 } },
        { amount: 190_000, label: "연간", recurring: { interval: "year", interval_count: 1, trial_days: 0 } },
      ],
    });
    const [basic, plus, yearly] = product.prices.map((p) => p.id);
    const { id, user } = await subscribed(deps, { priceId: basic! });
    await renewSubscription(deps, id);
    await expect(changePlan(deps, user, id, yearly!)).rejects.toMatchObject({ code: "plan_not_allowed" });
    await changePlan(deps, user, id, plus!);
    expect((await invoicesOf(id)).map((i: any) => i.amount)).toEqual([19_000]);
    await runDue(deps, clock, id);
    expect((await invoicesOf(id)).map((i: any) => i.amount)).toEqual([19_000, 35_000]);
    expect((await subscriptionRow(id))).toMatchObject({ price_id: plus, pending_price_id: null });
  });

  it("an administrator's cancel now voids what is open and can refund the current period through the refund path", async () => {
    const clock = testClock(Date.parse("2028-02-02T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    const admin = await userRow();
    await cancelNow(deps, { user: admin, as: "admin" }, id, { refund: true });
    expect((await subscriptionRow(id)).status).toBe("canceled");
    const [paid] = await attemptsOf(id);
    expect(paid).toMatchObject({ status: "cancelled", cancelled_amount: 19_000 });
    const refunds = (await env.DB.prepare("SELECT * FROM refunds WHERE payment_id = ?").bind(paid.id).all<any>()).results;
    expect(refunds).toMatchObject([{ amount: 19_000, status: "succeeded" }]);
  });
});
