import { and, asc, desc, eq, getTableColumns, inArray, isNull, lt, sql, type SQLWrapper } from "drizzle-orm";
import type { BatchResponse } from "drizzle-orm/batch";
import { rawStatement, runBatch, statement } from "./batch";
import { cachedSql } from "./cached-sql";
import { invalidTransition } from "../domain/errors";
import type { OrderLine } from "../domain/catalogue";
import { canTransition, type EventSource, type PaymentStatus } from "../domain/payment-state";
import type { Db } from "./client";
import { clearGuard } from "./guard";
import { orderItems, paymentEvents, payments, refunds, type OrderItemRow, type PaymentRow } from "./schema";

export type NewPayment = typeof payments.$inferInsert;

export const findPaymentByMerchantUid = (db: Db, merchantUid: string) => paymentByMerchantUid(db, merchantUid).get();

/** The payment named by its merchant_uid, as a query (run alone or batched); its SQL is built once (cached-sql.ts). */
export const paymentByMerchantUid = (db: Db, merchantUid: string) =>
  cachedSql("paymentByMerchantUid", db.select().from(payments).where(eq(payments.merchantUid, sql.placeholder("merchantUid"))), { merchantUid });

/** The payment holding an imp_uid, as a query (run alone or batched). */
export const paymentByImpUid = (db: Db, impUid: string) =>
  cachedSql("paymentByImpUid", db.select().from(payments).where(eq(payments.impUid, sql.placeholder("impUid"))), { impUid });

export const findPaymentById = (db: Db, id: number) => db.select().from(payments).where(eq(payments.id, id)).get();

export const findPaymentByImpUid = (db: Db, impUid: string) => paymentByImpUid(db, impUid).get();

/** The order a hint names and the order holding the imp_uid it names (if any), in one round trip. */
export async function findHintedOrders(db: Db, merchantUid: string, impUid: string | undefined) {
  if (impUid === undefined) return { byMerchantUid: await findPaymentByMerchantUid(db, merchantUid), byImpUid: undefined };
  const [byMerchantUid, byImpUid] = await db.batch([paymentByMerchantUid(db, merchantUid), paymentByImpUid(db, impUid)]);
  return { byMerchantUid: byMerchantUid[0], byImpUid: byImpUid[0] };
}

export interface ListFilter {
  userId?: string;
  status?: PaymentStatus;
  /** Rows with an id below this one (the cursor); ids only grow, so pages never shift under a reader. */
  beforeId?: number;
  limit: number;
}

const listWhere = (f: ListFilter) =>
  and(
    f.userId ? eq(payments.userId, f.userId) : undefined,
    f.status ? eq(payments.status, f.status) : undefined,
    f.beforeId ? lt(payments.id, f.beforeId) : undefined,
  );

export type PaymentWithItems = PaymentRow & { items: OrderItemRow[] };

/** A page of payments with their line items: one batch, one round trip. */
export async function listPaymentsWithItems(db: Db, f: ListFilter): Promise<PaymentWithItems[]> {
  const pageIds = db.select({ id: payments.id }).from(payments).where(listWhere(f)).orderBy(desc(payments.id)).limit(f.limit);
  const [rows, items] = await db.batch([
    db.select().from(payments).where(listWhere(f)).orderBy(desc(payments.id)).limit(f.limit),
    // The same page, as a subquery: its line items in the same round trip.
    db.select().from(orderItems).where(inArray(orderItems.paymentId, pageIds)).orderBy(asc(orderItems.paymentId), asc(orderItems.position)),
  ]);
  const byPayment = new Map<number, OrderItemRow[]>();
  for (const item of items) byPayment.set(item.paymentId, [...(byPayment.get(item.paymentId) ?? []), item]);
  return rows.map((row) => ({ ...row, items: byPayment.get(row.id) ?? [] }));
}

/**
 * Statements that write a new order: the payment row, its line items (by merchant_uid, since the row's id is not
 * known before the batch runs) and a guard (db/guard.ts) that fails the whole batch unless the lines agree with
 * the amount and the catalogue. The caller runs them as one atomic batch, with anything that must land with it.
 */
export function insertOrderStatements(db: Db, row: NewPayment, lines: OrderLine[]): D1PreparedStatement[] {
  const statements = [statement(db, db.insert(payments).values(row))];
  if (lines.length === 0) return statements;
  lines.forEach((l, position) =>
    statements.push(
      rawStatement(
        db,
        `INSERT INTO order_items (payment_id, position, price_id, product_id, product_name, price_label, unit_amount, quantity, amount)
         SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM payments WHERE merchant_uid = ?`,
        position, l.priceId, l.productId, l.productName, l.priceLabel, l.unitAmount, l.quantity, l.amount, row.merchantUid,
      ),
    ),
  );
  // Checked by the database at the write: the lines add up to the amount, and each is still sold at the price it
  // was priced at (a price retired between the read and this write fails the batch).
  statements.push(
    rawStatement(
      db,
      `INSERT INTO cas_guard (ok)
       SELECT (SELECT count(*) = ? AND sum(amount) = p.amount FROM order_items WHERE payment_id = p.id)
          AND (SELECT count(*) FROM order_items i
                 JOIN prices pr ON pr.id = i.price_id AND pr.amount = i.unit_amount AND pr.active = 1
                 JOIN products pd ON pd.id = pr.product_id AND pd.id = i.product_id AND pd.active = 1
                WHERE i.payment_id = p.id) = ?
       FROM payments p WHERE p.merchant_uid = ?`,
      lines.length,
      lines.length,
      row.merchantUid,
    ),
    clearGuard(db),
  );
  return statements;
}

