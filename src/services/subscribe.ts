import { iamportSettings, portoneSettings } from "../config";
import { rawStatement, runBatch } from "../db/batch";
import { clearGuard } from "../db/guard";
import type { BillingKeyRow, SubscriptionRow, UserRow } from "../db/schema";
import {
  applyChange,
  changeStatements,
  confirmKeyStatements,
  findBillingKey,
  findBillingKeyByGatewayKey,
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
import type { BillingKeyInfo, GatewayName } from "../gateway/types";
import { deleteRetiredKeys } from "./billing-keys";
import type { Deps } from "./deps";
import { gatewayFailure } from "./gateway-errors";
import { invoiceName } from "./renew-subscription";
import { expectedOf } from "./settle-attempt";

const priceField = (code: "not_in_catalogue" | "not_on_sale" | "not_recurring", message: string) =>
  badRequest("price_unavailable", `price_id: ${message}`, { fields: [{ field: "price_id", code, message }] });

/** The channel that issues billing keys, for the configured gateway; a missing one is named in the log (503). */
function billingChannel(deps: Deps): string {
  const [setting, value] =
    deps.config.GATEWAY === "portone-v2"
      ? (["PORTONE_BILLING_CHANNEL_KEY", portoneSettings(deps.config).billingChannelKey] as const)
      : (["IAMPORT_BILLING_PG", deps.config.IAMPORT_BILLING_PG] as const);
  if (!value) {
    console.error(JSON.stringify({ level: "error", event: "config_error", settings: [setting], error: "subscriptions need a billing channel" }));
    throw serviceMisconfigured();
  }
  return value;
}

interface RegistrationInput {
  user: UserRow;
  key: Pick<BillingKeyRow, "customerUid" | "registrationUid">;
  subscriptionId: string;
  /** The plan as the window shows it, and its price (shown by V1's window only; nothing is approved). */
  name: string;
  amount: number;
  origin: string;
}

/** What the browser opens the configured gateway's billing-key window with. */
function registration(deps: Deps, r: RegistrationInput): CardRegistration {
  const channel = billingChannel(deps);
  const returnUrl = `${r.origin}/subscriptions/return?subscription=${r.subscriptionId}`;
  const buyerName = Array.from(r.user.name).slice(0, 16).join("");
  if (deps.config.GATEWAY === "portone-v2") {
    const v2 = portoneSettings(deps.config);
    return {
      gateway: "portone-v2",
      sdk_url: v2.sdkUrl,
      redirect_url: returnUrl,
      request: {
        storeId: v2.storeId,
        channelKey: channel,
        billingKeyMethod: "CARD",
        issueId: r.key.registrationUid,
        issueName: r.name,
        // PortOne chooses the key; the customer id it is issued to is what ties it to this registration.
        customer: { customerId: r.key.customerUid, fullName: buyerName, email: r.user.email },
      },
    };
  }
  return {
    gateway: "iamport-v1",
    imp_code: iamportSettings(deps.config).impCode,
    pg: channel,
    pay_method: "card",
    merchant_uid: r.key.registrationUid,
    customer_uid: r.key.customerUid,
    name: r.name,
    amount: r.amount,
    buyer_email: r.user.email,
    buyer_name: buyerName,
    m_redirect_url: returnUrl,
  };
}

/**
 * A new registration's ids: customer_uid names it (V1: the key itself; V2: the customer the key is issued to). V1
 * knows the gateway's key from the start (it is the customer_uid); V2's is PortOne's to choose, recorded on
 * confirmation.
 */
function newRegistration(deps: Deps) {
  const customerUid = newCustomerUid(deps.randomBytes);
  return { customerUid, registrationUid: newRegistrationUid(deps.randomBytes), billingKey: deps.config.GATEWAY === "iamport-v1" ? customerUid : null };
}

/**
 * Starts a subscription to a recurring price: `incomplete` until a card is registered and confirmed (then trialing
 * or charged). One live subscription per product and buyer; a second is refused, naming the first.
 */
export async function startSubscription(deps: Deps, user: UserRow, priceId: string, origin: string) {
  billingChannel(deps);
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
  const key = newRegistration(deps);
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
  return { id, registration: registration(deps, { user, key, subscriptionId: id, name: invoiceName(found.price, found.product.name), amount: found.price.amount, origin }) };
}

async function ownSubscription(deps: Deps, user: UserRow, id: string): Promise<SubscriptionRow> {
  const s = await findSubscription(deps.db, id);
  if (!s || s.userId !== user.id) throw notFound("subscription");
  return s;
}

/** A new card registration for a live subscription: a new customer_uid every time, never a reused one. */
export async function registerCard(deps: Deps, user: UserRow, subscriptionId: string, origin: string): Promise<CardRegistration> {
  billingChannel(deps);
  const s = await ownSubscription(deps, user, subscriptionId);
  if (s.status === "canceled") throw conflict("invalid_state", "This subscription has ended.", { status: s.status });
  const found = (await findPriceWithProduct(deps.db, s.priceId))!;
  const key = newRegistration(deps);
  await insertBillingKey(deps.db, { ...key, subscriptionId: s.id, userId: user.id, status: "pending", createdAt: deps.now() });
  return registration(deps, { user, key, subscriptionId: s.id, name: invoiceName(found.price, found.product.name), amount: found.price.amount, origin });
}

/**
 * What the browser reports after the billing-key window: V1's customer_uid (or the registration's merchant_uid from
 * m_redirect_url), or the billingKey PortOne V2 issued. Each belongs to one gateway; the other's is refused (400).
 */
export type ConfirmRef = { customerUid: string } | { registrationUid: string } | { billingKey: string };

const notRegistered = () =>
  new AppError(409, "card_not_registered", "The gateway has no usable card for this registration.");

/** The gateway's description of a key; one it does not have (or that is deleted) is card_not_registered. */
async function lookUpKey(deps: Deps, billingKey: string): Promise<BillingKeyInfo> {
  let info: BillingKeyInfo;
  try {
    info = await deps.gateway.billing.getBillingKey(billingKey);
  } catch (e) {
    if (e instanceof GatewayNotFoundError || (e instanceof GatewayRefusalError && !e.retryable)) throw notRegistered();
    throw gatewayFailure(e);
  }
  if (!info.usable) throw notRegistered();
  return info;
}

function refusedRegistration(key: BillingKeyRow): AppError {
  return conflict("invalid_state", key.status === "deleted" && key.confirmedAt === null ? "This card registration expired; register the card again." : "This card was replaced by a newer one.", { status: key.status });
}

/**
 * Finds the registration the browser's report is about, and the gateway's description of its key. V1: we named the
 * key (customer_uid), so the row comes first and the key is looked up under that name. V2: PortOne named the key,
 * so nothing in the report is believed until PortOne describes the key: it must be usable and issued to the
 * customer id of a pending registration of this user's subscription.
 */
async function resolveRegistration(deps: Deps, user: UserRow, subscriptionId: string, ref: ConfirmRef): Promise<{ key: BillingKeyRow; info: BillingKeyInfo | null }> {
  const mine = (k: BillingKeyRow | undefined): k is BillingKeyRow => !!k && k.userId === user.id && k.subscriptionId === subscriptionId;
  const wanted: GatewayName = "billingKey" in ref ? "portone-v2" : "iamport-v1";
  if (deps.config.GATEWAY !== wanted) {
    // The routes refuse the other gateway's fields by name; this holds for every other caller.
    throw badRequest("invalid_request", `This report comes from ${wanted}'s window, but this server uses ${deps.config.GATEWAY}.`);
  }
  if (!("billingKey" in ref)) {
    const key = "customerUid" in ref ? await findBillingKey(deps.db, ref.customerUid) : await findBillingKeyByRegistration(deps.db, ref.registrationUid);
    if (!mine(key)) throw notFound("card registration");
    if (key.status !== "pending") return { key, info: null };
    return { key, info: await lookUpKey(deps, key.billingKey ?? key.customerUid) };
  }
  // A key already recorded (a repeated report): answered from our own row, without asking PortOne again.
  const recorded = await findBillingKeyByGatewayKey(deps.db, ref.billingKey);
  if (recorded) {
    if (!mine(recorded)) throw notFound("card registration");
    return { key: recorded, info: null };
  }
  const info = await lookUpKey(deps, ref.billingKey);
  const key = info.customerId ? await findBillingKey(deps.db, info.customerId) : undefined;
  if (!mine(key)) throw notFound("card registration");
  if (key.status !== "pending") {
    // Issued to one of our registrations that can no longer take it (expired, or another key was confirmed for
    // it): nobody will ever charge it, so it is deleted at PortOne rather than left alive.
    await deleteStrayKey(deps, ref.billingKey);
    throw key.status === "active" ? conflict("invalid_state", "This registration already has a card.", { status: key.status }) : refusedRegistration(key);
  }
  return { key, info };
}

async function deleteStrayKey(deps: Deps, billingKey: string) {
  try {
    await deps.gateway.billing.deleteBillingKey(billingKey, "card registration no longer pending");
  } catch (e) {
    console.error(JSON.stringify({ level: "warn", event: "billing_key_delete_failed", billing_key: billingKey, error: e instanceof Error ? e.message : String(e) }));
  }
}

/**
 * The browser says a card was registered (popup callback, or the window's redirect). Nothing it says is trusted:
 * the key is looked up at the gateway before it is used (see resolveRegistration). Then, in one atomic batch, the
 * key becomes the subscription's card, the previous key is retired, and the lifecycle moves: a first card starts
 * the trial or makes the first charge due now; a new card on a subscription that owes money retries it at once. The
 * previous key is deleted at the gateway only after all this is recorded.
 */
export async function confirmCard(deps: Deps, user: UserRow, subscriptionId: string, ref: ConfirmRef): Promise<{ chargeDue: boolean }> {
  const { key, info } = await resolveRegistration(deps, user, subscriptionId, ref);
  if (key.status === "active") return { chargeDue: false };
  if (key.status !== "pending" || !info) throw refusedRegistration(key);
  const card = { cardName: info.cardName, cardNumber: info.cardNumberMasked, billingKey: info.billingKey };

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
        { ...plan.set, customerUid: key.customerUid, billingKey: card.billingKey, cardName: card.cardName, cardNumber: card.cardNumber },
        { kind: plan.kind, from: s.status, to: plan.set.status ?? s.status, source: "customer", reason: `${card.cardName ?? "card"} ${card.cardNumber ?? ""}`.trim(), period: s.period },
        now,
        confirmKeyStatements(deps.db, key, card, now),
      ),
    );
    if (!won) {
      const again = await findBillingKey(deps.db, key.customerUid);
      if (again?.status === "active") {
        if (again.billingKey === card.billingKey) return { chargeDue: false };
        // Two keys issued for one registration, confirmed at once: the other one won, this one is never used.
        await deleteStrayKey(deps, card.billingKey);
        throw conflict("invalid_state", "This registration already has a card.", { status: again.status });
      }
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
