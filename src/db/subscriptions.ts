import { and, asc, desc, eq, getTableColumns, inArray, lt, ne, or, type SQL } from "drizzle-orm";
import { invalidTransition } from "../domain/errors";
import {
  canTransitionSubscription,
  type SubscriptionEventKind,
  type SubscriptionEventSource,
  type SubscriptionStatus,
} from "../domain/subscription-state";
import { rawStatement, runBatch, statement } from "./batch";
import type { Db } from "./client";
import { assertPreviousChanged, clearGuard, isLostRace } from "./guard";
import {
  billingKeys,
  invoices,
  payments,
  prices,
  products,
  subscriptionEvents,
  subscriptions,
  users,
  type BillingKeyRow,
  type InvoiceRow,
  type PaymentRow,
  type PriceRow,
  type ProductRow,
  type SubscriptionRow,
} from "./schema";

// Subscriptions, their billing keys, invoices and charge attempts. Every change of a subscription is a
// compare-and-set on what the caller read (status, period, attempt, settled attempt), batched with its timeline
// row and whatever must land with it, so racing writers (overlapping sweeps, redelivered messages, the webhook and
// the consumer) make each step once.

export type NewSubscription = typeof subscriptions.$inferInsert;
export type NewBillingKey = typeof billingKeys.$inferInsert;
export type NewInvoice = typeof invoices.$inferInsert;
export type NewPayment = typeof payments.$inferInsert;

export interface EventInput {
  kind: SubscriptionEventKind;
  from: SubscriptionStatus | null;
  to: SubscriptionStatus;
  source: SubscriptionEventSource;
  reason: string | null;
  period?: number | null;
}

/** A timeline row; with `ifChanged`, only if the statement just before it changed a row. */
export const eventStatement = (db: Db, subscriptionId: string, e: EventInput, now: number, ifChanged = true) =>
  rawStatement(
    db,
    `INSERT INTO subscription_events (subscription_id, kind, from_status, to_status, source, reason, period, created_at)
     SELECT ?, ?, ?, ?, ?, ?, ?, ?${ifChanged ? " WHERE changes() = 1" : ""}`,
    subscriptionId,
    e.kind,
    e.from,
    e.to,
    e.source,
    e.reason,
    e.period ?? null,
    now,
  );

/** The subscription as the caller read it: the compare-and-set's condition. */
export interface Expected {
  id: string;
  status: SubscriptionStatus;
  period: number;
  attempt: number;
  settledAttempt: number;
}

const matches = (e: Expected): SQL =>
  and(
    eq(subscriptions.id, e.id),
    eq(subscriptions.status, e.status),
    eq(subscriptions.period, e.period),
    eq(subscriptions.attempt, e.attempt),
    eq(subscriptions.settledAttempt, e.settledAttempt),
  )!;

export type SubscriptionSet = Partial<Omit<SubscriptionRow, "id" | "userId" | "createdAt">>;

/** A transition the lifecycle does not list is refused before anything is written (and by a trigger after). */
export function refuseUnlistedSubscription(from: SubscriptionStatus, to: SubscriptionStatus) {
  if (from !== to && !canTransitionSubscription(from, to)) throw invalidTransition(from, to);
}

/** The compare-and-set update with its event; further statements that must roll back with it go in `extra`. */
export function changeStatements(
  db: Db,
  expected: Expected,
  set: SubscriptionSet,
  event: EventInput | null,
  now: number,
  extra: D1PreparedStatement[] = [],
): D1PreparedStatement[] {
  if (set.status) refuseUnlistedSubscription(expected.status, set.status);
  const update = statement(db, db.update(subscriptions).set({ ...set, updatedAt: now }).where(matches(expected)));
  if (extra.length === 0) return event ? [update, eventStatement(db, expected.id, event, now)] : [update];
  // The guard rolls the whole batch back when the update lost its race, so `extra` never lands alone.
  return [update, assertPreviousChanged(db), ...(event ? [eventStatement(db, expected.id, event, now, false)] : []), ...extra, clearGuard(db)];
}

/** Runs a change; true when this caller's compare-and-set won (false: someone else moved first). */
export async function applyChange(db: Db, statements: D1PreparedStatement[]): Promise<boolean> {
  try {
    const [update] = await runBatch(db, statements);
    return update!.meta.changes === 1;
  } catch (e) {
    if (isLostRace(e)) return false;
    throw e;
  }
}

export const findSubscription = (db: Db, id: string) => db.select().from(subscriptions).where(eq(subscriptions.id, id)).get();

