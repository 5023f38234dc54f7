/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import { krw } from "./format";
import { Layout } from "./layout";
import { Badge, Pager, Refunds, StatusSelect, Summary, Timeline, When, type EventJson, type PaymentJson, type RefundJson } from "./payment-parts";

export function HistoryPage(v: {
  user: UserRow;
  admin: boolean;
  items: PaymentJson[];
  status: string | undefined;
  olderHref: string | null;
}) {
  return (
    <Layout title="Payment history" user={v.user} admin={v.admin} nav="history">
      <h1>Payment history</h1>
      <p class="lead">Your orders, newest first. Times are Korea Standard Time (Asia/Seoul).</p>
      <form class="filters" method="get" action="/payments">
        <StatusSelect id="f-status" selected={v.status} anyLabel="All payments" />
        <button type="submit">Show</button>
      </form>
      {v.items.length === 0 ? (
        <p class="empty">
          {v.status ? "No payments with this status. " : "No payments yet. "}
          <a href="/checkout">Buy something</a>
        </p>
      ) : (
        <ul class="payments">
          {v.items.map((p) => (
            <li>
              <a href={`/payments/${p.merchant_uid}`}>
                <span class="name">{p.name}</span>
                <span class="amount">{krw(p.amount)}</span>
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

export function outcomeOf(p: PaymentJson, hint: WindowHint | null): Outcome {
  switch (p.status) {
    case "paid":
      return {
        tone: "paid",
        icon: "✓",
        title: "Payment complete",
        message: `${krw(p.amount)} was paid${p.method ? ` by ${p.method}` : ""} and verified with Iamport.`,
        poll: false,
        payable: false,
      };
    case "failed":
      return {
        tone: "failed",
        icon: "✕",
        title: "Payment failed",
        message: `The payment did not go through${p.fail_reason ? `: ${p.fail_reason}` : ""}. Nothing was charged.`,
        poll: false,
        payable: false,
      };
    case "rejected":
      return {
        tone: "failed",
        icon: "!",
        title: "Payment rejected",
        message: `Iamport's record of this payment did not match the order${p.fail_reason ? ` (${p.fail_reason})` : ""}, so it was cancelled at Iamport and no money was kept.`,
        poll: false,
        payable: false,
      };
    case "cancelled":
      return p.paid_at
        ? { tone: "neutral", icon: "↺", title: "Payment refunded", message: `${krw(p.cancelled_amount)} was refunded in full.`, poll: false, payable: false }
        : { tone: "neutral", icon: "–", title: "Order cancelled", message: "This order was cancelled before it was paid. Nothing was charged.", poll: false, payable: false };
    case "partially_cancelled":
      return {
        tone: "paid",
        icon: "↺",
        title: "Partly refunded",
        message: `${krw(p.cancelled_amount)} of ${krw(p.amount)} was refunded; ${krw(p.amount - p.cancelled_amount)} remains paid.`,
        poll: false,
        payable: false,
      };
    case "ready":
      if (p.imp_uid) {
        return {
          tone: "pending",
          icon: "…",
          title: "Verifying your payment",
          message: "Iamport reported a payment for this order. pocketpay is confirming it with Iamport; this page updates by itself.",
          poll: true,
          payable: false,
        };
      }
      if (hint) {
        const closed = hint.code === "F0005";
        return {
          tone: "pending",
          icon: "!",
          title: closed ? "Payment window closed" : "Payment not completed",
          message: `${closed ? "The payment window was closed before paying." : "The payment was not completed."} Nothing was charged, and your order is still open: pay again, or cancel it.`,
          poll: false,
          payable: true,
        };
      }
      return {
        tone: "neutral",
        icon: "₩",
        title: "Awaiting payment",
        message: "This order has not been paid yet. Pay now, or cancel it.",
        poll: false,
        payable: true,
      };
  }
}

export interface PaymentPageView {
  user: UserRow;
  admin: boolean;
  payment: PaymentJson;
  events: EventJson[];
  refunds: RefundJson[];
  hint: WindowHint | null;
  /** IMP.request_pay's parameters for paying this order again (ready, unpaid orders only). */
  checkout: unknown;
  sdkUrl: string;
}

export function PaymentPage(v: PaymentPageView) {
  const p = v.payment;
  const o = outcomeOf(p, v.hint);
  const payable = o.payable && v.checkout !== null;
  const retry = `/checkout?${new URLSearchParams({ name: p.name, amount: String(p.amount) })}`;
  return (
    <Layout title={o.title} user={v.user} admin={v.admin} nav="history" sdkUrl={payable ? v.sdkUrl : undefined}>
      <p>
        <a href="/payments">← Payment history</a>
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
            The payment window said: <q>{v.hint.message}</q>
          </p>
        ) : null}
        {o.poll ? (
          <p class="note" data-slow hidden>
            This is taking longer than usual. Iamport may be slow to answer; pocketpay keeps checking, and you can leave this
            page and come back later.
          </p>
        ) : null}
        {payable ? (
          <div class="actions">
            <button type="button" class="primary" data-pay-again>{`Pay ${krw(p.amount)}`}</button>
            <button type="button" class="danger" data-cancel-order>
              Cancel order
            </button>
          </div>
        ) : null}
        {p.status === "failed" ? (
          <div class="actions">
            <a class="button primary" href={retry}>
              Try again
            </a>
          </div>
        ) : null}
        <p role="status" aria-live="polite" data-live></p>
        <Summary payment={p} />
      </section>
      <Timeline payment={p} events={v.events} />
      <Refunds refunds={v.refunds} />
    </Layout>
  );
}

export function MessagePage(v: { user: UserRow | null; admin?: boolean; title: string; message: string }) {
  return (
    <Layout title={v.title} user={v.user} admin={v.admin}>
      <h1>{v.title}</h1>
      <p class="lead">{v.message}</p>
      <p>
        <a href={v.user ? "/payments" : "/login"}>{v.user ? "Go to your payment history" : "Log in"}</a>
      </p>
    </Layout>
  );
}
