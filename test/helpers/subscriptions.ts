import { env } from "cloudflare:workers";
import type { UserRow } from "../../src/db/schema";
import { depsFor, type Deps } from "../../src/services/deps";
import type { RenewalMessage, ValidationMessage } from "../../src/domain/messages";
import { confirmCard, startSubscription } from "../../src/services/subscribe";
import { renewSubscription } from "../../src/services/renew-subscription";
import { makeProduct } from "./catalogue";
import { appIamport } from "./iamport";
import { signUp } from "./http";

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

/** What the billing-key window does when the buyer enters a card: the key is issued at the sandbox. */
export const registerAtIamport = (deps: Deps, customerUid: string, card = "4111-1111-1111-1111") =>
  appIamport(deps.now).billing.createCustomer(customerUid, { card_number: card, expiry: "2035-12" });

/** Subscribe, register a card and confirm it: the subscription's first charge is then due (or its trial starts). */
export async function subscribed(deps: Deps, opts: { priceId: string; user?: UserRow; card?: string }) {
  const user = opts.user ?? (await userRow());
  const started = await startSubscription(deps, user, opts.priceId, ORIGIN);
  await registerAtIamport(deps, started.registration.customer_uid, opts.card);
  await confirmCard(deps, user, started.id, { customerUid: started.registration.customer_uid });
  return { user, id: started.id, customerUid: started.registration.customer_uid };
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

/** Charges Iamport (the sandbox) approved with this billing key: the count that must be one per period. */
export const chargesAtIamport = async (customerUid: string) =>
  (
    await env.SANDBOX_DB.prepare("SELECT merchant_uid, status, amount FROM sandbox_payments WHERE customer_uid = ? AND status = 'paid' ORDER BY started_at")
      .bind(customerUid)
      .all<{ merchant_uid: string; status: string; amount: number }>()
  ).results;

/** Moves the clock to the subscription's next due time and runs what is due, as the consumer would. */
export async function runDue(deps: Deps, clock: { set: (ms: number) => void }, id: string) {
  const row = await subscriptionRow(id);
  if (row.next_action_at === null) throw new Error(`nothing due for ${id} (${row.status})`);
  clock.set(Math.max(row.next_action_at, deps.now()));
  return renewSubscription(deps, id);
}