export const insertSubscriptionStatements = (db: Db, row: NewSubscription, key: NewBillingKey, event: EventInput) => [
  statement(db, db.insert(subscriptions).values(row)),
  statement(db, db.insert(billingKeys).values(key)),
  eventStatement(db, row.id, event, row.createdAt, false),
];

export const insertBillingKey = (db: Db, key: NewBillingKey) => db.insert(billingKeys).values(key).run();

export const findBillingKey = (db: Db, customerUid: string) =>
  db.select().from(billingKeys).where(eq(billingKeys.customerUid, customerUid)).get();

/** The registration a gateway's key was confirmed for (V1: its customer_uid; V2: the billingKey PortOne issued). */
export const findBillingKeyByGatewayKey = (db: Db, billingKey: string) =>
  db.select().from(billingKeys).where(eq(billingKeys.billingKey, billingKey)).get();

export const findBillingKeyByRegistration = (db: Db, registrationUid: string) =>
  db.select().from(billingKeys).where(eq(billingKeys.registrationUid, registrationUid)).get();

/**
 * Statements confirming a pending key and retiring the subscription's previous one (if any). The gateway's key is
 * recorded with it (V2's is only known now); its unique index refuses one key on two registrations.
 */
export function confirmKeyStatements(db: Db, key: BillingKeyRow, card: { cardName: string | null; cardNumber: string | null; billingKey: string }, now: number) {
  return [
    statement(
      db,
      db
        .update(billingKeys)
        .set({ status: "replaced" })
        .where(and(eq(billingKeys.subscriptionId, key.subscriptionId), eq(billingKeys.status, "active"), ne(billingKeys.customerUid, key.customerUid))),
    ),
    statement(
      db,
      db
        .update(billingKeys)
        .set({ status: "active", confirmedAt: now, billingKey: card.billingKey, cardName: card.cardName, cardNumber: card.cardNumber })
        .where(and(eq(billingKeys.customerUid, key.customerUid), eq(billingKeys.status, "pending"))),
    ),
    assertPreviousChanged(db),
  ];
}

/** Keys replaced by a newer card (or left by a canceled subscription) whose deletion at Iamport is still owed. */
export const keysToDelete = (db: Db, subscriptionId: string | null, limit: number) =>
  db
    .select()
    .from(billingKeys)
    .where(and(eq(billingKeys.status, "replaced"), subscriptionId ? eq(billingKeys.subscriptionId, subscriptionId) : undefined))
    .limit(limit)
    .all();

export const markKeyDeleted = (db: Db, customerUid: string, now: number) =>
  db
    .update(billingKeys)
    .set({ status: "deleted", deletedAt: now })
    .where(and(eq(billingKeys.customerUid, customerUid), eq(billingKeys.status, "replaced")))
    .run();

/** Card registrations never confirmed (the window was closed, the browser never came back), older than `before`. */
export const stalePendingKeys = (db: Db, before: number, limit: number) =>
  db.select().from(billingKeys).where(and(eq(billingKeys.status, "pending"), lt(billingKeys.createdAt, before))).limit(limit).all();

export const markPendingKeyDeleted = (db: Db, customerUid: string, now: number) =>
  db
    .update(billingKeys)
    .set({ status: "deleted", deletedAt: now })
    .where(and(eq(billingKeys.customerUid, customerUid), eq(billingKeys.status, "pending")))
    .run();

/** A canceled subscription's active key is no longer needed: it is retired like a replaced one. */
export const retireActiveKeyStatement = (db: Db, subscriptionId: string) =>
  statement(
    db,
    db.update(billingKeys).set({ status: "replaced" }).where(and(eq(billingKeys.subscriptionId, subscriptionId), eq(billingKeys.status, "active"))),
  );

export const insertInvoiceStatement = (db: Db, row: Omit<NewInvoice, "updatedAt">) =>
  rawStatement(
    db,
    `INSERT INTO invoices (subscription_id, period, period_start, period_end, price_id, description, amount, currency, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'KRW', 'open', ?, ?)`,
    row.subscriptionId,
    row.period,
    row.periodStart,
    row.periodEnd,
    row.priceId,
    row.description,
    row.amount,
    row.createdAt,
    row.createdAt,
  );

/** The charge attempt's payment row, pointing at its invoice by (subscription, period). */
export const insertAttemptStatement = (db: Db, row: Pick<NewPayment, "merchantUid" | "userId" | "name" | "amount" | "attempt" | "createdAt">, subscriptionId: string, period: number) =>
  rawStatement(
    db,
    `INSERT INTO payments (merchant_uid, user_id, name, amount, currency, status, kind, invoice_id, attempt, created_at, updated_at, validation_queued_at)
     SELECT ?, ?, ?, ?, 'KRW', 'ready', 'subscription', id, ?, ?, ?, ? FROM invoices WHERE subscription_id = ? AND period = ?`,
    row.merchantUid,
    row.userId,
    row.name,
    row.amount,
    row.attempt,
    row.createdAt,
    row.createdAt,
    row.createdAt,
    subscriptionId,
    period,
  );

