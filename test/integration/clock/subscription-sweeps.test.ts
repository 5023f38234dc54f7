import { describe, expect, it } from "vitest";
import { renewSubscription } from "../../../src/services/renew-subscription";
import { confirmCard, startSubscription } from "../../../src/services/subscribe";
import { sweepRenewals } from "../../../src/services/sweep-renewals";
import { deliver } from "../../helpers/queue";
import {
  attemptsOf,
  chargesApproved,
  DAY,
  invoicesOf,
  monthlyPlan,
  ORIGIN,
  issueKey,
  keyIsLive,
  registerAndConfirm,
  reportOf,
  setDeclining,
  runDue,
  subscribed,
  subscriptionDeps,
  subscriptionRow,
  testClock,
  userRow,
} from "../../helpers/subscriptions";
import { registerCard } from "../../../src/services/subscribe";

// The renewal sweep acts on every subscription in the shared database (and deletes abandoned card registrations),
// so these tests run in the clock pass, alone, where nothing else is mid-registration.
describe("the renewal sweep", () => {
  it("overlapping sweeps claim each due subscription once, and duplicated deliveries charge once", async () => {
    const clock = testClock(Date.parse("2030-05-15T00:00:00Z"));
    const { deps, renewals } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, billingKey } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    renewals.length = 0;
    clock.set((await subscriptionRow(id)).next_action_at);

    // Two cron runs at once: the claim is one statement, so this subscription is enqueued once between them.
    await Promise.all([sweepRenewals(deps), sweepRenewals(deps)]);
    expect(renewals.filter((m) => m.subscription_id === id)).toHaveLength(1);
    // A third run right after finds it claimed.
    await sweepRenewals(deps);
    expect(renewals.filter((m) => m.subscription_id === id)).toHaveLength(1);

    // The same message delivered three times at once, then once more late, through the real queue handler.
    const results = await Promise.all([1, 2, 3].map(() => renewSubscription(deps, id)));
    expect(results.filter((r) => r.result === "charged")).toHaveLength(1);
    const late = await deliver({ kind: "renewal", subscription_id: id }, 2, deps);
    expect(late.acked).toBe(true);
    expect(await chargesApproved(billingKey)).toHaveLength(2);
    expect((await subscriptionRow(id)).period).toBe(2);
  });

  it("deletes at the gateway the key of a card registration nobody confirmed within a day", async () => {
    const clock = testClock(Date.now() + 3 * DAY);
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const user = await userRow();
    const started = await startSubscription(deps, user, priceId, ORIGIN);
    const key = await issueKey(deps, started.registration);
    clock.advance(DAY + 60_000);
    expect((await sweepRenewals(deps)).abandoned_keys_deleted).toBeGreaterThanOrEqual(1);
    expect(await keyIsLive(deps, key)).toBe(false);
    await expect(confirmCard(deps, user, started.id, reportOf(started.registration, key))).rejects.toMatchObject({ status: 409, code: "invalid_state" });
    expect(await subscriptionRow(started.id)).toMatchObject({ status: "incomplete", customer_uid: null });
  });

  it("an unpaid subscription paid up months later is charged for the period that contains now, not each one missed", async () => {
    const clock = testClock(Date.parse("2030-01-10T00:00:00Z"));
    const { deps } = subscriptionDeps(clock);
    const { priceId } = await monthlyPlan();
    const { id, user, billingKey } = await subscribed(deps, { priceId });
    await renewSubscription(deps, id);
    await setDeclining(deps, billingKey, true);
    for (let i = 0; i < 5; i++) await runDue(deps, clock, id);
    expect((await subscriptionRow(id)).status).toBe("unpaid");

    clock.advance(90 * DAY);
    const reg = await registerCard(deps, user, id, ORIGIN);
    await registerAndConfirm(deps, user, id, reg);
    expect((await renewSubscription(deps, id)).result).toBe("charged");
    expect((await subscriptionRow(id)).status).toBe("active");
    // The owed period 2 is paid; the next charge opens the period containing now (period 2's end is long past).
    expect((await runDue(deps, clock, id)).result).toBe("charged");
    const invoices = await invoicesOf(id);
    expect(invoices.map((i: any) => [i.period, i.status])).toEqual([[1, "paid"], [2, "paid"], [5, "paid"]]);
    const last = invoices.at(-1);
    expect(last.period_start <= clock.now() && clock.now() < last.period_end).toBe(true);
    expect((await attemptsOf(id)).filter((p: any) => p.status === "paid")).toHaveLength(3);
  });
});
