import { iamportSettings } from "../config";
import { requireBrowserCheckout } from "./browser-flows";
import { rawStatement, runBatch } from "../db/batch";
import { clearGuard } from "../db/guard";
import type { BillingKeyRow, SubscriptionRow, UserRow } from "../db/schema";
import {
  applyChange,
  changeStatements,
  confirmKeyStatements,
  findBillingKey,
  findBillingKeyByRegistration,
  findPriceWithProduct,
  findSubscription,
  insertBillingKey,
  insertSubscriptionStatements,
  liveSubscriptionsTo,
  type SubscriptionSet,
} from "../db/subscriptions";
import { DAY_MS } from "../domain/billing-dates";
import { AppError, badRequest, concurrentChange, conflict, notFound, serviceMisconfigured } from "../domain/errors";
import { newCustomerUid, newRegistrationUid, newSubscriptionId } from "../domain/subscription-ids";
import type { CardRegistration } from "../domain/card-registration";
import { owesMoney, type SubscriptionEventKind, type SubscriptionStatus } from "../domain/subscription-state";
import { GatewayNotFoundError, GatewayRefusalError } from "../gateway/errors";
import { deleteRetiredKeys } from "./billing-keys";
import type { Deps } from "./deps";
import { gatewayFailure } from "./gateway-errors";
import { invoiceName } from "./renew-subscription";
import { expectedOf } from "./settle-attempt";

const priceField = (code: "not_in_catalogue" | "not_on_sale" | "not_recurring", message: string) =>
  badRequest("price_unavailable", `price_id: ${message}`, { fields: [{ field: "price_id", code, message }] });

function billingPg(deps: Deps): string {
  const pg = deps.config.IAMPORT_BILLING_PG;
  if (!pg) {
    console.error(JSON.stringify({ level: "error", event: "config_error", settings: ["IAMPORT_BILLING_PG"], error: "subscriptions need a billing channel" }));
    throw serviceMisconfigured();
  }
  return pg;
}

function registration(deps: Deps, user: UserRow, key: Pick<BillingKeyRow, "customerUid" | "registrationUid">, subscriptionId: string, name: string, amount: number, origin: string): CardRegistration {
  return {
    imp_code: iamportSettings(deps.config).impCode,
    pg: billingPg(deps),
    pay_method: "card",
    merchant_uid: key.registrationUid,
    customer_uid: key.customerUid,
    name,
    amount,
    buyer_email: user.email,
    buyer_name: Array.from(user.name).slice(0, 16).join(""),
    m_redirect_url: `${origin}/subscriptions/return?subscription=${subscriptionId}`,
  };
}

/**
 * Starts a subscription to a recurring price: `incomplete` until a card is registered and confirmed (then trialing
 * or charged). One live subscription per product and buyer; a second is refused, naming the first.
 */
export async function startSubscription(deps: Deps, user: UserRow, priceId: string, origin: string) {
  requireBrowserCheckout(deps);
  billingPg(deps);
  const found = await findPriceWithProduct(deps.db, priceId);
  if (!found) throw priceField("not_in_catalogue", "is not in the catalogue");
  if (!found.price.active || !found.product.active) throw priceField("not_on_sale", "is no longer on sale");
  if (found.price.interval === null) throw priceField("not_recurring", "is a one-off price; subscriptions need a recurring one");
  const live = await liveSubscriptionsTo(deps.db, user.id, found.product.id);
  if (live.length > 0) {
    throw conflict("subscription_exists", "You already subscribe to this product.", { subscription_id: live[0]!.id, status: live[0]!.status });
  }
  const now = deps.now();
  const id = newSubscriptionId(deps.randomBytes);
  const key = { customerUid: newCustomerUid(deps.randomBytes), registrationUid: newRegistrationUid(deps.randomBytes) };
  await runBatch(deps.db, [
    ...insertSubscriptionStatements(
      deps.db,
      { id, userId: user.id, priceId, status: "incomplete", createdAt: now, updatedAt: now },
      { ...key, subscriptionId: id, userId: user.id, status: "pending", createdAt: now },
      { kind: "created", from: null, to: "incomplete", source: "customer", reason: `plan ${priceId}` },
    ),
    // Two tabs subscribing at once: the database keeps one (the batch fails when a second live one would exist).
    rawStatement(
      deps.db,
      `INSERT INTO cas_guard (ok) SELECT count(*) = 1 FROM subscriptions s JOIN prices p ON p.id = s.price_id
        WHERE s.user_id = ? AND p.product_id = ? AND s.status <> 'canceled'`,
      user.id,
      found.product.id,
    ),
    clearGuard(deps.db),
  ]).catch(async (e) => {
    const again = await liveSubscriptionsTo(deps.db, user.id, found.product.id);
    if (again.length > 0) throw conflict("subscription_exists", "You already subscribe to this product.", { subscription_id: again[0]!.id, status: again[0]!.status });
    throw e;
  });
  return { id, registration: registration(deps, user, key, id, invoiceName(found.price, found.product.name), found.price.amount, origin) };
}

async function ownSubscription(deps: Deps, user: UserRow, id: string): Promise<SubscriptionRow> {
  const s = await findSubscription(deps.db, id);
  if (!s || s.userId !== user.id) throw notFound("subscription");
  return s;
}

