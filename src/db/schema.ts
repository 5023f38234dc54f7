import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// All times are UTC epoch milliseconds. Money is integer KRW. Constraints live here, in the database,
// so that no code path (or a future one) can write a row that breaks them.

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordAlgorithm: text("password_algorithm").notNull(),
  passwordIterations: integer("password_iterations").notNull(),
  passwordSalt: text("password_salt").notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: integer("created_at").notNull(),
  // Granted only by an operator (`npm run admin`) or an existing admin, never by signing up. Every change must
  // say who made it and when (role_changed_by/at); a trigger copies each one to role_changes.
  role: text("role", { enum: ["user", "admin"] }).notNull().default("user"),
  roleChangedBy: text("role_changed_by"),
  roleChangedAt: integer("role_changed_at"),
  // (The allowed roles are enforced by triggers in migrations/0004: a CHECK added here would make drizzle-kit
  // rebuild the users table, which the sessions and payments tables reference.)
}, (t) => [check("users_iterations_limit", sql`${t.passwordIterations} BETWEEN 1 AND 100000`)]);

// The audit trail of every grant and revoke, written by triggers on users (migrations/0004), so no path that
// changes a role can skip it. Kept when the account is deleted: the email is copied, not referenced.
export const roleChanges = sqliteTable("role_changes", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  userId: text("user_id").notNull(),
  email: text("email").notNull(),
  fromRole: text("from_role"),
  toRole: text("to_role").notNull(),
  changedBy: text("changed_by").notNull(),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("role_changes_user").on(t.userId, t.id)]);

export const sessions = sqliteTable("sessions", {
  id: text("id").primaryKey(),
  // SHA-256 of the bearer token: a leaked table does not give working sessions.
  tokenHash: text("token_hash").notNull().unique(),
  userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  revokedAt: integer("revoked_at"),
}, (t) => [
  index("sessions_user").on(t.userId),
  // The retention sweep deletes by expiry (logging out also ends expiry), without scanning the table.
  index("sessions_expires").on(t.expiresAt),
]);

export const payments = sqliteTable("payments", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  merchantUid: text("merchant_uid").notNull().unique(),
  userId: text("user_id").notNull().references(() => users.id),
  impUid: text("imp_uid").unique(),
  name: text("name").notNull(),
  amount: integer("amount").notNull(),
  currency: text("currency").notNull().default("KRW"),
  method: text("method"),
  status: text("status", {
    enum: ["ready", "paid", "failed", "rejected", "partially_cancelled", "cancelled"],
  }).notNull().default("ready"),
  cancelledAmount: integer("cancelled_amount").notNull().default(0),
  // Refund amounts reserved while a refund call to Iamport is in flight; see services/refunds.
  reservedAmount: integer("reserved_amount").notNull().default(0),
  failReason: text("fail_reason"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  paidAt: integer("paid_at"),
  cancelledAt: integer("cancelled_at"),
  // Set when the row was last sent to the validation queue; the reconciler uses it to find stuck rows.
  validationQueuedAt: integer("validation_queued_at"),
  // The imp_uid of a validation message that is queued and not yet started (src/db/validation-hints.ts): a hint
  // about the same imp_uid that arrives meanwhile rides on that message instead of queueing its own. The consumer
  // clears it when it starts, before its Iamport lookup; NULL when nothing is waiting.
  pendingValidationImpUid: text("pending_validation_imp_uid"),
  // When someone first waited for this payment's outcome (complete?wait, GET ?wait; src/services/status-watch.ts).
  // A change of status is announced to the payment's watch only once this is set: most payments (webhooks whose
  // buyer left, renewals, the reconciler's) have no waiter, and the announcement is a Durable Object call.
  watchedAt: integer("watched_at"),
  // When the reconciler next compares this paid payment with Iamport (a cancel made in Iamport's console whose
  // webhook was lost): 1 h, 1 day, 7 days and 30 days after it was paid, then never (NULL).
  nextRecheckAt: integer("next_recheck_at"),
  // catalogue: priced by the server from its line items (order_items); custom_amount: the buyer named the amount
  // (donations, manual invoices), allowed only where ALLOW_CUSTOM_AMOUNTS is on. Orders made before the catalogue
  // existed were all custom amounts, hence the default; a trigger refuses any other value.
  kind: text("kind", { enum: ["catalogue", "custom_amount", "subscription"] }).notNull().default("custom_amount"),
  // A subscription's charge attempt (kind "subscription"): the invoice it pays and which attempt it is. Its
  // merchant_uid is derived from (subscription, period, attempt), so the same attempt is never charged twice.
  invoiceId: integer("invoice_id"),
  attempt: integer("attempt"),
}, (t) => [
  uniqueIndex("payments_invoice_attempt").on(t.invoiceId, t.attempt).where(sql`${t.invoiceId} IS NOT NULL`),
  index("payments_next_recheck").on(t.nextRecheckAt).where(sql`${t.nextRecheckAt} IS NOT NULL`),
  index("payments_user_id").on(t.userId, t.id),
  index("payments_status_updated").on(t.status, t.updatedAt),
  check("payments_amount_positive", sql`${t.amount} > 0`),
  check("payments_merchant_uid_length", sql`length(${t.merchantUid}) <= 40`),
  check("payments_status_known", sql`${t.status} IN ('ready','paid','failed','rejected','partially_cancelled','cancelled')`),
  check(
    "payments_cancelled_within_amount",
    sql`${t.cancelledAmount} >= 0 AND ${t.reservedAmount} >= 0 AND ${t.cancelledAmount} + ${t.reservedAmount} <= ${t.amount}`,
  ),
]);

