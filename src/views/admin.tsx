/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import { AdminTabs } from "./admin-catalogue";
import { useI18n } from "./i18n";
import { Layout } from "./layout";
import { KindBadge, LineItems } from "./line-items";
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
  const { t, amount } = useI18n();
  const f = v.filters;
  const filtered = !!(f.status || f.email || f.merchant_uid);
  return (
    <Layout title={t("admin.list.title")} user={v.user} admin nav="admin" wide>
      <AdminTabs current="payments" />
      <h1>{t("admin.list.title")}</h1>
      <p class="lead">{t("admin.list.lead")}</p>
      <p>
        <a href="/admin/roles">{t("admin.roles.link")}</a>
      </p>
      <form class="filters card" method="get" action="/admin/payments" role="search" aria-label={t("admin.filter.label")}>
        <StatusSelect id="af-status" selected={f.status} anyLabel={t("admin.filter.anyStatus")} />
        <div class="field">
          <label for="af-email">{t("admin.filter.email")}</label>
          <input id="af-email" name="email" type="search" value={f.email} maxlength={254} autocomplete="off" />
        </div>
        <div class="field">
          <label for="af-merchant">{t("admin.filter.orderNumber")}</label>
          <input id="af-merchant" name="merchant_uid" type="search" value={f.merchant_uid} maxlength={40} autocomplete="off" placeholder="pay_…" />
        </div>
        <button type="submit" class="primary">
          {t("admin.filter.submit")}
        </button>
        {filtered ? <a href="/admin/payments">{t("admin.filter.clear")}</a> : null}
      </form>
      {v.rows.length === 0 ? (
        <p class="empty">{t(filtered ? "admin.list.noMatch" : "admin.list.empty")}</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={t("admin.list.region")} tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("admin.col.ordered")}</th>
                <th scope="col">{t("admin.col.orderNumber")}</th>
                <th scope="col">{t("admin.col.buyer")}</th>
                <th scope="col">{t("admin.col.item")}</th>
                <th scope="col" class="num">
                  {t("admin.col.amount")}
                </th>
                <th scope="col">{t("admin.col.status")}</th>
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
                  <td>
                    {r.payment.name} <KindBadge payment={r.payment} />
                  </td>
                  <td class="num">{amount(r.payment.amount)}</td>
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
  const { t } = useI18n();
  return (
    <Layout title={t("admin.payment.title", { merchantUid: v.payment.merchant_uid })} user={v.user} admin nav="admin" wide>
      <AdminTabs current="payments" />
      <p>
        <a href="/admin/payments">{t("admin.payment.back")}</a>
      </p>
      <section class="card" aria-labelledby="admin-payment-title">
        <h1 id="admin-payment-title">{v.payment.name}</h1>
        <LineItems payment={v.payment} />
        <Summary payment={v.payment} owner={v.owner} />
      </section>
      <RefundSlot payment={v.payment} />
      <Timeline payment={v.payment} events={v.events} />
      <Refunds refunds={v.refunds} />
    </Layout>
  );
}