export const invoiceStatusStatement = (
  db: Db,
  invoiceId: number,
  from: readonly InvoiceRow["status"][],
  set: { status: InvoiceRow["status"]; paidPaymentId?: number; paidAt?: number },
  now: number,
) =>
  statement(
    db,
    db
      .update(invoices)
      .set({ ...set, updatedAt: now })
      .where(and(eq(invoices.id, invoiceId), inArray(invoices.status, [...from]))),
  );

/** Voids the subscription's open invoices (canceled before they were paid). */
export const voidOpenInvoicesStatement = (db: Db, subscriptionId: string, now: number) =>
  statement(
    db,
    db
      .update(invoices)
      .set({ status: "void", updatedAt: now })
      .where(and(eq(invoices.subscriptionId, subscriptionId), inArray(invoices.status, ["open", "uncollectible"]))),
  );

export interface RenewalState {
  subscription: SubscriptionRow;
  price: PriceRow;
  pendingPrice: PriceRow | undefined;
  product: ProductRow;
  invoice: InvoiceRow | undefined;
  attemptPayment: PaymentRow | undefined;
  user: { id: string; email: string; name: string };
}

/** Everything a renewal step needs, in one round trip: the subscription, its prices, current invoice and attempt. */
export async function loadRenewalState(db: Db, subscriptionId: string): Promise<RenewalState | undefined> {
  const [subs, priceList, productList, invoiceRows, attemptRows, userRows] = await db.batch([
    db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)),
    ...plansOf(db, subscriptionId),
    db
      .select(getTableColumns(invoices))
      .from(invoices)
      .innerJoin(subscriptions, and(eq(subscriptions.id, invoices.subscriptionId), eq(subscriptions.period, invoices.period)))
      .where(eq(invoices.subscriptionId, subscriptionId)),
    db
      .select(getTableColumns(payments))
      .from(payments)
      .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
      .innerJoin(subscriptions, and(eq(subscriptions.id, invoices.subscriptionId), eq(subscriptions.period, invoices.period), eq(subscriptions.attempt, payments.attempt)))
      .where(eq(invoices.subscriptionId, subscriptionId)),
    db
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .innerJoin(subscriptions, eq(subscriptions.userId, users.id))
      .where(eq(subscriptions.id, subscriptionId)),
  ]);
  const subscription = subs[0];
  if (!subscription) return undefined;
  const plans = plansFrom(subscription, priceList, productList);
  return {
    subscription,
    ...plans,
    invoice: invoiceRows[0],
    attemptPayment: attemptRows[0],
    user: userRows[0]!,
  };
}

// Joined rows are read with all(), never get(): drizzle's D1 get() maps a joined row by column name, so tables
// sharing column names (id, status, period …) would overwrite each other's values (and so would a batch, below).

/** An invoice with its subscription, for settling a charge attempt (one round trip). */
export const loadInvoiceWithSubscription = async (db: Db, invoiceId: number) =>
  (
    await db
      .select({ invoice: invoices, subscription: subscriptions })
      .from(invoices)
      .innerJoin(subscriptions, eq(subscriptions.id, invoices.subscriptionId))
      .where(eq(invoices.id, invoiceId))
      .all()
  )[0];

// drizzle's D1 batch maps joined rows by column name, so tables sharing column names (id, name, active …) cannot
// be selected together inside a batch: a subscription's plans are read as two queries, prices and products.
const plansOf = (db: Db, subscriptionId: string) =>
  [
    db
      .select(getTableColumns(prices))
      .from(prices)
      .innerJoin(subscriptions, or(eq(subscriptions.priceId, prices.id), eq(subscriptions.pendingPriceId, prices.id)))
      .where(eq(subscriptions.id, subscriptionId)),
    db
      .select(getTableColumns(products))
      .from(products)
      .innerJoin(prices, eq(prices.productId, products.id))
      .innerJoin(subscriptions, eq(subscriptions.priceId, prices.id))
      .where(eq(subscriptions.id, subscriptionId)),
  ] as const;

function plansFrom(s: SubscriptionRow, priceList: PriceRow[], productList: ProductRow[]) {
  const byId = new Map(priceList.map((p) => [p.id, p]));
  return {
    price: byId.get(s.priceId)!,
    product: productList[0]!,
    pendingPrice: s.pendingPriceId ? byId.get(s.pendingPriceId) : undefined,
  };
}

