import { env } from "cloudflare:workers";
import { completeAttempt, completePayment } from "../../src/services/complete-payment";
import type { Deps } from "../../src/services/deps";
import { call, type TestUser } from "./http";
import { sendWebhook } from "./orders";
import { paymentEvent, sendPortone, signed } from "./portone-webhooks";
import { onV2 } from "./gateway-under-test";
import { v2, v2Pay, v2Webhooks } from "./portone-sandbox";
import { consoleCancel as v1ConsoleCancel, fault, inspect, pay, resendWebhook as v1Resend, webhooksFor, type WebhookMode } from "./sandbox";

// The buyer's and the gateway's steps, for the gateway this vitest pass runs against (gateway-under-test.ts): the
// same test reads the same on Iamport V1 and PortOne V2, and each step goes to that gateway's sandbox in its own
// words (V1 imp_uid and form posts; V2 paymentId, txId and signed webhooks).

/** One attempt in the payment window, as the browser sees it. */
export interface Attempt {
  success: boolean;
  /** The gateway's id of the attempt: V1 imp_uid, V2 txId (= transactionId). */
  gatewayId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** The buyer pays (or is declined) in the window; the sandbox then sends the webhook as planned. */
export async function payInWindow(a: {
  merchant_uid: string;
  amount: number;
  outcome?: "paid" | "failed";
  webhook?: WebhookMode;
  /** Pays `amount` although the order pre-registered another (a tampered page): both sandboxes' skip_prepare_check. */
  tampered?: boolean;
}): Promise<Attempt> {
  const outcome = a.outcome ?? "paid";
  const options = { ...(a.webhook ? { webhook: a.webhook } : {}), ...(a.tampered ? { skip_prepare_check: true } : {}) };
  if (onV2) {
    const r = await v2Pay({ payment_id: a.merchant_uid, amount: a.amount, outcome, ...options });
    return { success: !r.code, gatewayId: r.txId ?? null, errorCode: r.code ?? null, errorMessage: r.message ?? null };
  }
  const r = await pay({ merchant_uid: a.merchant_uid, amount: a.amount, outcome, ...options });
  return { success: r.success, gatewayId: r.imp_uid, errorCode: r.error_code, errorMessage: r.error_msg };
}

/** What the page posts to `complete` after the window: V1 `{imp_uid}`, V2 `{payment_id, tx_id}`. */
export const reportBody = (merchantUid: string, gatewayId: string): Record<string, string> =>
  onV2 ? { payment_id: merchantUid, tx_id: gatewayId } : { imp_uid: gatewayId };

/** The other gateway's body: what a page built for the wrong gateway would post. */
export const foreignReportBody = (merchantUid: string, gatewayId: string): Record<string, string> =>
  onV2 ? { imp_uid: gatewayId } : { payment_id: merchantUid, tx_id: gatewayId };

/** The gateway-neutral `complete` (the browser's report), with an optional `?wait=`. */
export const report = (user: TestUser, merchantUid: string, gatewayId: string, wait?: number) =>
  call("POST", `/api/payments/${merchantUid}/complete${wait !== undefined ? `?wait=${wait}` : ""}`, {
    token: user.token,
    body: reportBody(merchantUid, gatewayId),
  });

/** The browser's report as the `complete` route hands it to its service (V1 completePayment, V2 completeAttempt). */
export const reportThrough = (deps: Deps, a: { userId: string; merchantUid: string; gatewayId: string }) =>
  onV2
    ? completeAttempt(deps, { userId: a.userId, merchantUid: a.merchantUid, txId: a.gatewayId, source: "browser" })
    : completePayment(deps, { userId: a.userId, merchantUid: a.merchantUid, impUid: a.gatewayId, source: "browser" });

export type GatewayStatus = "ready" | "paid" | "cancelled" | "failed";

const V2_STATUS: Record<string, GatewayStatus> = {
  READY: "ready",
  PENDING: "ready",
  VIRTUAL_ACCOUNT_ISSUED: "ready",
  PAID: "paid",
  PARTIAL_CANCELLED: "paid",
  CANCELLED: "cancelled",
  FAILED: "failed",
};

/** The payment as the gateway holds it (V1's words), for asserting that money moved as it should. */
export async function atGateway(
  merchantUid: string,
  gatewayId: string,
): Promise<{ status: GatewayStatus; amount: number; cancelledAmount: number; cancels: number[] }> {
  if (onV2) {
    const p = (await v2("GET", `/__control/payments/${encodeURIComponent(merchantUid)}`)).json.payment;
    const cancels = ((p.cancellations ?? []) as { status?: string; totalAmount: number }[]).filter((c) => c.status !== "FAILED").map((c) => c.totalAmount);
    return { status: V2_STATUS[p.status]!, amount: p.amount.total, cancelledAmount: p.amount.cancelled ?? 0, cancels };
  }
  const p = await inspect(gatewayId);
  const cancels = ((p.cancel_history ?? []) as { amount: number }[]).map((c) => c.amount);
  return { status: p.status, amount: p.amount, cancelledAmount: p.cancel_amount ?? 0, cancels };
}

/** Makes the gateway's next `times` cancels of this payment fail (V1 POST /payments/cancel, V2 POST /payments/{paymentId}/cancel). */
export async function cancelFault(a: {
  merchant_uid: string;
  gatewayId: string;
  kind: "http_500" | "timeout" | "code_error";
  times?: number;
  latency_ms?: number;
  processed?: boolean;
}) {
  const { merchant_uid, gatewayId, ...rest } = a;
  if (onV2) {
    const r = await v2("POST", "/__control/faults", { path: `/payments/${encodeURIComponent(merchant_uid)}/cancel`, method: "POST", ...rest });
    if (r.status !== 201) throw new Error(`V2 fault answered ${r.status}: ${r.text.slice(0, 200)}`);
    return r.json;
  }
  return fault({ path: "/payments/cancel", match: gatewayId, ...rest });
}

/** The console's "send the webhook again" for the payment's current state; `duplicates` concurrent copies. */
export async function resendWebhook(a: { merchant_uid: string; gatewayId: string; duplicates?: number }) {
  if (onV2) return (await v2("POST", "/__control/webhook", { payment_id: a.merchant_uid, ...(a.duplicates ? { duplicates: a.duplicates } : {}) })).json;
  return v1Resend({ imp_uid: a.gatewayId, ...(a.duplicates ? { duplicates: a.duplicates } : {}) });
}

/** Whether the gateway's webhooks for this payment have reached the app (answered 2xx). */
export async function webhookDelivered(merchantUid: string): Promise<boolean> {
  if (onV2) return (await v2Webhooks({ payment_id: merchantUid })).some((w) => w.status === "delivered");
  return (await webhooksFor(merchantUid)).some((w) => w.outcome === "delivered");
}

/** A cancel made in the gateway's console, outside pocketpay (the whole balance unless `amount`). */
export async function consoleCancel(a: { merchant_uid: string; gatewayId: string; amount?: number; webhook?: boolean }) {
  if (onV2) {
    const r = await v2("POST", "/__control/cancel", {
      payment_id: a.merchant_uid,
      ...(a.amount !== undefined ? { amount: a.amount } : {}),
      ...(a.webhook !== undefined ? { webhook: a.webhook } : {}),
    });
    if (r.status !== 200) throw new Error(`console cancel answered ${r.status}: ${r.text.slice(0, 200)}`);
    return r.json;
  }
  return v1ConsoleCancel({ imp_uid: a.gatewayId, ...(a.amount !== undefined ? { amount: a.amount } : {}), ...(a.webhook !== undefined ? { webhook: a.webhook } : {}) });
}

/** The query a redirection window brings the buyer back with (V1 m_redirect_url, V2 redirectUrl), after an attempt. */
export function returnQuery(merchantUid: string, attempt: Attempt, gateway: "own" | "foreign" = "own"): Record<string, string> {
  const v2Words = (gateway === "own") === onV2;
  if (v2Words) {
    return {
      paymentId: merchantUid,
      transactionType: "PAYMENT",
      ...(attempt.gatewayId ? { txId: attempt.gatewayId } : {}),
      ...(attempt.success ? {} : { code: attempt.errorCode ?? "FAILURE_TYPE_PG", message: attempt.errorMessage ?? "" }),
    };
  }
  return {
    merchant_uid: merchantUid,
    imp_success: String(attempt.success),
    ...(attempt.gatewayId ? { imp_uid: attempt.gatewayId } : {}),
    ...(attempt.success ? {} : { error_code: attempt.errorCode ?? "F0005", error_msg: attempt.errorMessage ?? "" }),
  };
}

const V2_EVENT = { paid: "Transaction.Paid", failed: "Transaction.Failed", cancelled: "Transaction.Cancelled" } as const;

/**
 * A webhook for the payment, as the gateway (or someone pretending to be it) sends it straight to the app: V1's
 * unsigned JSON to /webhooks/iamport, or V2's signed event to /webhooks/portone (a new webhook-id each time).
 */
export async function sendHint(merchantUid: string, gatewayId: string, status: keyof typeof V2_EVENT) {
  if (onV2) return sendPortone(await signed(paymentEvent(V2_EVENT[status], merchantUid, { transactionId: gatewayId })));
  return sendWebhook({ imp_uid: gatewayId, merchant_uid: merchantUid, status });
}

/**
 * The queue message the gateway's webhook route sends for a payment (without its inbox row): V1 names the imp_uid
 * and the order, V2 the paymentId only (the lookup asks for the order's newest attempt).
 */
export const webhookMessage = (merchantUid: string, gatewayId: string, hintStatus?: string) => ({
  ...(onV2 ? {} : { imp_uid: gatewayId }),
  merchant_uid: merchantUid,
  source: "webhook" as const,
  ...(hintStatus ? { hint_status: hintStatus } : {}),
});

/**
 * A webhook delivery stored in the inbox as the gateway's webhook route stores it, but (as if its queue message were
 * lost) never processed: V1's row names the imp_uid and the order; V2's is keyed by its webhook-id and names the
 * paymentId only, with the signed notification as its body. Answers the inbox id.
 */
export async function storedDelivery(merchantUid: string, gatewayId: string): Promise<number> {
  const [impUid, webhookId, status, body] = onV2
    ? [null, `msg_${crypto.randomUUID().replaceAll("-", "")}`, V2_EVENT.paid, JSON.stringify(paymentEvent(V2_EVENT.paid, merchantUid, { transactionId: gatewayId }))]
    : [gatewayId, null, "paid", JSON.stringify({ imp_uid: gatewayId, merchant_uid: merchantUid, status: "paid" })];
  const row = await env.DB.prepare(
    "INSERT INTO webhook_inbox (received_at, body, imp_uid, merchant_uid, status, valid, webhook_id) VALUES (?, ?, ?, ?, ?, 1, ?) RETURNING id",
  )
    .bind(Date.now(), body, impUid, merchantUid, status, webhookId)
    .first<{ id: number }>();
  return row!.id;
}

/**
 * How many inbox rows `n` copies of one sandbox webhook leave: V1 stores every copy; V2 stores a webhook-id once
 * (its copies and retries carry the same id).
 */
export const storedCopies = (n: number) => (onV2 ? 1 : n);

/** Makes the gateway's next `times` lookups of this payment fail (V1 GET /payments/{imp_uid}, V2 GET /payments/{paymentId}). */
export async function lookupFault(a: {
  merchant_uid: string;
  gatewayId: string;
  kind: "http_500" | "timeout" | "malformed";
  times?: number;
  latency_ms?: number;
}) {
  const { merchant_uid, gatewayId, ...rest } = a;
  if (onV2) {
    const r = await v2("POST", "/__control/faults", { path: `/payments/${encodeURIComponent(merchant_uid)}`, method: "GET", ...rest });
    if (r.status !== 201) throw new Error(`V2 fault answered ${r.status}: ${r.text.slice(0, 200)}`);
    return r.json;
  }
  return fault({ path: `/payments/${gatewayId}`, method: "GET", ...rest });
}