/** The reads of a payment's detail (row, timeline, refunds, line items), to run in one batch (with others). */
export const paymentDetailReads = (db: Db, merchantUid: string) => {
  const named = eq(payments.merchantUid, sql.placeholder("merchantUid"));
  const values = { merchantUid };
  return [
    paymentByMerchantUid(db, merchantUid),
    cachedSql(
      "detail.events",
      db
        .select(getTableColumns(paymentEvents))
        .from(paymentEvents)
        .innerJoin(payments, eq(payments.id, paymentEvents.paymentId))
        .where(named)
        .orderBy(paymentEvents.id),
      values,
    ),
    cachedSql(
      "detail.refunds",
      db.select(getTableColumns(refunds)).from(refunds).innerJoin(payments, eq(payments.id, refunds.paymentId)).where(named).orderBy(refunds.id),
      values,
    ),
    cachedSql(
      "detail.items",
      db
        .select(getTableColumns(orderItems))
        .from(orderItems)
        .innerJoin(payments, eq(payments.id, orderItems.paymentId))
        .where(named)
        .orderBy(orderItems.position),
      values,
    ),
  ] as const;
};

type DetailResults = BatchResponse<ReturnType<typeof paymentDetailReads>>;

/** The detail from its reads' results, or undefined when there is no such payment. */
export function paymentDetailFrom([found, events, refundRows, items]: DetailResults) {
  const payment = found[0];
  return payment ? { payment, events, refunds: refundRows, items } : undefined;
}

/** The payment with its timeline, refunds and line items: one batch, one round trip. */
export async function loadPaymentDetail(db: Db, merchantUid: string) {
  return paymentDetailFrom(await db.batch(paymentDetailReads(db, merchantUid)));
}

/** Replaces an imp_uid that turned out to belong to no payment of this order (compare-and-set on the old one). */
export const replaceImpUid = (db: Db, a: { paymentId: number; from: string | null; to: string | null; now: number }) =>
  db
    .update(payments)
    .set({ impUid: a.to, updatedAt: a.now })
    .where(and(eq(payments.id, a.paymentId), a.from === null ? isNull(payments.impUid) : eq(payments.impUid, a.from)))
    .run();

export interface TransitionInput {
  paymentId: number;
  from: PaymentStatus;
  to: PaymentStatus;
  source: EventSource;
  reason: string | null;
  now: number;
  /** Further columns that change with the status (paid_at, fail_reason, ...). */
  set?: Partial<Omit<PaymentRow, "id" | "status" | "updatedAt">>;
  /** Also require that no imp_uid is recorded yet (the transition records one). */
  impUidIsNull?: boolean;
}

/**
 * A status change as a compare-and-set (`WHERE status = from`) plus its event, in one atomic batch. The event is
 * inserted only when the update changed the row, so any number of racing callers give one transition and one
 * event. Returns whether this caller's change was the one applied.
 */
export async function applyTransition(db: Db, t: TransitionInput): Promise<boolean> {
  return (await transitionWatched(db, t)) !== null;
}

/**
 * applyTransition, returning for a won change the payment's `watched_at` as that change committed it (null when
 * the change lost). Read in the same statement as the compare-and-set: a waiter marks the payment before it reads
 * the status it waits on (markWatched), so either this sees the mark or the waiter sees the new status; a
 * `watched_at` read before the change could miss a waiter that came in between.
 */
export async function transitionWatched(db: Db, t: TransitionInput): Promise<{ watchedAt: number | null } | null> {
  refuseUnlisted(t.from, t.to);
  const [update] = await runBatch(db, [
    statement(
      db,
      db
        .update(payments)
        .set({ ...t.set, status: t.to, updatedAt: t.now })
        .where(
          and(eq(payments.id, t.paymentId), eq(payments.status, t.from), t.impUidIsNull ? isNull(payments.impUid) : undefined),
        )
        .returning({ watchedAt: payments.watchedAt }),
    ),
    insertEventIfChanged(db, t),
  ]);
  const won = update!.results as Array<{ watched_at: number | null }>;
  return won.length === 1 ? { watchedAt: won[0]!.watched_at } : null;
}

/**
 * Someone is about to wait for this payment's outcome: marks it watched (kept if already set) and returns it as it
 * now is, one statement. Whoever changes the status next sees the mark (transitionWatched) and announces.
 */
export const markWatched = (db: Db, paymentId: number, now: number) =>
  db
    .update(payments)
    .set({ watchedAt: sql`coalesce(${payments.watchedAt}, ${now})` })
    .where(eq(payments.id, paymentId))
    .returning()
    .get();

/**
 * markWatched for a batch that reads the payment next (GET ?wait): only while it is `ready`, and only for the
 * owner of a live session (`ownerIds`: the session's user, as a subquery), so nobody else's request writes.
 */
export const markWatchedStatement = (db: Db, merchantUid: string, now: number, ownerIds: SQLWrapper) =>
  db
    .update(payments)
    .set({ watchedAt: now })
    .where(
      and(eq(payments.merchantUid, merchantUid), eq(payments.status, "ready"), isNull(payments.watchedAt), inArray(payments.userId, ownerIds)),
    );

/** A transition that is not in the state machine's table is refused, never applied. */
export function refuseUnlisted(from: PaymentStatus, to: PaymentStatus) {
  if (!canTransition(from, to)) throw invalidTransition(from, to);
}

/** The timeline row for a transition, inserted only if the statement just before it changed a row. */
export const insertEventIfChanged = (
  db: Db,
  t: { paymentId: number; from: string; to: string; source: EventSource; reason: string | null; now: number },
) =>
  rawStatement(
    db,
    `INSERT INTO payment_events (payment_id, from_status, to_status, source, reason, created_at)
     SELECT ?, ?, ?, ?, ?, ? WHERE changes() = 1`,
    t.paymentId,
    t.from,
    t.to,
    t.source,
    t.reason,
    t.now,
  );

