import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { kstDate } from "../../src/domain/billing-dates";
import { renewalMerchantUid } from "../../src/domain/subscription-ids";
import type { Gateway } from "../../src/gateway/types";
import { onV1, onV2 } from "../helpers/gateway-under-test";
import { v2IssueKey } from "../helpers/portone-sandbox";
import { findBillingKey } from "../../src/db/subscriptions";
import { deleteAbandonedKey } from "../../src/services/billing-keys";
import { CHARGE_LEASE_MS, renewSubscription } from "../../src/services/renew-subscription";
import { validatePayment } from "../../src/services/validate-payment";
import { cancelByCustomer, cancelNow, changePlan, resume, retryNow } from "../../src/services/manage-subscription";
import { confirmCard, registerCard, startSubscription } from "../../src/services/subscribe";
import {
  attemptsOf,
  CARD,
  chargeLandsLate,
  chargesApproved,
  chargeTimesOut,
  DAY,
  eventsOfSubscription,
  invoicesOf,
  issueKey,
  keyIsLive,
  monthlyPlan,
  ORIGIN,
  registerAndConfirm,
  registrationId,
  reportOf,
  runDue,
  setDeclining,
  subscribed,
  subscriptionDeps,
  subscriptionRow,
  testClock,
  userRow,
} from "../helpers/subscriptions";

// Run once per gateway (vitest.config.ts V2_SUITES): every step goes through test/helpers/subscriptions.ts, which
// registers cards, switches declines, arms faults and counts approved charges at the gateway under test.

describe("subscriptions: first charge and renewals", () => {
  it("charges the first period at once, then renews 12 times on the anchor's day (31st: clamped, and back)", async () => {
    const clock = testClock(Date.parse("2027-01-31T01:00:00Z")); // 10:00 KST on Jan 31
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, billingKey } = await subscribed(deps, { priceId });
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
    // Exactly one approved charge per period at the gateway, each under its own derived merchant_uid.
    const charges = await chargesApproved(billingKey);
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
    const { id, billingKey } = await subscribed(deps, { priceId });
    let row = await subscriptionRow(id);
    expect(row.status).toBe("trialing");
    expect(renewals).toEqual([]);
    expect(row.next_action_at).toBe(clock.now() + 14 * DAY);
    // Nothing is due during the trial, however often the consumer is asked.
    expect((await renewSubscription(deps, id)).result).toBe("not_due");
    expect(await chargesApproved(billingKey)).toHaveLength(0);

    await runDue(deps, clock, id);
    row = await subscriptionRow(id);
    expect(row.status).toBe("active");
    expect(row.anchor_at).toBe(Date.parse("2027-03-24T03:00:00Z"));
    expect(kstDate(row.current_period_end)).toBe("2027-04-24");
    expect(await chargesApproved(billingKey)).toHaveLength(1);
  });
});