export const paymentEvents = sqliteTable("payment_events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  paymentId: integer("payment_id").notNull().references(() => payments.id),
  fromStatus: text("from_status"),
  toStatus: text("to_status").notNull(),
  source: text("source", { enum: ["browser", "webhook", "reconciler", "admin", "system"] }).notNull(),
  reason: text("reason"),
  createdAt: integer("created_at").notNull(),
}, (t) => [
  index("payment_events_payment").on(t.paymentId, t.id),
  check("payment_events_source_known", sql`${t.source} IN ('browser','webhook','reconciler','admin','system')`),
]);

export const idempotencyKeys = sqliteTable("idempotency_keys", {
  userId: text("user_id").notNull(),
  scope: text("scope").notNull(),
  key: text("key").notNull(),
  requestHash: text("request_hash").notNull(),
  // NULL while the first request is still running; then the response it gave.
  responseStatus: integer("response_status"),
  responseBody: text("response_body"),
  createdAt: integer("created_at").notNull(),
  // Set when the request failed: the key keeps its request fingerprint (another body is still 422), and a retry
  // with the same body may run again.
  failedAt: integer("failed_at"),
}, (t) => [
  uniqueIndex("idempotency_keys_pk").on(t.userId, t.scope, t.key),
  // Keys are kept 24 hours (as Stripe does); the retention sweep deletes older ones by this index.
  index("idempotency_keys_created").on(t.createdAt),
]);

export const webhookInbox = sqliteTable("webhook_inbox", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  receivedAt: integer("received_at").notNull(),
  sourceIp: text("source_ip"),
  contentType: text("content_type"),
  body: text("body").notNull(),
  impUid: text("imp_uid"),
  merchantUid: text("merchant_uid"),
  status: text("status"),
  // 0 when the delivery could not be parsed: kept for inspection, never acted on.
  valid: integer("valid").notNull(),
  error: text("error"),
  processedAt: integer("processed_at"),
  // A signed delivery's own id (PortOne V2's webhook-id header, the same on each retry): stored once, whatever the
  // retries. Null for Iamport V1's deliveries, which carry none (SQLite's unique index allows many nulls).
  webhookId: text("webhook_id"),
}, (t) => [
  index("webhook_inbox_unprocessed").on(t.valid, t.processedAt, t.receivedAt),
  index("webhook_inbox_received").on(t.receivedAt),
  uniqueIndex("webhook_inbox_webhook_id").on(t.webhookId),
  // The deliveries still waiting for a payment's validation (the consumer takes them over as it starts).
  index("webhook_inbox_pending_by_order").on(t.merchantUid, t.impUid).where(sql`${t.processedAt} IS NULL`),
]);

