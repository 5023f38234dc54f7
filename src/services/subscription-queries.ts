import type { Db } from "../db/client";
import { listSubscriptions, loadSubscriptionDetail, type SubscriptionDetail, type SubscriptionListFilter } from "../db/subscriptions";
import { notFound } from "../domain/errors";
import { SUBSCRIPTION_ID_PATTERN } from "../domain/subscription-ids";
import { presentInvoice, presentSubscription, presentSubscriptionEvent } from "./present-subscription";

// The read side of subscriptions for routes and pages: they never query the database themselves.

type Reader = { db: Db };

/** A page of subscriptions, newest first (one more row than `limit` tells whether there is another). */
export const subscriptionPage = (deps: Reader, f: SubscriptionListFilter) => listSubscriptions(deps.db, f);

/** The cursor of a list page: the last item's creation time and id (ids are random, so both are needed). */
export const cursorOf = (s: { createdAt: number; id: string }) => `${s.createdAt}.${s.id}`;
export function parseCursor(cursor: string | undefined): { createdAt: number; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = cursor.split(".");
  return { createdAt: Number(at), id: id! };
}
export const CURSOR_PATTERN = /^[0-9]{1,16}\.sub_[0-9a-f]{32}$/;

/** The detail for its subscriber or an admin; anyone else gets the same 404 as for one that does not exist. */
export async function visibleSubscription(deps: Reader, viewer: { userId: string; admin: boolean }, id: string): Promise<SubscriptionDetail> {
  const detail = SUBSCRIPTION_ID_PATTERN.test(id) ? await loadSubscriptionDetail(deps.db, id) : undefined;
  if (!detail || (detail.subscription.userId !== viewer.userId && !viewer.admin)) throw notFound("subscription");
  return detail;
}

/** The detail's JSON: the subscription, its invoices with their payment attempts, and its timeline. */
export function presentDetail(d: SubscriptionDetail, opts: { admin: boolean }) {
  const open = d.invoices.find((i) => i.invoice.period === d.subscription.period && i.invoice.status !== "paid" && i.invoice.status !== "void");
  return {
    ...presentSubscription({ ...d, ...(opts.admin ? {} : { email: undefined }), openInvoice: open?.invoice }),
    invoices: d.invoices.map((i) => presentInvoice(i.invoice, i.payments)),
    events: d.events.map(presentSubscriptionEvent),
  };
}
