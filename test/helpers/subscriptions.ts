import { env } from "cloudflare:workers";
import type { UserRow } from "../../src/db/schema";
import { depsFor, type Deps } from "../../src/services/deps";
import type { RenewalMessage, ValidationMessage } from "../../src/domain/messages";
import type { CardRegistration } from "../../src/domain/card-registration";
import { GatewayNotFoundError } from "../../src/gateway/errors";
import { confirmCard, startSubscription, type ConfirmRef } from "../../src/services/subscribe";
import { renewSubscription } from "../../src/services/renew-subscription";
import { makeProduct } from "./catalogue";
import { appIamport } from "./iamport";
import { onV1 } from "./gateway-under-test";
import { signUp } from "./http";
import { v2 } from "./portone-sandbox";
import { fault, pay } from "./sandbox";

export const ORIGIN = "http://localhost:8787";
export const DAY = 86_400_000;

/** A clock a test moves by hand (the app's time; the sandbox keeps its own, which renewals never compare). */
export function testClock(start = Date.parse("2027-01-31T01:00:00Z")) {
  let now = start;
  return { now: () => now, set: (ms: number) => (now = ms), advance: (ms: number) => (now += ms) };
}

/**
 * Deps for subscription tests: the test's clock, and queues that only record what was sent, so the test delivers
 * each message itself (the real consumer would race the test's own steps).
 */
export function subscriptionDeps(clock: { now: () => number }, overrides: Partial<Deps> = {}) {
  const renewals: RenewalMessage[] = [];
  const validations: ValidationMessage[] = [];
  const deps = depsFor(env, {
    now: clock.now,
    renewals: { send: async (m) => void renewals.push(m), sendBatch: async (ms) => void renewals.push(...ms) },
    queue: { send: async (m) => void validations.push(m), sendBatch: async (ms) => void validations.push(...ms) },
    ...overrides,
  });
  return { deps, renewals, validations };
}

export async function monthlyPlan(amount = 19_000, trialDays = 0) {
  const product = await makeProduct({ name: "커피 클럽", prices: [{ amount, label: "베이직", recurring: { interval: "month", interval_count: 1, trial_days: trialDays } }] });
  return { productId: product.id, priceId: product.prices[0]!.id };
}

export async function userRow(): Promise<UserRow & { token: string }> {
  const u = await signUp();
  const row = await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(u.user.id).first<any>();
  return {
    id: row.id, email: row.email, name: row.name, passwordAlgorithm: row.password_algorithm, passwordIterations: row.password_iterations,
    passwordSalt: row.password_salt, passwordHash: row.password_hash, createdAt: row.created_at, role: row.role,
    roleChangedBy: row.role_changed_by, roleChangedAt: row.role_changed_at, token: u.token,
  };
}

/** Test cards, the same at both gateways' sandboxes. */
export const CARD = { good: "4111-1111-1111-1111", declining: "5105-1051-0510-0051", refused: "4111-1111-1111-0002" } as const;

/** The registration's own id (billing_keys.customer_uid): V1's customer_uid, V2's customer.customerId. */
export const registrationId = (reg: CardRegistration) => (reg.gateway === "portone-v2" ? reg.request.customer.customerId : reg.customer_uid);

/**
 * What the gateway under test's billing-key window does when the buyer enters a card: a key is issued for this
 * registration (V1: under its customer_uid; V2: a key PortOne names, issued to its customer id). Answers the
 * gateway's key. V2's keys are issued with their charges' webhooks held back, as V1's /again sends none: these
 * tests settle each charge themselves (the webhook's race is a test of its own).
 */
export async function issueKey(deps: Deps, reg: CardRegistration, card: string = CARD.good): Promise<string> {
  if (reg.gateway === "iamport-v1") {
    await appIamport(deps.now).billing.createCustomer(reg.customer_uid, { card_number: card, expiry: "2035-12" });
    return reg.customer_uid;
  }
  const res = await v2("POST", "/__control/billing-key", {
    card_number: card,
    expiry: "2035-12",
    customer_id: reg.request.customer.customerId,
    issue_name: reg.request.issueName,
    charge_webhooks: "none",
  });
  if (!res.json?.billingKey) throw new Error(`the V2 sandbox issued no key: ${res.json?.code} ${res.json?.message}`);
  return res.json.billingKey as string;
}

/** What the browser reports once the window issued `key` for this registration. */
export const reportOf = (reg: CardRegistration, key: string): ConfirmRef => (reg.gateway === "portone-v2" ? { billingKey: key } : { customerUid: reg.customer_uid });

/** The buyer registers a card in the window and the browser reports it. */
export async function registerAndConfirm(deps: Deps, user: UserRow, subscriptionId: string, reg: CardRegistration, card?: string) {
  const key = await issueKey(deps, reg, card);
  return { key, ...(await confirmCard(deps, user, subscriptionId, reportOf(reg, key))) };
}

