import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowMs } from "../clock";
import { checkCard } from "../cards";
import { getCustomerRow } from "../db/customers";
import { envelopeError, IamportError, MSG, ok } from "../envelope";
import { num, optStr, parse, readBody, reqStr } from "../input";
import { BuyerFields, CustomData, optAmount } from "../fields";
import { logInfo } from "../log";
import { publicPayment } from "../payment";
import { BILLING_PG, issueKey } from "../services/billing-keys";
import { buyerFrom, chargeCard } from "../services/charge-key";

/** Non-authenticated payments: charge a stored key (`/again`) or keyed card data (`/onetime`). */
export const subscribePayments = new Hono<AppEnv>();

const OrderFields = {
  merchant_uid: reqStr(40),
  amount: num.pipe(z.number().positive()),
  currency: optStr(3),
  name: optStr(40),
  ...BuyerFields,
  custom_data: CustomData,
  notice_url: optStr(2000),
  // Accepted and not applied: the sandbox has no installments or tax split.
  card_quota: optAmount(),
  tax_free: optAmount(),
  vat_amount: optAmount(),
};

const OnetimeBody = z.object({
  ...OrderFields,
  card_number: reqStr(30),
  expiry: reqStr(10),
  birth: optStr(10),
  pwd_2digit: optStr(2),
  cvc: optStr(4),
  customer_uid: optStr(80),
  pg: optStr(80),
});

const AgainBody = z.object({ customer_uid: reqStr(80), ...OrderFields });

// POST /subscribe/payments/again (schema: again). The key is looked up before anything else in the body is judged:
// an unknown customer_uid answers `등록되지 않은 구매자입니다.` even without a name (IAMPORTER test/payment.test.js),
// with code -1 (iamport-rest-client-python#19).
subscribePayments.post("/subscribe/payments/again", async (c) => {
  const body = await readBody(c);
  const { customer_uid } = parse(z.object({ customer_uid: reqStr(80) }), body);
  const row = await getCustomerRow(c.env.SANDBOX_DB, customer_uid);
  if (!row) {
    logInfo("unknown_customer", { route: "again", customer_uid });
    return envelopeError(c, 200, -1, MSG.unknownBuyer);
  }
  const b = parse(AgainBody, body);
  // KG Inicis refuses a billing charge without an order name (iamport-rest-client-python PR #27: HTTP 400).
  if (b.name === undefined && row.customer.pg_provider === BILLING_PG.pg_provider) {
    throw new IamportError(400, -1, MSG.inicisNameRequired);
  }
  const payment = await chargeCard(
    c.env,
    c.executionCtx,
    await nowMs(c),
    { customer: row.customer, declines: row.declines, stored: true },
    {
      merchantUid: b.merchant_uid,
      amount: b.amount,
      currency: b.currency ?? "KRW",
      name: b.name ?? null,
      buyer: buyerFrom(b, row.customer),
      customData: b.custom_data ?? null,
      userAgent: c.req.header("user-agent") ?? null,
    },
    "approvals",
  );
  if (!payment) return envelopeError(c, 200, 1, MSG.alreadyPaid);
  return ok(c, publicPayment(payment));
});

// POST /subscribe/payments/onetime (schema: onetime): a keyed card payment; with customer_uid the card is also
// stored as that billing key, its buyer_* kept as the key's customer_* (schema description).
subscribePayments.post("/subscribe/payments/onetime", async (c) => {
  const b = parse(OnetimeBody, await readBody(c));
  const now = await nowMs(c);
  const checked = checkCard(b.card_number, b.expiry, now);
  if (!checked.ok) return envelopeError(c, 200, -1, checked.message);
  const payment = await chargeCard(
    c.env,
    c.executionCtx,
    now,
    {
      customer: { customer_uid: b.customer_uid ?? "", pg_id: BILLING_PG.pg_id, ...checked.card },
      declines: checked.declines,
      stored: b.customer_uid !== undefined,
    },
    {
      merchantUid: b.merchant_uid,
      amount: b.amount,
      currency: b.currency ?? "KRW",
      name: b.name ?? null,
      buyer: buyerFrom(b, null),
      customData: b.custom_data ?? null,
      userAgent: c.req.header("user-agent") ?? null,
    },
    "approvals",
  );
  if (!payment) return envelopeError(c, 200, 1, MSG.alreadyPaid);
  if (b.customer_uid !== undefined) {
    await issueKey(c.env.SANDBOX_DB, now, b.customer_uid, {
      card_number: b.card_number,
      expiry: b.expiry,
      customer_name: b.buyer_name,
      customer_email: b.buyer_email,
      customer_tel: b.buyer_tel,
      customer_addr: b.buyer_addr,
      customer_postcode: b.buyer_postcode,
    });
  }
  return ok(c, publicPayment(payment));
});
