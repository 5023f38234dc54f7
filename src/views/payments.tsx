/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import type { I18n } from "../i18n";
import { methodLabel } from "./format";
import { useI18n } from "./i18n";
import { Layout } from "./layout";
import { LineItems, LineSummary, retryHref } from "./line-items";
import { Badge, Pager, Refunds, StatusSelect, Summary, Timeline, When, type EventJson, type PaymentJson, type RefundJson } from "./payment-parts";

export function HistoryPage(v: {
  user: UserRow;
  admin: boolean;
  items: PaymentJson[];
  status: string | undefined;
  olderHref: string | null;
}) {
  const { t, amount } = useI18n();
  return (
    <Layout title={t("history.title")} user={v.user} admin={v.admin} nav="history">
      <h1>{t("history.title")}</h1>
      <p class="lead">{t("history.lead")}</p>
      <form class="filters" method="get" action="/payments">
        <StatusSelect id="f-status" selected={v.status} anyLabel={t("history.any")} />
        <button type="submit">{t("history.show")}</button>
      </form>
      {v.items.length === 0 ? (
        <p class="empty">
          {`${t(v.status ? "history.emptyStatus" : "history.empty")} `}
          <a href="/checkout">{t("history.buy")}</a>
        </p>
      ) : (
        <ul class="payments">
          {v.items.map((p) => (
            <li>
              <a href={`/payments/${p.merchant_uid}`}>
                <span class="name">{p.name}</span>
                <span class="amount">{amount(p.amount)}</span>
                <LineSummary payment={p} />
                <When at={p.created_at} />
                <Badge status={p.status} />
              </a>
            </li>
          ))}
        </ul>
      )}
      <Pager href={v.olderHref} />
    </Layout>
  );
}

/** What the payment window told the browser (from the page's query string): a hint, shown as such. */
export interface WindowHint {
  code: string | null;
  message: string | null;
}

interface Outcome {
  tone: "paid" | "failed" | "pending" | "neutral";
  icon: string;
  title: string;
  message: string;
  poll: boolean;
  payable: boolean;
}

/** `reported`: the buyer's report of an attempt is being validated (V1: its imp_uid is recorded). */
export function outcomeOf(i18n: I18n, p: PaymentJson, hint: WindowHint | null, reported = p.imp_uid !== null): Outcome {
  const { t, amount } = i18n;
  const settled = { poll: false, payable: false };
  switch (p.status) {
    case "paid":
      return {
        ...settled,
        tone: "paid",
        icon: "✓",
        title: t("result.paid.title"),
        message: p.method
          ? t("result.paid.messageMethod", { amount: amount(p.amount), method: methodLabel(i18n, p.method) })
          : t("result.paid.message", { amount: amount(p.amount) }),
      };
    case "failed":
      return {
        ...settled,
        tone: "failed",
        icon: "✕",
        title: t("result.failed.title"),
        message: p.fail_reason ? t("result.failed.messageReason", { reason: i18n.reason(p.fail_reason) }) : t("result.failed.message"),
      };
    case "rejected":
      return {
        ...settled,
        tone: "failed",
        icon: "!",
        title: t("result.rejected.title"),
        message: p.fail_reason ? t("result.rejected.messageReason", { reason: i18n.reason(p.fail_reason) }) : t("result.rejected.message"),
      };
    case "cancelled":
      return p.paid_at
        ? { ...settled, tone: "neutral", icon: "↺", title: t("result.refunded.title"), message: t("result.refunded.message", { amount: amount(p.cancelled_amount) }) }
        : { ...settled, tone: "neutral", icon: "–", title: t("result.cancelled.title"), message: t("result.cancelled.message") };
    case "partially_cancelled":
      return {
        ...settled,
        tone: "paid",
        icon: "↺",
        title: t("result.partly.title"),
        message: t("result.partly.message", {
          refunded: amount(p.cancelled_amount),
          total: amount(p.amount),
          remaining: amount(p.amount - p.cancelled_amount),
        }),
      };
    case "ready":
      if (reported) {
        return { tone: "pending", icon: "…", title: t("result.verifying.title"), message: t("result.verifying.message"), poll: true, payable: false };
      }
      if (hint) {
        const closed = hint.code === "F0005";
        return {
          tone: "pending",
          icon: "!",
          title: t(closed ? "result.closed.title" : "result.notCompleted.title"),
          message: t(closed ? "result.closed.message" : "result.notCompleted.message"),
          poll: false,
          payable: true,
        };
      }
      return { tone: "neutral", icon: "₩", title: t("result.awaiting.title"), message: t("result.awaiting.message"), poll: false, payable: true };
  }
}

