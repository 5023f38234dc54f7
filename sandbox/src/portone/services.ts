import type { Background, Env } from "../env";
import { checkCard } from "../cards";
import { logInfo } from "../log";
import { DEFAULT_CARD } from "../payment";
import {
  deleteBillingKey,
  getBillingKey,
  getPreRegistration,
  getV2Payment,
  insertBillingKey,
  storeAttempt,
  updatePayment,
  type StoredBillingKey,
} from "./db";
import { DECLINE, MERCHANT_ID } from "./env";
import { PortOneError, V2_MSG } from "./errors";
import {
  applyCancel,
  cardOf,
  channelFor,
  iso,
  newAttempt,
  TAKEN_STATUSES,
  type V2BillingKey,
  type V2Cancellation,
  type V2Customer,
  type V2Payment,
} from "./model";
import { sendV2Webhook, type WebhookPlan } from "./webhooks";

// The V2 sandbox's use cases, shared by the REST routes, the payment window and the control routes. They throw
// PortOneError (V2's refusals) and send webhooks on every status change.

/** A storeId other than the sandbox's is refused like a store the secret has no access to. */
export function checkStore(env: Env, storeId: string | undefined): void {
  if (storeId !== undefined && storeId !== env.SANDBOX_PORTONE_STORE_ID) throw new PortOneError("FORBIDDEN", V2_MSG.forbidden);
}

const transactionEvent = (p: V2Payment) => ({ paymentId: p.id, storeId: p.storeId, transactionId: p.transactionId });

// --- window payments ---------------------------------------------------------------------------------------------

/** What PortOne.requestPayment resolves with (browser-sdk PaymentResponse); `code` is present only on failure. */
export interface PaymentSdkResponse {
  transactionType: "PAYMENT";
  paymentId: string;
  txId?: string;
  code?: string;
  message?: string;
  pgCode?: string;
  pgMessage?: string;
}

/** The sandbox's failure codes (the SDK's public types give `code` as a string; these values are the sandbox's). */
export const SDK_CODES = {
  /** The PG refused: a declined card, or the buyer closed the window. */
  pg: "FAILURE_TYPE_PG",
  /** Refused before the window did anything: bad parameters, wrong store or channel, amount not as pre-registered, already paid. */
  process: "FAILURE_TYPE_PROCESS",
} as const;

export const sdkFailure = (paymentId: string, message: string, code: string = SDK_CODES.process, pg?: { pgCode: string; pgMessage: string }): PaymentSdkResponse => ({
  transactionType: "PAYMENT",
  paymentId,
  code,
  message,
  ...(pg ?? {}),
});

export interface WindowOrder {
  storeId: string;
  channelKey: string;
  paymentId: string;
  orderName: string;
  totalAmount: number;
  taxFreeAmount?: number;
  currency: string;
  customer: V2Customer;
  customData?: string;
  /** The request's noticeUrls[0]: this payment's webhooks go there. */
  noticeUrl?: string;
}

/**
 * Checks made before the window shows anything (and again when the buyer acts): null when the order may proceed.
 * `skipPrepareCheck` (control route only, as V1's `skip_prepare_check`): the pre-registered amount and currency are
 * not compared, so a test can pay another amount than the order's, as a tampered page would.
 */
export async function precheckOrder(env: Env, o: WindowOrder, skipPrepareCheck = false): Promise<PaymentSdkResponse | null> {
  if (o.storeId !== env.SANDBOX_PORTONE_STORE_ID) return sdkFailure(o.paymentId, "상점 아이디(storeId)가 올바르지 않습니다.");
  if (o.channelKey !== env.SANDBOX_PORTONE_CHANNEL_KEY) return sdkFailure(o.paymentId, "채널 키(channelKey)가 올바르지 않습니다.");
  const existing = await getV2Payment(env.SANDBOX_DB, o.paymentId);
  if (existing && TAKEN_STATUSES.includes(existing.payment.status)) return sdkFailure(o.paymentId, V2_MSG.alreadyPaid);
  const pre = skipPrepareCheck ? null : await getPreRegistration(env.SANDBOX_DB, o.paymentId);
  if (pre) {
    if (pre.total_amount !== null && pre.total_amount !== o.totalAmount) {
      logInfo("portone_amount_mismatch", { paymentId: o.paymentId, preRegistered: pre.total_amount, requested: o.totalAmount });
      return sdkFailure(o.paymentId, "사전 등록된 결제 금액과 요청 금액이 일치하지 않습니다.");
    }
    if (pre.currency !== null && pre.currency !== o.currency) return sdkFailure(o.paymentId, "사전 등록된 통화와 요청 통화가 일치하지 않습니다.");
  }
  return null;
}

