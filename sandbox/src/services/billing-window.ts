import type { Env } from "../env";
import { checkCard } from "../cards";
import { insertPaymentUnlessPaid } from "../db/payments";
import { newImpUid } from "../ids";
import { logInfo } from "../log";
import { callbackFromPayment, newPayment, preFailure, SDK_ERRORS, type CallbackPayload, type NewPayment } from "../payment";
import { BILLING_PG, issueKey } from "./billing-keys";
import { precheck } from "./checkout";

/** What `IMP.request_pay({customer_uid, ...})` asks for, plus the card the buyer typed into the window. */
export interface KeyRegistration {
  merchantUid: string;
  customerUid: string;
  /** Shown in the window only: a KG Inicis billing window approves nothing (iamport-v1.md §6.4). */
  amount: number;
  currency: string;
  name: string | null;
  /** `html5_inicis` or `html5_inicis.{MID}`; the MID becomes the key's pg_id. */
  pg: string | null;
  buyer: NonNullable<NewPayment["buyer"]>;
  customData: string | null;
  userAgent: string | null;
  channel: "pc" | "mobile";
  card: { card_number: string; expiry: string };
}

/** The billing channel named by `pg`, or why the window cannot open on it (only KG Inicis billing is emulated). */
export function billingChannel(pg: string | null | undefined): { ok: true; pgId: string } | { ok: false } {
  if (pg === null || pg === undefined || pg === "") return { ok: true, pgId: BILLING_PG.pg_id };
  const [provider, mid, ...rest] = pg.split(".");
  if (provider !== BILLING_PG.pg_provider || rest.length > 0 || mid === "") return { ok: false };
  return { ok: true, pgId: mid ?? BILLING_PG.pg_id };
}

/**
 * The buyer registers a card in the billing-key window. The card company checks it (test cards ending 0002 are
 * refused, 0051 registers but every charge declines); on success the key is stored under customer_uid (re-pointing
 * it if it existed, as Iamport does) and a record of the issuance is kept: a Payment with
 * `customer_uid_usage: "issue"`, status `paid` and amount 0, since nothing was approved (sandbox choice, see
 * sandbox/README.md). No webhook is sent for it. A refused card stores nothing and answers F0007.
 */
export async function registerKey(env: Env, nowMs: number, req: KeyRegistration): Promise<CallbackPayload> {
  const channel = billingChannel(req.pg);
  if (!channel.ok) {
    return preFailure(req.merchantUid, SDK_ERRORS.badParams.code, `${SDK_ERRORS.badParams.msg} (pg)`);
  }
  // Only the "already paid" check applies: the amount is not charged, so nothing pre-registered is compared.
  const refused = await precheck(env.SANDBOX_DB, req, true);
  if (refused) return refused;
  const checked = checkCard(req.card.card_number, req.card.expiry, nowMs);
  if (!checked.ok) {
    logInfo("billing_key_refused", { merchant_uid: req.merchantUid, customer_uid: req.customerUid });
    return preFailure(req.merchantUid, SDK_ERRORS.billingKeyRefused.code, checked.message);
  }
  const record = newPayment({
    impUid: newImpUid(),
    merchantUid: req.merchantUid,
    amount: 0,
    currency: req.currency,
    status: "paid",
    nowMs,
    name: req.name,
    channel: req.channel,
    buyer: req.buyer,
    customData: req.customData,
    userAgent: req.userAgent,
    card: checked.card,
    customerUid: req.customerUid,
    usage: "issue",
    pgId: channel.pgId,
  });
  // Nothing was approved, so there is no approval number or receipt.
  const issuance = { ...record, apply_num: null, receipt_url: null };
  if (!(await insertPaymentUnlessPaid(env.SANDBOX_DB, issuance, "json"))) {
    return preFailure(req.merchantUid, SDK_ERRORS.alreadyPaid.code, SDK_ERRORS.alreadyPaid.msg);
  }
  const issued = await issueKey(env.SANDBOX_DB, nowMs, req.customerUid, {
    ...req.card,
    pg_id: channel.pgId,
    customer_name: req.buyer.buyer_name ?? undefined,
    customer_email: req.buyer.buyer_email ?? undefined,
    customer_tel: req.buyer.buyer_tel ?? undefined,
    customer_addr: req.buyer.buyer_addr ?? undefined,
    customer_postcode: req.buyer.buyer_postcode ?? undefined,
  });
  // checkCard above already accepted this card as of the same instant, so issueKey cannot refuse it.
  if (!issued.ok) return preFailure(req.merchantUid, SDK_ERRORS.billingKeyRefused.code, issued.message);
  return { ...callbackFromPayment(issuance), pg_type: "billing" };
}