export const refunds = sqliteTable("refunds", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  paymentId: integer("payment_id").notNull().references(() => payments.id),
  amount: integer("amount").notNull(),
  reason: text("reason").notNull(),
  requestedBy: text("requested_by"),
  source: text("source").notNull(),
  // pending: reserved, Iamport call in flight or outcome unknown; succeeded; failed (reservation released).
  status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
  cancellationId: text("cancellation_id"),
  // The refundable balance this refund was sent to Iamport against (Iamport's checksum), so a retry resends
  // exactly the same cancel, which Iamport refuses if the first one already went through.
  checksum: integer("checksum"),
  // The client's Idempotency-Key: a retry with it resumes this refund instead of starting another.
  idempotencyKey: text("idempotency_key"),
  failReason: text("fail_reason"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [
  index("refunds_payment").on(t.paymentId, t.id),
  uniqueIndex("refunds_cancellation_id").on(t.cancellationId),
  uniqueIndex("refunds_idempotency_key").on(t.paymentId, t.idempotencyKey),
  check("refunds_amount_positive", sql`${t.amount} > 0`),
  check("refunds_status_known", sql`${t.status} IN ('pending','succeeded','failed')`),
]);

// Money Iamport holds that we decided to give back (a rejected payment, a duplicate, a payment made after its order
// was cancelled), recorded before the cancel is sent. The cancel can be refused for good or never answered; the
// reconciler compares each open row with Iamport on a decaying schedule and asks again until Iamport holds nothing.
export const owedRefunds = sqliteTable("owed_refunds", {
  impUid: text("imp_uid").primaryKey(),
  paymentId: integer("payment_id").notNull().references(() => payments.id),
  amount: integer("amount").notNull(),
  reason: text("reason").notNull(),
  createdAt: integer("created_at").notNull(),
  nextCheckAt: integer("next_check_at").notNull(),
  checks: integer("checks").notNull().default(0),
  // Set once Iamport holds nothing more of this payment; the row stays as the record of what was owed.
  resolvedAt: integer("resolved_at"),
}, (t) => [
  index("owed_refunds_due").on(t.nextCheckAt).where(sql`${t.resolvedAt} IS NULL`),
  index("owed_refunds_payment").on(t.paymentId),
  check("owed_refunds_amount_positive", sql`${t.amount} > 0`),
]);

// The catalogue. A product is what a shop sells; its prices say for how much. A price's terms (amount, currency,
// interval) never change once it exists (a trigger refuses it): changing a price makes a new one and deactivates
// the old, so an order or a subscription always keeps the price it was made with.
export const products = sqliteTable("products", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [
  check("products_slug_format", sql`length(${t.slug}) BETWEEN 1 AND 64 AND ${t.slug} NOT GLOB '*[^a-z0-9-]*'`),
  check("products_name_length", sql`length(${t.name}) BETWEEN 1 AND 200`),
  check("products_description_length", sql`length(${t.description}) <= 2000`),
  check("products_active_bool", sql`${t.active} IN (0, 1)`),
]);

export const prices = sqliteTable("prices", {
  id: text("id").primaryKey(),
  productId: text("product_id").notNull().references(() => products.id),
  // Optional display name beside the product's ("Large", "Monthly").
  label: text("label"),
  amount: integer("amount").notNull(),
  currency: text("currency").notNull().default("KRW"),
  // NULL for a one-off price; otherwise billed every interval_count months or years (the subscriptions' plans).
  interval: text("interval", { enum: ["month", "year"] }),
  intervalCount: integer("interval_count"),
  trialDays: integer("trial_days"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  // The price this one was made to replace (deactivated in the same batch), for the catalogue's history.
  replacesPriceId: text("replaces_price_id"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [
  index("prices_product").on(t.productId, t.active),
  check("prices_amount_positive", sql`${t.amount} > 0`),
  check("prices_currency_krw", sql`${t.currency} = 'KRW'`),
  check("prices_label_length", sql`${t.label} IS NULL OR length(${t.label}) BETWEEN 1 AND 100`),
  check("prices_active_bool", sql`${t.active} IN (0, 1)`),
  check(
    "prices_interval_terms",
    sql`(${t.interval} IS NULL AND ${t.intervalCount} IS NULL AND ${t.trialDays} IS NULL) OR (${t.interval} = 'month' AND ${t.intervalCount} BETWEEN 1 AND 36 AND ${t.trialDays} BETWEEN 0 AND 730) OR (${t.interval} = 'year' AND ${t.intervalCount} BETWEEN 1 AND 3 AND ${t.trialDays} BETWEEN 0 AND 730)`,
  ),
]);

// What an order was made of, as it was when it was made: product name, unit amount and quantity are copied, so a
// later rename or price change never alters an order. Rows are never updated (a trigger refuses it).
export const orderItems = sqliteTable("order_items", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  paymentId: integer("payment_id").notNull().references(() => payments.id),
  position: integer("position").notNull(),
  priceId: text("price_id").notNull().references(() => prices.id),
  productId: text("product_id").notNull().references(() => products.id),
  productName: text("product_name").notNull(),
  priceLabel: text("price_label"),
  unitAmount: integer("unit_amount").notNull(),
  quantity: integer("quantity").notNull(),
  amount: integer("amount").notNull(),
}, (t) => [
  uniqueIndex("order_items_position").on(t.paymentId, t.position),
  check("order_items_quantity_range", sql`${t.quantity} BETWEEN 1 AND 99`),
  check("order_items_unit_amount_positive", sql`${t.unitAmount} > 0`),
  check("order_items_amount_product", sql`${t.amount} = ${t.unitAmount} * ${t.quantity}`),
]);

// Subscriptions (정기결제). pocketpay owns the whole lifecycle; Iamport only holds billing keys and makes charges.
// Period n (n ≥ 1) runs from boundary n-1 to boundary n after anchor_at (domain/billing-dates.ts); period 0 is the
// trial, or nothing yet. The scheduler acts on rows whose next_action_at has come (indexed).
export const subscriptions = sqliteTable("subscriptions", {
  id: text("id").primaryKey(),
  userId: text("user_id").notNull().references(() => users.id),
  priceId: text("price_id").notNull().references(() => prices.id),
  // A plan change waiting for the next period (no proration): the next invoice is priced from it.
  pendingPriceId: text("pending_price_id").references(() => prices.id),
  status: text("status", { enum: ["incomplete", "trialing", "active", "past_due", "unpaid", "canceled"] }).notNull(),
  // The start of the first paid period (the end of the trial, if any); NULL until a card is confirmed.
  anchorAt: integer("anchor_at"),
  trialEndAt: integer("trial_end_at"),
  // The period the latest invoice is for, and its boundaries (NULL before the first).
  period: integer("period").notNull().default(0),
  currentPeriodStart: integer("current_period_start"),
  currentPeriodEnd: integer("current_period_end"),
  // The charge attempt the current invoice is at (1 = the renewal itself, then dunning retries).
  attempt: integer("attempt").notNull().default(0),
  // The latest attempt of the current period whose outcome the subscription has taken in (0: none): settling an
  // attempt is a compare-and-set on it, so the browser, the webhook and the consumer settle each attempt once.
  settledAttempt: integer("settled_attempt").notNull().default(0),
  firstDeclineAt: integer("first_decline_at"),
  // A hard decline (lost or stolen card, deleted key): no automatic retry; the subscription ends with the schedule.
  retriesStopped: integer("retries_stopped", { mode: "boolean" }).notNull().default(false),
  cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" }).notNull().default(false),
  // The confirmed card: its registration (billing_keys.customer_uid), the key the gateway charges (V1: the same
  // customer_uid; V2: the billingKey PortOne issued) and what the portal shows of its card.
  customerUid: text("customer_uid"),
  billingKey: text("billing_key"),
  cardName: text("card_name"),
  cardNumber: text("card_number"),
  // When the scheduler must act next (renew, retry, end); NULL when nothing is due. Claimed by setting
  // renewal_queued_at, so an overlapping sweep skips what another just enqueued.
  nextActionAt: integer("next_action_at"),
  renewalQueuedAt: integer("renewal_queued_at"),
  canceledAt: integer("canceled_at"),
  endedAt: integer("ended_at"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [
  index("subscriptions_user").on(t.userId, t.createdAt),
  index("subscriptions_due").on(t.nextActionAt).where(sql`${t.nextActionAt} IS NOT NULL`),
  index("subscriptions_status").on(t.status, t.createdAt),
  check("subscriptions_status_known", sql`${t.status} IN ('incomplete','trialing','active','past_due','unpaid','canceled')`),
  check("subscriptions_period_positive", sql`${t.period} >= 0 AND ${t.attempt} >= 0`),
]);

// Every transition and every renewal, with who caused it; rows are never changed.
export const subscriptionEvents = sqliteTable("subscription_events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  subscriptionId: text("subscription_id").notNull().references(() => subscriptions.id),
  kind: text("kind").notNull(),
  fromStatus: text("from_status"),
  toStatus: text("to_status").notNull(),
  source: text("source").notNull(),
  reason: text("reason"),
  period: integer("period"),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("subscription_events_subscription").on(t.subscriptionId, t.id)]);

// One row per card registration: a new customer_uid each time. pending (window opened) → active (confirmed at
// the gateway) → replaced (a newer card was confirmed; its key is deleted at the gateway) → deleted. The old key is
// deleted only after the new one is confirmed; delete_attempted_at lets a failed deletion be retried.
// customer_uid names the registration (V1: the key's own name; V2: the customer.customerId the key is issued to).
// billing_key is the key the gateway charges and deletes: V1's customer_uid, known from the start; V2's billingKey,
// which PortOne chooses, NULL until the registration is confirmed.
export const billingKeys = sqliteTable("billing_keys", {
  customerUid: text("customer_uid").primaryKey(),
  billingKey: text("billing_key").unique(),
  subscriptionId: text("subscription_id").notNull().references(() => subscriptions.id),
  userId: text("user_id").notNull().references(() => users.id),
  registrationUid: text("registration_uid").notNull().unique(),
  status: text("status", { enum: ["pending", "active", "replaced", "deleted"] }).notNull(),
  cardName: text("card_name"),
  cardNumber: text("card_number"),
  createdAt: integer("created_at").notNull(),
  confirmedAt: integer("confirmed_at"),
  deletedAt: integer("deleted_at"),
}, (t) => [
  index("billing_keys_subscription").on(t.subscriptionId, t.createdAt),
  index("billing_keys_replaced").on(t.status).where(sql`${t.status} = 'replaced'`),
  check("billing_keys_status_known", sql`${t.status} IN ('pending','active','replaced','deleted')`),
]);

// One invoice per paid period: its amount is a snapshot of the price when the period began. Its charge attempts
// are payments (kind "subscription") pointing at it.
export const invoices = sqliteTable("invoices", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  subscriptionId: text("subscription_id").notNull().references(() => subscriptions.id),
  period: integer("period").notNull(),
  periodStart: integer("period_start").notNull(),
  periodEnd: integer("period_end").notNull(),
  priceId: text("price_id").notNull().references(() => prices.id),
  description: text("description").notNull(),
  amount: integer("amount").notNull(),
  currency: text("currency").notNull().default("KRW"),
  status: text("status", { enum: ["open", "paid", "uncollectible", "void"] }).notNull().default("open"),
  paidPaymentId: integer("paid_payment_id").references(() => payments.id),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  paidAt: integer("paid_at"),
}, (t) => [
  uniqueIndex("invoices_subscription_period").on(t.subscriptionId, t.period),
  check("invoices_amount_positive", sql`${t.amount} > 0`),
  check("invoices_status_known", sql`${t.status} IN ('open','paid','uncollectible','void')`),
]);

// Always empty: a batched INSERT here fails its CHECK when a compare-and-set before it changed nothing,
// which rolls the whole batch back (see db/guard.ts).
export const casGuard = sqliteTable("cas_guard", {
  ok: integer("ok").notNull(),
}, (t) => [check("cas_guard_lost_race", sql`${t.ok} = 1`)]);

export type UserRow = typeof users.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type PaymentEventRow = typeof paymentEvents.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
export type RoleChangeRow = typeof roleChanges.$inferSelect;
export type UserRole = UserRow["role"];
export type ProductRow = typeof products.$inferSelect;
export type PriceRow = typeof prices.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type SubscriptionEventRow = typeof subscriptionEvents.$inferSelect;
export type BillingKeyRow = typeof billingKeys.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;
