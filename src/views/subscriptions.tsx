/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import type { I18n } from "../i18n";
import { SUBSCRIPTION_STATUSES } from "../domain/subscription-state";
import type { presentPlan, presentSubscription } from "../services/present-subscription";
import type { presentDetail } from "../services/subscription-queries";
import { AdminTabs } from "./admin-catalogue";
import { useI18n } from "./i18n";
import { FormError, Layout } from "./layout";
import { Badge, Pager, When } from "./payment-parts";

// The subscriber's portal (/subscriptions, /subscriptions/:id) and the administrators' pages
// (/admin/subscriptions, /admin/subscriptions/:id). Every action is a JSON API call from the page script
// (src/client/subscriptions.ts); the card is registered in the configured gateway's billing-key window.

export type SubscriptionJson = ReturnType<typeof presentSubscription>;
export type SubscriptionDetailJson = ReturnType<typeof presentDetail>;
export type PlanJson = ReturnType<typeof presentPlan>;

const label = (i18n: I18n, key: string, raw: string) => (i18n.has(key) ? i18n.t(key) : raw);
const subStatus = (i18n: I18n, s: string) => label(i18n, `sub.status.${s}`, s);

/** "매월 19,000원" / "Monthly, ₩19,000". */
export function planPrice(i18n: I18n, plan: Pick<PlanJson, "interval" | "interval_count" | "amount">) {
  const every =
    plan.interval === "month"
      ? plan.interval_count === 1 ? i18n.t("sub.every.month") : i18n.t("sub.every.months", { count: plan.interval_count })
      : plan.interval_count === 1 ? i18n.t("sub.every.year") : i18n.t("sub.every.years", { count: plan.interval_count });
  return i18n.t("sub.price", { every, amount: i18n.amount(plan.amount) });
}

const planName = (plan: PlanJson) => (plan.label ? `${plan.product_name} (${plan.label})` : plan.product_name);

const SubBadge = (p: { status: string }) => <span class={`badge sub-${p.status}`}>{subStatus(useI18n(), p.status)}</span>;

function NextCharge(p: { sub: SubscriptionJson }) {
  const i18n = useI18n();
  const n = p.sub.next_charge;
  return n ? <>{i18n.t("sub.nextChargeValue", { at: i18n.dateTime(n.at), amount: i18n.amount(n.amount) })}</> : <>{i18n.t("sub.noNextCharge")}</>;
}

