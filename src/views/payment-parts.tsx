/** @jsxImportSource hono/jsx */
import { PAYMENT_STATUSES } from "../domain/payment-state";
import type { presentEvent, presentPayment, presentRefund } from "../services/present";
import { methodLabel, refundStatusLabel, sourceLabel, statusLabel } from "./format";
import { useI18n } from "./i18n";

export type PaymentJson = ReturnType<typeof presentPayment>;
export type EventJson = ReturnType<typeof presentEvent>;
export type RefundJson = ReturnType<typeof presentRefund>;

export const Badge = (p: { status: string }) => <span class={`badge ${p.status}`}>{statusLabel(useI18n(), p.status)}</span>;

/** A time shown in Korea Standard Time, machine-readable as the API's ISO UTC string. */
export function When(p: { at: string | null; seconds?: boolean }) {
  const { dateTime } = useI18n();
  return p.at ? <time datetime={p.at}>{dateTime(p.at, { seconds: p.seconds })}</time> : <>—</>;
}

export function Summary(p: { payment: PaymentJson; owner?: { email: string; name: string } }) {
  const i18n = useI18n();
  const { t, amount } = i18n;
  const x = p.payment;
  return (
    <dl class="summary">
      <dt>{t("payment.item")}</dt>
      <dd>{x.name}</dd>
      <dt>{t("payment.amount")}</dt>
      <dd class="amount">{amount(x.amount)}</dd>
      <dt>{t("payment.status")}</dt>
      <dd>
        <Badge status={x.status} />
      </dd>
      {p.owner ? (
        <>
          <dt>{t("payment.buyer")}</dt>
          <dd>{p.owner.name ? `${p.owner.name} <${p.owner.email}>` : p.owner.email}</dd>
        </>
      ) : null}
      <dt>{t("payment.orderNumber")}</dt>
      <dd class="mono">{x.merchant_uid}</dd>
      {x.imp_uid ? (
        <>
          <dt>{t("payment.impUid")}</dt>
          <dd class="mono">{x.imp_uid}</dd>
        </>
      ) : null}
      {x.method ? (
        <>
          <dt>{t("payment.method")}</dt>
          <dd>{methodLabel(i18n, x.method)}</dd>
        </>
      ) : null}
      <dt>{t("payment.ordered")}</dt>
      <dd>
        <When at={x.created_at} />
      </dd>
      {x.paid_at ? (
        <>
          <dt>{t("payment.paidAt")}</dt>
          <dd>
            <When at={x.paid_at} />
          </dd>
        </>
      ) : null}
      {x.cancelled_amount > 0 ? (
        <>
          <dt>{t("payment.refunded")}</dt>
          <dd class="amount">{amount(x.cancelled_amount)}</dd>
        </>
      ) : null}
      {x.cancelled_at ? (
        <>
          <dt>{t(x.status === "partially_cancelled" ? "payment.lastRefund" : "payment.cancelledAt")}</dt>
          <dd>
            <When at={x.cancelled_at} />
          </dd>
        </>
      ) : null}
      {x.fail_reason ? (
        <>
          <dt>{t("payment.reason")}</dt>
          <dd>{i18n.reason(x.fail_reason)}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** The payment's history: its creation, then every status change with who made it and why. */
export function Timeline(p: { payment: PaymentJson; events: EventJson[] }) {
  const i18n = useI18n();
  const { t, amount } = i18n;
  return (
    <section class="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t("timeline.title")}</h2>
      <ol class="timeline">
        <li>
          <strong>{t("timeline.created")}</strong> <span class="muted">{`· ${amount(p.payment.amount)}`}</span>
          <div class="when">
            <When at={p.payment.created_at} seconds />
          </div>
        </li>
        {p.events.map((e) => (
          <li>
            <strong>
              {e.from && e.from !== e.to ? `${statusLabel(i18n, e.from)} → ${statusLabel(i18n, e.to)}` : statusLabel(i18n, e.to)}
            </strong>
            <div class="when">
              <When at={e.at} seconds />
              {` · ${t("timeline.by", { who: sourceLabel(i18n, e.source) })}`}
            </div>
            {e.reason ? <p class="why">{i18n.reason(e.reason)}</p> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function Refunds(p: { refunds: RefundJson[] }) {
  const i18n = useI18n();
  if (p.refunds.length === 0) return null;
  return (
    <section class="card" aria-labelledby="refunds-title">
      <h2 id="refunds-title">{i18n.t("refunds.title")}</h2>
      <ol class="timeline">
        {p.refunds.map((r) => (
          <li>
            <strong>{`${i18n.amount(r.amount)} · ${refundStatusLabel(i18n, r.status)}`}</strong>
            <div class="when">
              <When at={r.created_at} seconds />
            </div>
            <p class="why">{r.fail_reason ? `${i18n.reason(r.reason)} — ${i18n.reason(r.fail_reason)}` : i18n.reason(r.reason)}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The status filter both history and admin lists offer. */
export function StatusSelect(p: { id: string; selected: string | undefined; anyLabel: string }) {
  const i18n = useI18n();
  return (
    <div class="field">
      <label for={p.id}>{i18n.t("list.status")}</label>
      <select id={p.id} name="status">
        <option value="">{p.anyLabel}</option>
        {PAYMENT_STATUSES.map((s) => (
          <option value={s} selected={p.selected === s}>
            {statusLabel(i18n, s)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The link to the next (older) page of a list, when there is one. */
export function Pager(p: { href: string | null }) {
  const { t } = useI18n();
  return p.href ? (
    <p class="pager">
      <a href={p.href}>{t("list.older")}</a>
    </p>
  ) : null;
}