export interface PaymentPageView {
  user: UserRow;
  admin: boolean;
  payment: PaymentJson;
  events: EventJson[];
  refunds: RefundJson[];
  hint: WindowHint | null;
  /** A report of an attempt is being validated: follow it rather than offer to pay again. */
  reported?: boolean;
  /** The checkout (the gateway window's parameters) for paying this order again (ready, unreported orders only). */
  checkout: unknown;
  sdkUrl: string;
}

export function PaymentPage(v: PaymentPageView) {
  const i18n = useI18n();
  const { t, amount } = i18n;
  const p = v.payment;
  const o = outcomeOf(i18n, p, v.hint, v.reported);
  const payable = o.payable && v.checkout !== null;
  const retry = retryHref(p);
  return (
    <Layout title={o.title} user={v.user} admin={v.admin} nav="history" sdkUrl={payable ? v.sdkUrl : undefined}>
      <p>
        <a href="/payments">{t("result.back")}</a>
      </p>
      <section
        id="payment"
        class={`card result ${o.tone}`}
        aria-labelledby="result-title"
        data-merchant-uid={p.merchant_uid}
        data-status={p.status}
        data-imp-uid={p.imp_uid ?? ""}
        data-poll={o.poll ? "1" : undefined}
        data-checkout={payable ? JSON.stringify(v.checkout) : undefined}
      >
        <h1 id="result-title">
          <span class="icon" aria-hidden="true">
            {o.icon}
          </span>
          {o.title}
        </h1>
        <p role="status" aria-live="polite">
          {o.poll ? <span class="spin" aria-hidden="true"></span> : null}
          {o.message}
        </p>
        {v.hint?.message && v.hint.code !== "F0005" && p.status === "ready" ? (
          <p class="note">
            {`${t("result.windowSaid")} `}
            <q>{v.hint.message}</q>
          </p>
        ) : null}
        {o.poll ? (
          <p class="note" data-slow hidden>
            {t("result.slow")}
          </p>
        ) : null}
        {payable ? (
          <div class="actions">
            <button type="button" class="primary" data-pay-again>
              {t("client.payAmount", { amount: amount(p.amount) })}
            </button>
            <button type="button" class="danger" data-cancel-order>
              {t("result.cancelOrder")}
            </button>
          </div>
        ) : null}
        {p.status === "failed" ? (
          <div class="actions">
            <a class="button primary" href={retry}>
              {t("result.tryAgain")}
            </a>
          </div>
        ) : null}
        <p role="status" aria-live="polite" data-live></p>
        <LineItems payment={p} />
        <Summary payment={p} />
      </section>
      <Timeline payment={p} events={v.events} />
      <Refunds refunds={v.refunds} />
    </Layout>
  );
}

/** A page that only says something (not found, not allowed): title and message are catalogue keys' texts. */
export function MessagePage(v: { user: UserRow | null; admin?: boolean; title: string; message: string }) {
  const { t } = useI18n();
  return (
    <Layout title={v.title} user={v.user} admin={v.admin}>
      <h1>{v.title}</h1>
      <p class="lead">{v.message}</p>
      <p>
        <a href={v.user ? "/payments" : "/login"}>{t(v.user ? "message.toHistory" : "message.toLogin")}</a>
      </p>
    </Layout>
  );
}