/**
 * The buyer acts in the payment window: approve (PAID), decline (FAILED, as a limit refusal) or close (nothing is
 * stored). Answers what the SDK's promise resolves with.
 */
export async function windowPay(
  env: Env,
  ctx: Background,
  nowMs: number,
  o: WindowOrder,
  outcome: "paid" | "failed" | "closed",
  plan: WebhookPlan = "once",
  skipPrepareCheck = false,
): Promise<PaymentSdkResponse> {
  const refused = await precheckOrder(env, o, skipPrepareCheck);
  if (refused) return refused;
  if (outcome === "closed") {
    return sdkFailure(o.paymentId, "사용자가 결제를 취소하였습니다.", SDK_CODES.pg, { pgCode: "USER_CANCEL", pgMessage: "사용자가 결제를 취소하였습니다." });
  }
  const payment = newAttempt({
    paymentId: o.paymentId,
    storeId: o.storeId,
    channel: channelFor(o.channelKey, false),
    orderName: o.orderName,
    total: o.totalAmount,
    taxFree: o.taxFreeAmount,
    currency: o.currency,
    customer: o.customer,
    customData: o.customData,
    card: DEFAULT_CARD,
    nowMs,
    failure: outcome === "failed" ? { reason: `[${DECLINE.pgCode}] ${DECLINE.pgMessage}`, ...DECLINE } : undefined,
  });
  // The precheck and this write may race another attempt: the write itself decides.
  if (!(await storeAttempt(env.SANDBOX_DB, payment, o.noticeUrl ?? null))) return sdkFailure(o.paymentId, V2_MSG.alreadyPaid);
  const type = payment.status === "PAID" ? "Transaction.Paid" : "Transaction.Failed";
  await sendV2Webhook(env, ctx, nowMs, { type, data: transactionEvent(payment) }, plan, o.noticeUrl ?? null);
  if (payment.status === "FAILED") {
    return { ...sdkFailure(o.paymentId, payment.failure!.reason, SDK_CODES.pg, DECLINE), txId: payment.transactionId };
  }
  return { transactionType: "PAYMENT", paymentId: o.paymentId, txId: payment.transactionId };
}

// --- billing keys ------------------------------------------------------------------------------------------------

/** What PortOne.requestIssueBillingKey resolves with (browser-sdk IssueBillingKeyResponse). */
export interface IssueBillingKeySdkResponse {
  transactionType: "ISSUE_BILLING_KEY";
  billingKey?: string;
  code?: string;
  message?: string;
  pgCode?: string;
  pgMessage?: string;
}

export interface IssueRequest {
  storeId: string;
  channelKey: string;
  cardNumber: string;
  expiry: string;
  customer: V2Customer;
  issueId?: string;
  issueName?: string;
  customData?: string;
  /** "none": this key's charges send no webhook (control route only; the SDK's window always issues "once"). */
  chargeWebhooks?: "once" | "none";
}

/** The buyer registers a card in the billing-key window: the same test cards as V1 (0002 refused, 0051 declines later). */
export async function issueBillingKey(env: Env, ctx: Background, nowMs: number, r: IssueRequest): Promise<IssueBillingKeySdkResponse> {
  const fail = (message: string, code: string = SDK_CODES.process, pg?: { pgCode: string; pgMessage: string }): IssueBillingKeySdkResponse => ({
    transactionType: "ISSUE_BILLING_KEY",
    code,
    message,
    ...(pg ?? {}),
  });
  if (r.storeId !== env.SANDBOX_PORTONE_STORE_ID) return fail("상점 아이디(storeId)가 올바르지 않습니다.");
  if (r.channelKey !== env.SANDBOX_PORTONE_CHANNEL_KEY) return fail("채널 키(channelKey)가 올바르지 않습니다.");
  const check = checkCard(r.cardNumber, r.expiry, nowMs);
  if (!check.ok) return fail(check.message, SDK_CODES.pg, { pgCode: "CARD_REFUSED", pgMessage: check.message });
  const now = iso(nowMs);
  const info: V2BillingKey = {
    billingKey: "billing-key-" + crypto.randomUUID(),
    merchantId: MERCHANT_ID,
    storeId: r.storeId,
    methods: [{ type: "BillingKeyPaymentMethodCard", card: cardOf(check.card) }],
    channels: [channelFor(r.channelKey, true)],
    customer: r.customer,
    ...(r.customData !== undefined ? { customData: r.customData } : {}),
    ...(r.issueId ? { issueId: r.issueId } : {}),
    ...(r.issueName ? { issueName: r.issueName } : {}),
    requestedAt: now,
    issuedAt: now,
  };
  await insertBillingKey(env.SANDBOX_DB, info, check.declines, nowMs, r.chargeWebhooks);
  await sendV2Webhook(env, ctx, nowMs, { type: "BillingKey.Issued", data: { billingKey: info.billingKey, storeId: info.storeId } });
  return { transactionType: "ISSUE_BILLING_KEY", billingKey: info.billingKey };
}