/** A new card registration for a live subscription: a new customer_uid every time, never a reused one. */
export async function registerCard(deps: Deps, user: UserRow, subscriptionId: string, origin: string) {
  requireBrowserCheckout(deps);
  const s = await ownSubscription(deps, user, subscriptionId);
  if (s.status === "canceled") throw conflict("invalid_state", "This subscription has ended.", { status: s.status });
  const found = (await findPriceWithProduct(deps.db, s.priceId))!;
  const key = { customerUid: newCustomerUid(deps.randomBytes), registrationUid: newRegistrationUid(deps.randomBytes) };
  await insertBillingKey(deps.db, { ...key, subscriptionId: s.id, userId: user.id, status: "pending", createdAt: deps.now() });
  return registration(deps, user, key, s.id, invoiceName(found.price, found.product.name), found.price.amount, origin);
}

export type ConfirmRef = { customerUid: string } | { registrationUid: string };

/**
 * The browser says a card was registered (popup callback or m_redirect_url). Nothing it says is trusted: the key is
 * confirmed with GET /subscribe/customers/{customer_uid} before it is used. Then, in one atomic batch, the key
 * becomes the subscription's card, the previous key is retired, and the lifecycle moves: a first card starts the
 * trial or makes the first charge due now; a new card on a subscription that owes money retries it at once. The
 * previous key is deleted at Iamport only after all this is recorded.
 */
export async function confirmCard(deps: Deps, user: UserRow, subscriptionId: string, ref: ConfirmRef): Promise<{ chargeDue: boolean }> {
  const key = "customerUid" in ref ? await findBillingKey(deps.db, ref.customerUid) : await findBillingKeyByRegistration(deps.db, ref.registrationUid);
  if (!key || key.userId !== user.id || key.subscriptionId !== subscriptionId) throw notFound("card registration");
  if (key.status === "active") return { chargeDue: false };
  if (key.status !== "pending") {
    throw conflict("invalid_state", key.status === "deleted" && key.confirmedAt === null ? "This card registration expired; register the card again." : "This card was replaced by a newer one.", { status: key.status });
  }

  let customer;
  try {
    customer = await deps.gateway.billing.getBillingKey(key.customerUid);
  } catch (e) {
    if (e instanceof GatewayNotFoundError || (e instanceof GatewayRefusalError && !e.retryable)) {
      throw new AppError(409, "card_not_registered", "Iamport has no card registered under this registration; the window was closed or the card was refused.");
    }
    throw gatewayFailure(e);
  }
  const card = { cardName: customer.cardName, cardNumber: customer.cardNumberMasked };

  for (let round = 0; round < 3; round++) {
    const s = await ownSubscription(deps, user, subscriptionId);
    if (s.status === "canceled") throw conflict("invalid_state", "This subscription has ended.", { status: s.status });
    const now = deps.now();
    const plan = await planAfterConfirm(deps, s, now);
    const won = await applyChange(
      deps.db,
      changeStatements(
        deps.db,
        expectedOf(s),
        { ...plan.set, customerUid: key.customerUid, cardName: card.cardName, cardNumber: card.cardNumber },
        { kind: plan.kind, from: s.status, to: plan.set.status ?? s.status, source: "customer", reason: `${card.cardName ?? "card"} ${card.cardNumber ?? ""}`.trim(), period: s.period },
        now,
        confirmKeyStatements(deps.db, key, card, now),
      ),
    );
    if (!won) {
      const again = await findBillingKey(deps.db, key.customerUid);
      if (again?.status === "active") return { chargeDue: false };
      continue;
    }
    await deleteRetiredKeys(deps, s.id);
    if (plan.chargeDue) {
      try {
        await deps.renewals.send({ kind: "renewal", subscription_id: s.id });
      } catch (e) {
        // The sweep finds it due on its next run.
        console.error(JSON.stringify({ level: "error", event: "enqueue_failed", subscription_id: s.id, error: e instanceof Error ? e.message : String(e) }));
      }
    }
    return { chargeDue: plan.chargeDue };
  }
  throw concurrentChange();
}

async function planAfterConfirm(deps: Deps, s: SubscriptionRow, now: number): Promise<{ set: SubscriptionSet & { status?: SubscriptionStatus }; kind: SubscriptionEventKind; chargeDue: boolean }> {
  if (s.status === "incomplete" && s.period === 0 && s.customerUid === null) {
    const price = (await findPriceWithProduct(deps.db, s.priceId))!.price;
    const trialDays = price.trialDays ?? 0;
    if (trialDays > 0) {
      const end = now + trialDays * DAY_MS;
      return { set: { status: "trialing", trialEndAt: end, anchorAt: end, nextActionAt: end, renewalQueuedAt: null }, kind: "trial_started", chargeDue: false };
    }
    return { set: { anchorAt: now, nextActionAt: now, renewalQueuedAt: now }, kind: "card_registered", chargeDue: true };
  }
  const inFlight = s.attempt > s.settledAttempt;
  if (owesMoney(s.status) && !inFlight) {
    // A first card whose earlier registration never charged, or a card change while money is owed: retry at once.
    const anchor = s.anchorAt ?? now;
    return { set: { anchorAt: anchor, nextActionAt: now, renewalQueuedAt: now, retriesStopped: false }, kind: s.customerUid ? "card_replaced" : "card_registered", chargeDue: true };
  }
  return { set: {}, kind: s.customerUid ? "card_replaced" : "card_registered", chargeDue: false };
}