export function SubscriptionsPage(v: { user: UserRow; admin: boolean; items: SubscriptionJson[]; plans: PlanJson[]; sdkUrl: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Layout title={t("sub.title")} user={v.user} admin={v.admin} nav="subscriptions" sdkUrl={v.sdkUrl}>
      <h1>{t("sub.title")}</h1>
      <p class="lead">{t("sub.lead")}</p>
      <section aria-labelledby="sub-mine">
        <h2 id="sub-mine">{t("sub.mine")}</h2>
        {v.items.length === 0 ? (
          <p class="empty">{t("sub.none")}</p>
        ) : (
          <ul class="payments subscriptions">
            {v.items.map((s) => (
              <li>
                <a href={`/subscriptions/${s.id}`}>
                  <span class="name">{planName(s.plan)}</span>
                  <span class="amount">{planPrice(i18n, s.plan)}</span>
                  <span class="lines">
                    {t("sub.nextCharge")}: <NextCharge sub={s} />
                  </span>
                  <SubBadge status={s.status} />
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="sub-plans" id="subscribe" data-sdk-url={v.sdkUrl}>
        <h2 id="sub-plans">{t("sub.plans")}</h2>
        {v.plans.length === 0 ? (
          <p class="empty">{t("sub.plansEmpty")}</p>
        ) : (
          <ul class="plans">
            {v.plans.map((plan) => (
              <li class="plan">
                <span class="name">{planName(plan)}</span>
                <span class="amount">{planPrice(i18n, plan)}</span>
                {plan.trial_days > 0 ? <span class="muted">{t("sub.trial", { days: plan.trial_days })}</span> : null}
                <button type="button" class="primary" data-subscribe={plan.price_id} aria-label={t("sub.subscribeName", { name: planName(plan) })}>
                  {t("sub.subscribe")}
                </button>
              </li>
            ))}
          </ul>
        )}
        <p class="muted">{t("sub.noProration")}</p>
        <p class="live" role="status" aria-live="polite" data-live></p>
        <FormError />
      </section>
    </Layout>
  );
}

/** What the portal tells the subscriber about the state the subscription is in (and what they can do about it). */
function Notice(p: { sub: SubscriptionDetailJson }) {
  const i18n = useI18n();
  const s = p.sub;
  const at = (iso: string | null) => (iso ? i18n.dateTime(iso) : "—");
  let text: string | null = null;
  let tone = "neutral";
  if (s.status === "incomplete") text = i18n.t(s.card ? "sub.notice.charging" : "sub.notice.incomplete");
  else if (s.status === "past_due") {
    tone = "failed";
    text = s.retries_stopped ? i18n.t("sub.notice.stopped") : i18n.t("sub.notice.past_due", { at: at(s.next_charge?.at ?? null) });
  } else if (s.status === "unpaid") {
    tone = "failed";
    text = i18n.t("sub.notice.unpaid");
  } else if (s.cancel_at_period_end) text = i18n.t("sub.notice.cancelAtEnd", { at: at(s.current_period?.end ?? s.trial_end) });
  return text ? <p class={`note ${tone}`} role="note">{text}</p> : null;
}

function Details(p: { sub: SubscriptionDetailJson; email?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const s = p.sub;
  return (
    <div class="card">
    <dl class="summary">
      {p.email ? (
        <>
          <dt>{t("sub.customer")}</dt>
          <dd>{p.email}</dd>
        </>
      ) : null}
      <dt>{t("sub.plan")}</dt>
      <dd>
        {planName(s.plan)} · {planPrice(i18n, s.plan)}
        {s.pending_plan ? <> → {planName(s.pending_plan)} · {planPrice(i18n, s.pending_plan)}</> : null}
      </dd>
      <dt>{t("sub.status")}</dt>
      <dd>
        <SubBadge status={s.status} />
      </dd>
      <dt>{t("sub.nextCharge")}</dt>
      <dd data-next-charge>
        <NextCharge sub={s} />
      </dd>
      <dt>{t("sub.card")}</dt>
      <dd>{s.card ? `${s.card.name ?? ""} ${s.card.number ?? ""}`.trim() : t("sub.noCard")}</dd>
      {s.current_period ? (
        <>
          <dt>{t("sub.period")}</dt>
          <dd>{t("sub.periodValue", { start: i18n.dateTime(s.current_period.start), end: i18n.dateTime(s.current_period.end) })}</dd>
        </>
      ) : null}
      {s.trial_end ? (
        <>
          <dt>{t("sub.trialEnd")}</dt>
          <dd>
            <When at={s.trial_end} />
          </dd>
        </>
      ) : null}
      {s.ended_at ? (
        <>
          <dt>{t("sub.ended")}</dt>
          <dd>
            <When at={s.ended_at} />
          </dd>
        </>
      ) : null}
    </dl>
    </div>
  );
}

function Invoices(p: { sub: SubscriptionDetailJson; admin: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <section class="card" aria-labelledby="sub-invoices">
      <h2 id="sub-invoices">{t("sub.invoices")}</h2>
      {p.sub.invoices.length === 0 ? (
        <p class="empty">{t("sub.invoices.none")}</p>
      ) : (
        <div class="table-wrap">
          <table class="invoices">
            <thead>
              <tr>
                <th scope="col">{t("sub.invoice.period")}</th>
                <th scope="col">{t("sub.invoice.amount")}</th>
                <th scope="col">{t("sub.invoice.status")}</th>
                <th scope="col">{t("sub.invoice.payments")}</th>
              </tr>
            </thead>
            <tbody>
              {p.sub.invoices.map((inv) => (
                <tr data-invoice={inv.period}>
                  <td>{t("sub.periodValue", { start: i18n.dateTime(inv.period_start), end: i18n.dateTime(inv.period_end) })}</td>
                  <td>{i18n.amount(inv.amount)}</td>
                  <td>
                    <span class={`badge invoice-${inv.status}`}>{label(i18n, `sub.invoiceStatus.${inv.status}`, inv.status)}</span>
                  </td>
                  <td>
                    <ul class="attempts">
                      {inv.payments.map((pay) => (
                        <li>
                          <a href={`${p.admin ? "/admin" : ""}/payments/${pay.merchant_uid}`}>{t("sub.invoice.attempt", { attempt: pay.attempt ?? 1 })}</a>{" "}
                          <Badge status={pay.status} />
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SubTimeline(p: { sub: SubscriptionDetailJson }) {
  const i18n = useI18n();
  return (
    <section class="card" aria-labelledby="sub-timeline">
      <h2 id="sub-timeline">{i18n.t("sub.timeline")}</h2>
      <ol class="timeline">
        {p.sub.events.map((e) => (
          <li>
            <When at={e.at} /> <strong>{label(i18n, `sub.event.${e.kind}`, e.kind)}</strong>
            {e.from && e.from !== e.to ? <> · {subStatus(i18n, e.from)} → {subStatus(i18n, e.to)}</> : null}
            {e.reason ? <span class="reason"> · {i18n.reason(e.reason)}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The card window's result, from the page's query string (?card=registered|failed): a hint, shown as such. */
export interface CardHint {
  ok: boolean;
  code: string | null;
  message: string | null;
}

export function SubscriptionPage(v: { user: UserRow; admin: boolean; sub: SubscriptionDetailJson; sdkUrl: string; hint: CardHint | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const s = v.sub;
  const live = s.status !== "canceled";
  const owes = s.status === "past_due" || s.status === "unpaid" || s.status === "incomplete";
  // The first charge (or a retry after a card change) is on its way: the page follows it until it settles.
  const poll = (s.status === "incomplete" && s.card !== null) || s.events.at(-1)?.kind === "card_replaced";
  return (
    <Layout title={t("sub.title")} user={v.user} admin={v.admin} nav="subscriptions" sdkUrl={v.sdkUrl}>
      <p>
        <a href="/subscriptions">{t("sub.title")}</a>
      </p>
      <h1>{planName(s.plan)}</h1>
      <div id="subscription" data-id={s.id} data-status={s.status} data-sdk-url={v.sdkUrl} data-poll={poll ? "" : undefined}>
        {v.hint ? (
          <p class={`note ${v.hint.ok ? "paid" : "failed"}`} role="status">
            {v.hint.ok ? t("sub.card.registered") : t("sub.card.failed")}
            {!v.hint.ok && v.hint.code && i18n.has(`error.${v.hint.code}`) ? ` ${i18n.t(`error.${v.hint.code}` as never)}` : null}
            {!v.hint.ok && v.hint.message ? ` (${v.hint.message})` : null}
          </p>
        ) : null}
        <Notice sub={s} />
        <Details sub={s} />
        {live ? (
          <div class="actions">
            <button type="button" data-change-card>
              {s.card ? t("sub.changeCard") : t("sub.registerCard")}
            </button>
            {s.cancel_at_period_end ? (
              <button type="button" data-resume>
                {t("sub.resume")}
              </button>
            ) : (
              <button type="button" data-cancel>
                {owes ? t("sub.cancelNow") : t("sub.cancelAtEnd")}
              </button>
            )}
          </div>
        ) : null}
        <p class="live" role="status" aria-live="polite" data-live></p>
        <FormError />
      </div>
      <Invoices sub={s} admin={false} />
      <SubTimeline sub={s} />
    </Layout>
  );
}

export function AdminSubscriptionsPage(v: { user: UserRow; items: Array<SubscriptionJson & { customer_email?: string }>; status: string | undefined; olderHref: string | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Layout title={t("sub.admin.title")} user={v.user} admin nav="admin" wide>
      <h1>{t("sub.admin.title")}</h1>
      <AdminTabs current="subscriptions" />
      <p class="lead">{t("sub.admin.lead")}</p>
      <form class="filters" method="get" action="/admin/subscriptions">
        <div class="field">
          <label for="f-status">{t("list.status")}</label>
          <select id="f-status" name="status">
            <option value="">{t("sub.any")}</option>
            {SUBSCRIPTION_STATUSES.map((st) => (
              <option value={st} selected={v.status === st}>
                {subStatus(i18n, st)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t("history.show")}</button>
      </form>
      {v.items.length === 0 ? (
        <p class="empty">{t("sub.admin.empty")}</p>
      ) : (
        <ul class="payments subscriptions">
          {v.items.map((s) => (
            <li>
              <a href={`/admin/subscriptions/${s.id}`}>
                <span class="name">{planName(s.plan)}</span>
                <span class="amount">{planPrice(i18n, s.plan)}</span>
                <span class="lines">
                  {s.customer_email} · {t("sub.nextCharge")}: <NextCharge sub={s} />
                </span>
                <SubBadge status={s.status} />
              </a>
            </li>
          ))}
        </ul>
      )}
      <Pager href={v.olderHref} />
    </Layout>
  );
}

export function AdminSubscriptionPage(v: { user: UserRow; sub: SubscriptionDetailJson & { customer_email?: string } }) {
  const { t } = useI18n();
  const s = v.sub;
  const owes = s.status === "past_due" || s.status === "unpaid" || (s.status === "incomplete" && s.current_period !== null);
  return (
    <Layout title={t("sub.admin.title")} user={v.user} admin nav="admin" wide>
      <p>
        <a href="/admin/subscriptions">{t("sub.admin.title")}</a>
      </p>
      <h1>{planName(s.plan)}</h1>
      <div id="admin-subscription" data-id={s.id}>
        <Notice sub={s} />
        <Details sub={s} email={s.customer_email} />
        {s.status !== "canceled" ? (
          <div class="actions">
            {owes ? (
              <button type="button" data-admin-retry>
                {t("sub.admin.retry")}
              </button>
            ) : null}
            <label class="check">
              <input type="checkbox" data-admin-refund /> {t("sub.admin.refund")}
            </label>
            <button type="button" class="danger" data-admin-cancel>
              {t("sub.admin.cancel")}
            </button>
          </div>
        ) : null}
        <p class="live" role="status" aria-live="polite" data-live></p>
        <FormError />
      </div>
      <Invoices sub={s} admin />
      <SubTimeline sub={s} />
    </Layout>
  );
}