/** GET /billing-keys/{billingKey}: ISSUED, or DELETED with deletedAt. */
export async function billingKeyInfo(env: Env, billingKey: string): Promise<Record<string, unknown>> {
  const key = await getBillingKey(env.SANDBOX_DB, billingKey);
  if (!key) throw new PortOneError("BILLING_KEY_NOT_FOUND", V2_MSG.billingKeyNotFound);
  return keyInfoOf(key);
}

/** A stored key as the API describes it (BillingKeyInfo). */
export const keyInfoOf = (key: StoredBillingKey): Record<string, unknown> =>
  key.status === "DELETED" ? { status: "DELETED", ...key.info, deletedAt: iso(key.deletedAtMs ?? 0) } : { status: "ISSUED", ...key.info };

export async function removeBillingKey(env: Env, ctx: Background, nowMs: number, billingKey: string): Promise<{ deletedAt: string }> {
  const key = await getBillingKey(env.SANDBOX_DB, billingKey);
  if (!key) throw new PortOneError("BILLING_KEY_NOT_FOUND", V2_MSG.billingKeyNotFound);
  if (!(await deleteBillingKey(env.SANDBOX_DB, billingKey, nowMs))) throw new PortOneError("BILLING_KEY_ALREADY_DELETED", V2_MSG.billingKeyDeleted);
  await sendV2Webhook(env, ctx, nowMs, { type: "BillingKey.Deleted", data: { billingKey, storeId: key.info.storeId } });
  return { deletedAt: iso(nowMs) };
}

export interface ChargeRequest {
  paymentId: string;
  storeId: string;
  billingKey: string;
  orderName: string;
  total: number;
  taxFree?: number;
  currency: string;
  customer?: V2Customer;
  customData?: string;
  noticeUrl?: string;
}

/**
 * POST /payments/{paymentId}/billing-key. A paymentId already paid is ALREADY_PAID and charges nothing (what makes a
 * renewal idempotent); a decline is recorded FAILED (webhook Transaction.Failed) and answered 502 PG_PROVIDER.
 */
export async function chargeBillingKey(env: Env, ctx: Background, nowMs: number, r: ChargeRequest): Promise<{ pgTxId: string; paidAt: string }> {
  const key = await getBillingKey(env.SANDBOX_DB, r.billingKey);
  if (!key) throw new PortOneError("BILLING_KEY_NOT_FOUND", V2_MSG.billingKeyNotFound);
  if (key.status === "DELETED") throw new PortOneError("BILLING_KEY_ALREADY_DELETED", V2_MSG.billingKeyDeleted);
  const existing = await getV2Payment(env.SANDBOX_DB, r.paymentId);
  if (existing && TAKEN_STATUSES.includes(existing.payment.status)) throw new PortOneError("ALREADY_PAID", V2_MSG.alreadyPaid);
  const card = key.info.methods[0]?.card;
  const payment = newAttempt({
    paymentId: r.paymentId,
    storeId: r.storeId,
    channel: key.info.channels[0] ?? channelFor(env.SANDBOX_PORTONE_CHANNEL_KEY, true),
    orderName: r.orderName,
    total: r.total,
    taxFree: r.taxFree,
    currency: r.currency,
    customer: r.customer ?? key.info.customer,
    customData: r.customData,
    card: card ? { card_code: card.issuer, card_name: card.name, card_number: card.number, card_type: 0 } : DEFAULT_CARD,
    billingKey: r.billingKey,
    nowMs,
    failure: key.declines ? { reason: `[${DECLINE.pgCode}] ${DECLINE.pgMessage}`, ...DECLINE } : undefined,
  });
  if (!(await storeAttempt(env.SANDBOX_DB, payment, r.noticeUrl ?? null))) throw new PortOneError("ALREADY_PAID", V2_MSG.alreadyPaid);
  const type = payment.status === "PAID" ? "Transaction.Paid" : "Transaction.Failed";
  await sendV2Webhook(env, ctx, nowMs, { type, data: transactionEvent(payment) }, key.chargeWebhooks, r.noticeUrl ?? null);
  if (payment.status === "FAILED") {
    throw new PortOneError("PG_PROVIDER", payment.failure!.reason, { pgCode: DECLINE.pgCode, pgMessage: DECLINE.pgMessage });
  }
  return { pgTxId: payment.pgTxId!, paidAt: payment.paidAt! };
}