/**
 * Claims up to `limit` due subscriptions for this sweep in one statement: it stamps renewal_queued_at, so an
 * overlapping sweep skips them until `reclaimBefore` (a lost message is claimed again then).
 */
export async function claimDue(db: Db, a: { now: number; reclaimBefore: number; limit: number }) {
  const { results } = await rawStatement(
    db,
    `UPDATE subscriptions SET renewal_queued_at = ?1
      WHERE id IN (SELECT id FROM subscriptions
                    WHERE next_action_at <= ?1 AND (renewal_queued_at IS NULL OR renewal_queued_at < ?2)
                    ORDER BY next_action_at LIMIT ?3)
      RETURNING id`,
    a.now,
    a.reclaimBefore,
    a.limit,
  ).all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Gives claims back when their messages could not be sent, so the next sweep takes them at once. */
export const releaseClaims = (db: Db, ids: string[]) =>
  ids.length === 0 ? Promise.resolve() : db.update(subscriptions).set({ renewalQueuedAt: null }).where(inArray(subscriptions.id, ids)).run();

export interface SubscriptionListFilter {
  userId?: string;
  status?: SubscriptionStatus;
  /** Created before this subscription (the cursor). */
  before?: { createdAt: number; id: string };
  limit: number;
}

export type SubscriptionListItem = { subscription: SubscriptionRow; price: PriceRow; product: ProductRow; email: string };

export async function listSubscriptions(db: Db, f: SubscriptionListFilter): Promise<SubscriptionListItem[]> {
  const rows = await db
    .select({ subscription: subscriptions, price: prices, product: products, email: users.email })
    .from(subscriptions)
    .innerJoin(prices, eq(prices.id, subscriptions.priceId))
    .innerJoin(products, eq(products.id, prices.productId))
    .innerJoin(users, eq(users.id, subscriptions.userId))
    .where(
      and(
        f.userId ? eq(subscriptions.userId, f.userId) : undefined,
        f.status ? eq(subscriptions.status, f.status) : undefined,
        f.before
          ? or(lt(subscriptions.createdAt, f.before.createdAt), and(eq(subscriptions.createdAt, f.before.createdAt), lt(subscriptions.id, f.before.id)))
          : undefined,
      ),
    )
    .orderBy(desc(subscriptions.createdAt), desc(subscriptions.id))
    .limit(f.limit);
  return rows;
}

/** A subscription with everything its page shows, in one round trip. */
export async function loadSubscriptionDetail(db: Db, id: string) {
  const [subs, priceList, productList, events, invoiceRows, attempts, keys] = await db.batch([
    db
      .select({ subscription: subscriptions, email: users.email })
      .from(subscriptions)
      .innerJoin(users, eq(users.id, subscriptions.userId))
      .where(eq(subscriptions.id, id)),
    ...plansOf(db, id),
    db.select().from(subscriptionEvents).where(eq(subscriptionEvents.subscriptionId, id)).orderBy(asc(subscriptionEvents.id)),
    db.select().from(invoices).where(eq(invoices.subscriptionId, id)).orderBy(desc(invoices.period)),
    db
      .select(getTableColumns(payments))
      .from(payments)
      .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
      .where(eq(invoices.subscriptionId, id))
      .orderBy(asc(payments.invoiceId), asc(payments.attempt)),
    db.select().from(billingKeys).where(eq(billingKeys.subscriptionId, id)).orderBy(asc(billingKeys.createdAt)),
  ]);
  const head = subs[0];
  if (!head) return undefined;
  return {
    subscription: head.subscription,
    email: head.email,
    ...plansFrom(head.subscription, priceList, productList),
    events,
    invoices: invoiceRows.map((invoice) => ({ invoice, payments: attempts.filter((p) => p.invoiceId === invoice.id) })),
    keys,
  };
}
export type SubscriptionDetail = NonNullable<Awaited<ReturnType<typeof loadSubscriptionDetail>>>;

/** Live subscriptions of a user to a product (at most one is allowed). */
export const liveSubscriptionsTo = (db: Db, userId: string, productId: string) =>
  db
    .select({ id: subscriptions.id, status: subscriptions.status })
    .from(subscriptions)
    .innerJoin(prices, eq(prices.id, subscriptions.priceId))
    .where(and(eq(subscriptions.userId, userId), eq(prices.productId, productId), ne(subscriptions.status, "canceled")))
    .all();

export const findPriceWithProduct = async (db: Db, priceId: string) =>
  (await db.select({ price: prices, product: products }).from(prices).innerJoin(products, eq(products.id, prices.productId)).where(eq(prices.id, priceId)).all())[0];