/** Subscribe, register a card and confirm it: the subscription's first charge is then due (or its trial starts). */
export async function subscribed(deps: Deps, opts: { priceId: string; user?: UserRow; card?: string }) {
  const user = opts.user ?? (await userRow());
  const started = await startSubscription(deps, user, opts.priceId, ORIGIN);
  const { key } = await registerAndConfirm(deps, user, started.id, started.registration, opts.card);
  return { user, id: started.id, customerUid: registrationId(started.registration), billingKey: key };
}

/** The card behind a key starts declining every charge (it hit its limit), or works again. */
export async function setDeclining(deps: Deps, key: string, declines: boolean) {
  if (onV1) {
    // V1: the same customer_uid re-issued on another card (the sandbox's 0051 card declines every charge).
    await appIamport(deps.now).billing.createCustomer(key, { card_number: declines ? CARD.declining : CARD.good, expiry: "2035-12" });
    return;
  }
  const res = await v2("POST", `/__control/billing-keys/${encodeURIComponent(key)}/card`, { declines });
  if (res.status !== 200) throw new Error(`the V2 sandbox did not switch ${key}: ${res.status} ${res.text}`);
}

/** Whether the gateway would still charge this key (V1 forgets a deleted key; V2 describes it as DELETED). */
export async function keyIsLive(deps: Deps, key: string): Promise<boolean> {
  try {
    return (await deps.gateway.billing.getBillingKey(key)).usable;
  } catch (e) {
    if (e instanceof GatewayNotFoundError) return false;
    throw e;
  }
}

/** Makes the gateway's next charge under this merchant_uid time out; `processed`: it lands, the answer is lost. */
export async function chargeTimesOut(merchantUid: string, opts: { processed?: boolean } = {}) {
  const armed = { method: "POST", kind: "timeout", latency_ms: 3_000, ...(opts.processed ? { processed: true } : {}) } as const;
  if (onV1) return fault({ path: "/subscribe/payments/again", match: merchantUid, ...armed });
  const res = await v2("POST", "/__control/faults", { path: `/payments/${encodeURIComponent(merchantUid)}/billing-key`, ...armed });
  if (res.status !== 201) throw new Error(`the V2 sandbox armed no fault: ${res.status} ${res.text}`);
}

/**
 * A payment under this merchant_uid appears at the gateway outside our call (a request that was only slow, landing
 * after the key may be gone), with no webhook: made through the sandbox's window control, as V1's test did.
 */
export async function chargeLandsLate(merchantUid: string, amount: number) {
  if (onV1) return pay({ merchant_uid: merchantUid, amount, skip_prepare_check: true, webhook: "none" });
  const res = await v2("POST", "/__control/pay", { payment_id: merchantUid, amount, outcome: "paid", webhook: "none" });
  if (res.json?.code || res.status !== 200) throw new Error(`the V2 sandbox did not record ${merchantUid}: ${res.status} ${res.text}`);
}

export const subscriptionRow = (id: string) => env.DB.prepare("SELECT * FROM subscriptions WHERE id = ?").bind(id).first<any>();
export const invoicesOf = async (id: string) =>
  (await env.DB.prepare("SELECT * FROM invoices WHERE subscription_id = ? ORDER BY period").bind(id).all<any>()).results;
export const attemptsOf = async (id: string) =>
  (
    await env.DB.prepare("SELECT p.* FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE i.subscription_id = ? ORDER BY i.period, p.attempt")
      .bind(id)
      .all<any>()
  ).results;
export const eventsOfSubscription = async (id: string) =>
  (await env.DB.prepare("SELECT * FROM subscription_events WHERE subscription_id = ? ORDER BY id").bind(id).all<any>()).results;

/** Charges the gateway under test approved with this key (still paid): the count that must be one per period. */
export async function chargesApproved(key: string): Promise<Array<{ merchant_uid: string; amount: number }>> {
  if (onV1) {
    return (
      await env.SANDBOX_DB.prepare("SELECT merchant_uid, amount FROM sandbox_payments WHERE customer_uid = ? AND status = 'paid' ORDER BY started_at")
        .bind(key)
        .all<{ merchant_uid: string; amount: number }>()
    ).results;
  }
  const res = await v2("GET", `/__control/billing-keys/${encodeURIComponent(key)}/payments`);
  return (res.json.payments as Array<{ id: string; status: string; amount: { total: number } }>)
    .filter((p) => p.status === "PAID")
    .map((p) => ({ merchant_uid: p.id, amount: p.amount.total }));
}

/** Moves the clock to the subscription's next due time and runs what is due, as the consumer would. */
export async function runDue(deps: Deps, clock: { set: (ms: number) => void }, id: string) {
  const row = await subscriptionRow(id);
  if (row.next_action_at === null) throw new Error(`nothing due for ${id} (${row.status})`);
  clock.set(Math.max(row.next_action_at, deps.now()));
  return renewSubscription(deps, id);
}