// --- cancels -----------------------------------------------------------------------------------------------------

export interface CancelRequest {
  paymentId: string;
  /** Absent: the whole remaining balance. */
  amount?: number;
  taxFreeAmount?: number;
  vatAmount?: number;
  reason: string;
  /** The balance the caller believes is left; refused when it differs (CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN). */
  currentCancellableAmount?: number;
  skipWebhook?: boolean;
  trigger: V2Cancellation["trigger"];
}

/** POST /payments/{paymentId}/cancel, and a console cancel. Compare-and-set on the payment's version, retried on a race. */
export async function cancelV2Payment(
  env: Env,
  ctx: Background,
  nowMs: number,
  r: CancelRequest,
): Promise<{ cancellation: V2Cancellation; payment: V2Payment }> {
  for (let tries = 0; tries < 5; tries++) {
    const stored = await getV2Payment(env.SANDBOX_DB, r.paymentId);
    if (!stored) throw new PortOneError("PAYMENT_NOT_FOUND", V2_MSG.paymentNotFound);
    const p = stored.payment;
    if (p.status === "CANCELLED") throw new PortOneError("PAYMENT_ALREADY_CANCELLED", V2_MSG.alreadyCancelled);
    if (p.status !== "PAID" && p.status !== "PARTIAL_CANCELLED") throw new PortOneError("PAYMENT_NOT_PAID", V2_MSG.notPaid);
    const cancellable = p.amount.total - p.amount.cancelled;
    if (r.currentCancellableAmount !== undefined && r.currentCancellableAmount !== cancellable) {
      logInfo("portone_cancel_refused", { paymentId: p.id, reason: `currentCancellableAmount ${r.currentCancellableAmount} != ${cancellable}` });
      throw new PortOneError("CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN", V2_MSG.consistencyBroken);
    }
    const amount = r.amount ?? cancellable;
    if (amount > cancellable) {
      logInfo("portone_cancel_refused", { paymentId: p.id, reason: `amount ${amount} > cancellable ${cancellable}` });
      throw new PortOneError("CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT", V2_MSG.exceedsCancellable);
    }
    const taxFree = r.taxFreeAmount ?? 0;
    if (taxFree > amount) throw new PortOneError("INVALID_REQUEST", "taxFreeAmount 값이 올바르지 않습니다.");
    const result = applyCancel(p, { amount, taxFree, vat: r.vatAmount, reason: r.reason, nowMs, trigger: r.trigger });
    if (!(await updatePayment(env.SANDBOX_DB, result.payment, stored.version))) continue;
    if (!r.skipWebhook) {
      await sendV2Webhook(env, ctx, nowMs, {
        type: result.payment.status === "CANCELLED" ? "Transaction.Cancelled" : "Transaction.PartialCancelled",
        data: { ...transactionEvent(result.payment), cancellationId: result.cancellation.id },
      }, "once", stored.noticeUrl);
    }
    return result;
  }
  throw new Error(`cancel of ${r.paymentId} lost five races in a row`);
}

/** A status-change webhook for the payment as it is now (the console's re-send). */
export function eventFor(p: V2Payment): Parameters<typeof sendV2Webhook>[3] {
  const data = transactionEvent(p);
  const last = p.cancellations?.at(-1);
  switch (p.status) {
    case "PAID":
      return { type: "Transaction.Paid", data };
    case "FAILED":
      return { type: "Transaction.Failed", data };
    case "VIRTUAL_ACCOUNT_ISSUED":
      return { type: "Transaction.VirtualAccountIssued", data };
    case "PARTIAL_CANCELLED":
      return { type: "Transaction.PartialCancelled", data: { ...data, cancellationId: last?.id ?? "" } };
    case "CANCELLED":
      return { type: "Transaction.Cancelled", data: { ...data, cancellationId: last?.id ?? "" } };
    default:
      return { type: "Transaction.Paid", data };
  }
}
