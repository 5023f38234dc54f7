/** @jsxImportSource hono/jsx */
import { PAYMENT_STATUSES, type PaymentStatus } from "../domain/payment-state";
import type { presentEvent, presentPayment, presentRefund } from "../services/present";
import { krw, seoulTime, SOURCE_LABELS, STATUS_LABELS } from "./format";

export type PaymentJson = ReturnType<typeof presentPayment>;
export type EventJson = ReturnType<typeof presentEvent>;
export type RefundJson = ReturnType<typeof presentRefund>;

export const statusLabel = (s: string) => STATUS_LABELS[s as PaymentStatus] ?? s;

export const Badge = (p: { status: string }) => <span class={`badge ${p.status}`}>{statusLabel(p.status)}</span>;

/** A time shown in Asia/Seoul, machine-readable as the API's ISO UTC string. */
export const When = (p: { at: string | null; seconds?: boolean }) =>
  p.at ? <time datetime={p.at}>{`${seoulTime(p.at, p.seconds)} KST`}</time> : <>—</>;

export function Summary(p: { payment: PaymentJson; owner?: { email: string; name: string } }) {
  const x = p.payment;
  return (
    <dl class="summary">
      <dt>Item</dt>
      <dd>{x.name}</dd>
      <dt>Amount</dt>
      <dd class="amount">{krw(x.amount)}</dd>
      <dt>Status</dt>
      <dd>
        <Badge status={x.status} />
      </dd>
      {p.owner ? (
        <>
          <dt>Buyer</dt>
          <dd>{`${p.owner.name} <${p.owner.email}>`}</dd>
        </>
      ) : null}
      <dt>Order number</dt>
      <dd class="mono">{x.merchant_uid}</dd>
      {x.imp_uid ? (
        <>
          <dt>Iamport payment</dt>
          <dd class="mono">{x.imp_uid}</dd>
        </>
      ) : null}
      {x.method ? (
        <>
          <dt>Method</dt>
          <dd>{x.method}</dd>
        </>
      ) : null}
      <dt>Ordered</dt>
      <dd>
        <When at={x.created_at} />
      </dd>
      {x.paid_at ? (
        <>
          <dt>Paid</dt>
          <dd>
            <When at={x.paid_at} />
          </dd>
        </>
      ) : null}
      {x.cancelled_amount > 0 ? (
        <>
          <dt>Refunded</dt>
          <dd class="amount">{krw(x.cancelled_amount)}</dd>
        </>
      ) : null}
      {x.cancelled_at ? (
        <>
          <dt>{x.status === "partially_cancelled" ? "Last refund" : "Cancelled"}</dt>
          <dd>
            <When at={x.cancelled_at} />
          </dd>
        </>
      ) : null}
      {x.fail_reason ? (
        <>
          <dt>Reason</dt>
          <dd>{x.fail_reason}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** The payment's history: its creation, then every status change with who made it and why. */
export function Timeline(p: { payment: PaymentJson; events: EventJson[] }) {
  return (
    <section class="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol class="timeline">
        <li>
          <strong>Order created</strong> <span class="muted">{`· ${krw(p.payment.amount)}`}</span>
          <div class="when">
            <When at={p.payment.created_at} seconds />
          </div>
        </li>
        {p.events.map((e) => (
          <li>
            <strong>{e.from && e.from !== e.to ? `${statusLabel(e.from)} → ${statusLabel(e.to)}` : statusLabel(e.to)}</strong>
            <div class="when">
              <When at={e.at} seconds />
              {` · by ${SOURCE_LABELS[e.source] ?? e.source}`}
            </div>
            {e.reason ? <p class="why">{e.reason}</p> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function Refunds(p: { refunds: RefundJson[] }) {
  if (p.refunds.length === 0) return null;
  return (
    <section class="card" aria-labelledby="refunds-title">
      <h2 id="refunds-title">Refunds</h2>
      <ol class="timeline">
        {p.refunds.map((r) => (
          <li>
            <strong>{`${krw(r.amount)} · ${r.status}`}</strong>
            <div class="when">
              <When at={r.created_at} seconds />
            </div>
            <p class="why">{r.fail_reason ? `${r.reason} — ${r.fail_reason}` : r.reason}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The status filter both history and admin lists offer. */
export function StatusSelect(p: { id: string; selected: string | undefined; anyLabel: string }) {
  return (
    <div class="field">
      <label for={p.id}>Status</label>
      <select id={p.id} name="status">
        <option value="">{p.anyLabel}</option>
        {PAYMENT_STATUSES.map((s) => (
          <option value={s} selected={p.selected === s}>
            {statusLabel(s)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The link to the next (older) page of a list, when there is one. */
export const Pager = (p: { href: string | null }) =>
  p.href ? (
    <p class="pager">
      <a href={p.href}>Older payments →</a>
    </p>
  ) : null;