describe("subscriptions: exactly one charge per period", () => {
  it("settles once when the gateway's webhook is validated before the charge's answer", async () => {
    const clock = testClock(Date.parse("2027-06-01T00:00:00Z"));
    const base = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, billingKey } = await subscribed(base.deps, { priceId });
    // The webhook for the charge is validated (and settles the subscription) before the consumer sees the answer.
    const real = base.deps.gateway;
    const webhookFirst: Gateway = {
      ...real,
      billing: {
        ...real.billing,
        charge: async (input) => {
          const answer = await real.billing.charge(input);
          const hinted = await validatePayment(base.deps, { merchant_uid: answer.merchantUid, imp_uid: answer.gatewayId, source: "webhook", hint_status: "paid" });
          expect(hinted.result).toBe("applied");
          expect((await subscriptionRow(id)).status).toBe("active");
          return answer;
        },
      },
    };
    const { deps } = subscriptionDeps(clock, { gateway: webhookFirst });
    expect((await renewSubscription(deps, id)).result).toBe("charged");
    const row = await subscriptionRow(id);
    expect(row.status).toBe("active");
    expect(row.settled_attempt).toBe(1);
    const charged = (await eventsOfSubscription(id)).filter((e: any) => e.kind === "charged");
    expect(charged).toHaveLength(1);
    expect(charged[0].source).toBe("webhook");
    expect(await chargesApproved(billingKey)).toHaveLength(1);
    expect((await invoicesOf(id))[0].status).toBe("paid");
  });

  it("finds a timed-out charge that did charge by lookup, and never charges it again", async () => {
    const clock = testClock(Date.parse("2027-07-01T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, billingKey } = await subscribed(deps, { priceId });
    const merchantUid = await renewalMerchantUid(id, 1, 1);
    // The charge lands at the gateway, but the answer never comes back (the client times out first).
    await chargeTimesOut(merchantUid, { processed: true });
    const out = await renewSubscription(deps, id);
    expect(out.result).toBe("settled");
    expect(out.detail).toContain("found at the gateway: paid");
    expect((await subscriptionRow(id)).status).toBe("active");
    // Later sweeps and redeliveries find nothing due: one charge.
    clock.advance(CHARGE_LEASE_MS * 2);
    expect((await renewSubscription(deps, id)).result).toBe("not_due");
    expect(await chargesApproved(billingKey)).toHaveLength(1);
  });

  it("after a timeout that did not charge, charges the same attempt only after the lease, once the gateway says it has none", async () => {
    const clock = testClock(Date.parse("2027-07-02T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, billingKey } = await subscribed(deps, { priceId });
    const merchantUid = await renewalMerchantUid(id, 1, 1);
    await chargeTimesOut(merchantUid);
    expect((await renewSubscription(deps, id)).result).toBe("unknown");
    // Within the lease a duplicate does nothing; after it, the lookup says "no such payment" and the attempt is charged.
    expect((await renewSubscription(deps, id)).result).toBe("in_flight");
    clock.advance(CHARGE_LEASE_MS + 1);
    expect((await renewSubscription(deps, id)).result).toBe("charged");
    expect((await attemptsOf(id)).map((p: any) => [p.merchant_uid, p.status])).toEqual([[merchantUid, "paid"]]);
    expect(await chargesApproved(billingKey)).toHaveLength(1);
  });
});

describe("subscriptions: declines and dunning", () => {
  it("decline → past_due → card change retries at once → active; the old key is deleted at the gateway after", async () => {
    const clock = testClock(Date.parse("2027-08-05T00:00:00Z"));
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, user, customerUid, billingKey } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    await setDeclining(deps, billingKey, true);

    const declinedAt = (await subscriptionRow(id)).next_action_at;
    expect((await runDue(deps, clock, id)).result).toBe("charged");
    let row = await subscriptionRow(id);
    expect(row.status).toBe("past_due");
    expect(row.next_action_at).toBe(declinedAt + DAY);
    expect((await attemptsOf(id)).at(-1).status).toBe("failed");

    renewals.length = 0;
    const reg = await registerCard(deps, user, id, ORIGIN);
    expect(registrationId(reg)).toMatch(/^cus_[0-9a-f]{32}$/);
    expect(registrationId(reg)).not.toBe(customerUid);
    const newKey = await issueKey(deps, reg);
    expect(newKey).not.toBe(billingKey);
    // Before confirmation, the old key is still the subscription's and still live at the gateway.
    expect(await subscriptionRow(id)).toMatchObject({ customer_uid: customerUid, billing_key: billingKey });
    expect(await keyIsLive(deps, billingKey)).toBe(true);
    expect((await confirmCard(deps, user, id, reportOf(reg, newKey))).chargeDue).toBe(true);
    expect(renewals).toEqual([{ kind: "renewal", subscription_id: id }]);
    expect(await keyIsLive(deps, billingKey)).toBe(false);

    expect((await renewSubscription(deps, id)).result).toBe("charged");
    row = await subscriptionRow(id);
    expect(row.status).toBe("active");
    expect(row.period).toBe(2);
    expect(row).toMatchObject({ customer_uid: registrationId(reg), billing_key: newKey });
    expect((await invoicesOf(id)).map((i: any) => i.status)).toEqual(["paid", "paid"]);
    expect(await chargesApproved(newKey)).toHaveLength(1);
    const kinds = (await eventsOfSubscription(id)).map((e: any) => e.kind);
    expect(kinds.slice(-3)).toEqual(["charge_failed", "card_replaced", "charged"]);
  });

  it("retries on days 1, 3, 5 and 7, then the subscription is unpaid and its invoice uncollectible", async () => {
    const clock = testClock(Date.parse("2027-09-10T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, billingKey } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    await setDeclining(deps, billingKey, true);
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
    expect(await chargesApproved(billingKey)).toHaveLength(1);
    expect((await eventsOfSubscription(id)).at(-1).kind).toBe("retries_exhausted");
    // Nothing more is tried.
    clock.advance(30 * DAY);
    expect((await renewSubscription(deps, id)).result).toBe("not_due");
  });

  it("a deleted key: a clear failure, no charge, no automatic retry, and retry now answers billing_key_deleted", async () => {
    const clock = testClock(Date.parse("2027-10-03T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, billingKey } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    await deps.gateway.billing.deleteBillingKey(billingKey, "deleted in the console");

    expect((await runDue(deps, clock, id)).result).toBe("key_deleted");
    const row = await subscriptionRow(id);
    expect(row.status).toBe("past_due");
    expect(row.retries_stopped).toBe(1);
    expect((await attemptsOf(id)).at(-1)).toMatchObject({ status: "failed", fail_reason: "billing key deleted at the gateway" });
    expect(await chargesApproved(billingKey)).toHaveLength(1);

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
    const { id, user } = await subscribed(deps, { priceId, card: CARD.declining });
    expect((await renewSubscription(deps, id)).result).toBe("charged");
    expect((await subscriptionRow(id))).toMatchObject({ status: "incomplete", next_action_at: null });
    const reg = await registerCard(deps, user, id, ORIGIN);
    await registerAndConfirm(deps, user, id, reg);
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
    const { id, user, billingKey } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    await setDeclining(deps, billingKey, true);
    await runDue(deps, clock, id);
    expect((await subscriptionRow(id)).status).toBe("past_due");
    // The card works again; the retry's call times out before the gateway sees it, and the lookup finds nothing yet.
    await setDeclining(deps, billingKey, false);
    const merchantUid = await renewalMerchantUid(id, 2, 2);
    await chargeTimesOut(merchantUid);
    expect((await runDue(deps, clock, id)).result).toBe("unknown");
    // Meanwhile the subscriber cancels: it owes money, so it ends now and its open invoice is voided.
    await cancelByCustomer(deps, user, id);
    expect((await subscriptionRow(id)).status).toBe("canceled");
    // The gateway records a payment under the attempt's merchant_uid after all (a request that was only slow), whose
    // webhook is lost; the reconciler asks about the attempt still `ready` and finds it paid.
    await chargeLandsLate(merchantUid, 19_000);
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
  it("refuses to use a key the gateway does not have (window closed, card refused): 409 and nothing changes", async () => {
    const clock = testClock();
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const user = await userRow();
    const started = await startSubscription(deps, user, priceId, ORIGIN);
    const reg = started.registration;
    if (reg.gateway === "iamport-v1") expect(reg).toMatchObject({ pg: "html5_inicis.INIBillTst", pay_method: "card", amount: 19_000 });
    else expect(reg.request).toMatchObject({ billingKeyMethod: "CARD", channelKey: deps.config.PORTONE_BILLING_CHANNEL_KEY, issueId: expect.stringMatching(/^reg_[0-9a-f]{32}$/) });
    expect(reg.gateway).toBe(deps.config.GATEWAY);
    // Nothing was issued: V1's customer_uid has no key behind it; a V2 key the browser made up does not exist.
    const unissued = onV1 ? reportOf(reg, registrationId(reg)) : { billingKey: `billing-key-${crypto.randomUUID()}` };
    await expect(confirmCard(deps, user, started.id, unissued)).rejects.toMatchObject({ status: 409, code: "card_not_registered" });
    // The card ending 0002 is refused at registration: still nothing to confirm.
    await expect(issueKey(deps, reg, CARD.refused)).rejects.toThrow();
    await expect(confirmCard(deps, user, started.id, unissued)).rejects.toMatchObject({ code: "card_not_registered" });
    expect(await subscriptionRow(started.id)).toMatchObject({ status: "incomplete", customer_uid: null, billing_key: null, next_action_at: null });
    expect(renewals).toEqual([]);
    // Another buyer cannot confirm a key issued for it, and one live subscription per product.
    const key = await issueKey(deps, reg);
    const other = await userRow();
    await expect(confirmCard(deps, other, started.id, reportOf(reg, key))).rejects.toMatchObject({ status: 404 });
    await expect(startSubscription(deps, user, priceId, ORIGIN)).rejects.toMatchObject({ status: 409, code: "subscription_exists" });
    // The owner's report is taken, once: a repeated report changes nothing and charges nothing more.
    expect(await confirmCard(deps, user, started.id, reportOf(reg, key))).toEqual({ chargeDue: true });
    expect(await confirmCard(deps, user, started.id, reportOf(reg, key))).toEqual({ chargeDue: false });
    expect(renewals).toEqual([{ kind: "renewal", subscription_id: started.id }]);
    expect(await subscriptionRow(started.id)).toMatchObject({ customer_uid: registrationId(reg), billing_key: key });
  });

  it("two reports of one registration at once: one confirmation, one charge due, one timeline entry", async () => {
    const clock = testClock(Date.parse("2028-04-01T00:00:00Z"));
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const user = await userRow();
    const started = await startSubscription(deps, user, priceId, ORIGIN);
    const key = await issueKey(deps, started.registration);
    const report = reportOf(started.registration, key);
    const results = await Promise.allSettled([1, 2, 3].map(() => confirmCard(deps, user, started.id, report)));
    const answers = results.map((r) => (r.status === "fulfilled" ? r.value.chargeDue : (r.reason as { code: string }).code));
    expect(answers.filter((a) => a === true)).toHaveLength(1);
    expect(answers.every((a) => a === true || a === false || a === "concurrent_change")).toBe(true);
    expect(renewals).toEqual([{ kind: "renewal", subscription_id: started.id }]);
    expect((await eventsOfSubscription(started.id)).map((e: any) => e.kind)).toEqual(["created", "card_registered"]);
  });

  it("an abandoned registration: the keys the gateway issued for it are deleted, and a late report of one is refused", async () => {
    const clock = testClock(Date.parse("2028-06-01T00:00:00Z"));
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const user = await userRow();
    const started = await startSubscription(deps, user, priceId, ORIGIN);
    // The window issued a key, twice over (V2 names each; V1 re-points its one name), and the browser never came back.
    await issueKey(deps, started.registration);
    const key = await issueKey(deps, started.registration);
    const pending = (await findBillingKey(deps.db, registrationId(started.registration)))!;
    expect(pending.status).toBe("pending");
    // What the daily sweep does for each registration older than a day (sweep-renewals; the whole sweep runs in the
    // clock pass, alone, since it acts on every registration in the database).
    expect(await deleteAbandonedKey(deps, pending)).toBe(true);
    expect(await keyIsLive(deps, key)).toBe(false);
    expect(await deps.gateway.billing.keysIssuedTo(registrationId(started.registration))).toEqual([]);
    await expect(confirmCard(deps, user, started.id, reportOf(started.registration, key))).rejects.toMatchObject({ status: 409 });
    expect(await subscriptionRow(started.id)).toMatchObject({ status: "incomplete", billing_key: null });
    expect(renewals).toEqual([]);
  });

  it.runIf(onV2)("V2: a reported key is used only if PortOne issued it to this registration's customer and has not deleted it", async () => {
    const clock = testClock(Date.parse("2028-05-01T00:00:00Z"));
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const user = await userRow();
    const started = await startSubscription(deps, user, priceId, ORIGIN);
    const reg = started.registration;
    if (reg.gateway !== "portone-v2") throw new Error("a V2 registration was expected");
    // Issued to nobody, or to a customer id that is not this registration's: not ours to take (404).
    const anonymous = (await v2IssueKey()).billingKey!;
    await expect(confirmCard(deps, user, started.id, { billingKey: anonymous })).rejects.toMatchObject({ status: 404 });
    const elsewhere = await startSubscription(deps, await userRow(), (await monthlyPlan()).priceId, ORIGIN);
    const theirs = await issueKey(deps, elsewhere.registration);
    await expect(confirmCard(deps, user, started.id, { billingKey: theirs })).rejects.toMatchObject({ status: 404 });
    // Issued to this registration but deleted since: not usable (409), nothing recorded.
    const deleted = await issueKey(deps, reg);
    await deps.gateway.billing.deleteBillingKey(deleted);
    await expect(confirmCard(deps, user, started.id, { billingKey: deleted })).rejects.toMatchObject({ status: 409, code: "card_not_registered" });
    expect(await subscriptionRow(started.id)).toMatchObject({ status: "incomplete", billing_key: null });
    expect(await keyIsLive(deps, theirs)).toBe(true);
    expect(renewals).toEqual([]);

    // The window issued twice for one registration (opened in two tabs): the first key reported is the card; the
    // second is refused and deleted at PortOne, since nothing will ever charge it.
    const first = await issueKey(deps, reg);
    const second = await issueKey(deps, reg);
    expect(await confirmCard(deps, user, started.id, { billingKey: first })).toEqual({ chargeDue: true });
    await expect(confirmCard(deps, user, started.id, { billingKey: second })).rejects.toMatchObject({ status: 409, code: "invalid_state" });
    expect(await keyIsLive(deps, second)).toBe(false);
    expect(await keyIsLive(deps, first)).toBe(true);
    expect(await subscriptionRow(started.id)).toMatchObject({ billing_key: first, card_name: expect.any(String) });
    // A V1 report on a V2 server is refused before anything is read.
    await expect(confirmCard(deps, user, started.id, { customerUid: reg.request.customer.customerId })).rejects.toMatchObject({ status: 400 });
  });

  it("cancel at period end: no further charge, the key is deleted; resume before the end keeps renewing", async () => {
    const clock = testClock(Date.parse("2027-12-15T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, user, billingKey } = await subscribed(deps, { priceId });
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
    expect(await chargesApproved(billingKey)).toHaveLength(2);
    expect(await invoicesOf(id)).toHaveLength(2);
    expect(await keyIsLive(deps, billingKey)).toBe(false);
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
