/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import { krw } from "./format";
import { Layout } from "./layout";
import { RefundSlot } from "./refund";
import { Badge, Pager, Refunds, StatusSelect, Summary, Timeline, When, type EventJson, type PaymentJson, type RefundJson } from "./payment-parts";

export interface AdminRow {
  payment: PaymentJson;
  email: string;
}

export interface AdminFilters {
  status: string;
  email: string;
  merchant_uid: string;
}

export function AdminListPage(v: { user: UserRow; rows: AdminRow[]; filters: AdminFilters; olderHref: string | null }) {
  const f = v.filters;
  const filtered = !!(f.status || f.email || f.merchant_uid);
  return (
    <Layout title="All payments" user={v.user} admin nav="admin" wide>
      <h1>All payments</h1>
      <p class="lead">Every buyer's payments, newest first. Times are Korea Standard Time (Asia/Seoul).</p>
      <p>
        <a href="/admin/roles">Administrators</a>
      </p>
      <form class="filters card" method="get" action="/admin/payments" role="search" aria-label="Filter payments">
        <StatusSelect id="af-status" selected={f.status} anyLabel="Any status" />
        <div class="field">
          <label for="af-email">Buyer email contains</label>
          <input id="af-email" name="email" type="search" value={f.email} maxlength={254} autocomplete="off" />
        </div>
        <div class="field">
          <label for="af-merchant">Order number</label>
          <input id="af-merchant" name="merchant_uid" type="search" value={f.merchant_uid} maxlength={40} autocomplete="off" placeholder="pay_…" />
        </div>
        <button type="submit" class="primary">
          Filter
        </button>
        {filtered ? <a href="/admin/payments">Clear filters</a> : null}
      </form>
      {v.rows.length === 0 ? (
        <p class="empty">{filtered ? "No payments match these filters." : "No payments yet."}</p>
      ) : (
        <div class="table-wrap" role="region" aria-label="Payments" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Ordered (KST)</th>
                <th scope="col">Order number</th>
                <th scope="col">Buyer</th>
                <th scope="col">Item</th>
                <th scope="col" class="num">
                  Amount
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {v.rows.map((r) => (
                <tr>
                  <td>
                    <When at={r.payment.created_at} />
                  </td>
                  <td class="mono">
                    <a href={`/admin/payments/${r.payment.merchant_uid}`}>{r.payment.merchant_uid}</a>
                  </td>
                  <td>{r.email}</td>
                  <td>{r.payment.name}</td>
                  <td class="num">{krw(r.payment.amount)}</td>
                  <td>
                    <Badge status={r.payment.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager href={v.olderHref} />
    </Layout>
  );
}

export function AdminPaymentPage(v: {
  user: UserRow;
  payment: PaymentJson;
  owner: { email: string; name: string };
  events: EventJson[];
  refunds: RefundJson[];
}) {
  return (
    <Layout title={`Payment ${v.payment.merchant_uid}`} user={v.user} admin nav="admin" wide>
      <p>
        <a href="/admin/payments">← All payments</a>
      </p>
      <section class="card" aria-labelledby="admin-payment-title">
        <h1 id="admin-payment-title">{v.payment.name}</h1>
        <Summary payment={v.payment} owner={v.owner} />
      </section>
      <RefundSlot payment={v.payment} />
      <Timeline payment={v.payment} events={v.events} />
      <Refunds refunds={v.refunds} />
    </Layout>
  );
}
