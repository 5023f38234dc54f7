import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowMs, toSec } from "../clock";
import { deleteCustomer, getCustomer, getCustomerRow, upsertCustomer, type Customer } from "../db/customers";
import { insertPaymentUnlessPaid, listByCustomer } from "../db/payments";
import { envelopeError, IamportError, MSG, ok } from "../envelope";
import { newImpUid } from "../ids";
import { num, optStr, parse, readBody } from "../input";
import { newPayment, publicPayment } from "../payment";
import { sendWebhook } from "../webhooks";

export const subscribe = new Hono<AppEnv>();

// Test cards: a number ending in 0002 fails key issuance; one ending in 0051 is issued but every charge is
// declined for its limit. Anything else well-formed works.
const REJECTED_SUFFIX = "0002";
const DECLINED_SUFFIX = "0051";

const CustomerBody = z.object({
  card_number: z.string().min(1),
  expiry: z.string().min(1),
  birth: optStr(10),
  pwd_2digit: optStr(2),
  cvc: optStr(4),
  pg: optStr(80),
  customer_id: optStr(100),
  customer_name: optStr(20),
  customer_tel: optStr(20),
  customer_email: optStr(200),
  customer_addr: optStr(200),
  customer_postcode: optStr(8),
});

function cardBrand(digits: string): { card_code: string; card_name: string } {
  if (digits.startsWith("4")) return { card_code: "366", card_name: "신한카드" };
  if (digits.startsWith("5")) return { card_code: "381", card_name: "KB국민카드" };
  return { card_code: "361", card_name: "BC카드" };
}

/** Masked like Iamport: first 6 digits, stars, last digit (510737*********6). */
const mask = (digits: string): string => digits.slice(0, 6) + "*".repeat(digits.length - 7) + digits.slice(-1);

const notRegistered = (uid: string) =>
  new IamportError(404, -1, `요청하신 customer_uid(${uid})로 등록된 정보를 찾을 수 없습니다.`);

subscribe.post("/subscribe/customers/:customer_uid", async (c) => {
  const uid = c.req.param("customer_uid");
  if (uid.length > 80) throw new IamportError(400, -1, "customer_uid는 80자 이내여야 합니다.");
  const b = parse(CustomerBody, await readBody(c));
  const digits = b.card_number.replace(/[-\s]/g, "");
  const expiry = /^(\d{4})-?(\d{2})$/.exec(b.expiry.trim());
  if (!/^\d{15,16}$/.test(digits) || !expiry || digits.endsWith(REJECTED_SUFFIX)) {
    return envelopeError(c, 200, -1, MSG.cardAuthFailed);
  }
  const now = toSec(await nowMs(c));
  const existing = await getCustomer(c.env.SANDBOX_DB, uid);
  const customer: Customer = {
    customer_uid: uid,
    pg_provider: "html5_inicis",
    pg_id: "INIBillTst",
    sandbox: false,
    customer_id: b.customer_id ?? null,
    ...cardBrand(digits),
    card_issuer_code: null,
    card_issuer_name: null,
    card_publisher_code: null,
    card_publisher_name: null,
    card_number: mask(digits),
    card_type: 0,
    customer_name: b.customer_name ?? null,
    customer_tel: b.customer_tel ?? null,
    customer_email: b.customer_email ?? null,
    customer_addr: b.customer_addr ?? null,
    customer_postcode: b.customer_postcode ?? null,
    inserted: existing?.inserted ?? now,
    updated: now,
  };
  await upsertCustomer(c.env.SANDBOX_DB, customer, digits.endsWith(DECLINED_SUFFIX));
  return ok(c, customer);
});

subscribe.get("/subscribe/customers", async (c) => {
  const uids = [...c.req.queries("customer_uid[]") ?? [], ...c.req.queries("customer_uid") ?? []];
  if (uids.length === 0 || uids.length > 100) throw new IamportError(400, -1, "customer_uid[] 파라메터가 올바르지 않습니다.");
  const found: Customer[] = [];
  for (const uid of uids) {
    const customer = await getCustomer(c.env.SANDBOX_DB, uid);
    if (customer) found.push(customer);
  }
  return ok(c, found, found.length === uids.length ? 200 : 207);
});

subscribe.get("/subscribe/customers/:customer_uid", async (c) => {
  const uid = c.req.param("customer_uid");
  const customer = await getCustomer(c.env.SANDBOX_DB, uid);
  if (!customer) throw notRegistered(uid);
  return ok(c, customer);
});

subscribe.delete("/subscribe/customers/:customer_uid", async (c) => {
  const uid = c.req.param("customer_uid");
  const customer = await getCustomer(c.env.SANDBOX_DB, uid);
  if (!customer || !(await deleteCustomer(c.env.SANDBOX_DB, uid))) throw notRegistered(uid);
  return ok(c, customer);
});

subscribe.get("/subscribe/customers/:customer_uid/payments", async (c) => {
  const uid = c.req.param("customer_uid");
  const page = parse(num.pipe(z.number().int().min(1)).optional(), c.req.query("page")) ?? 1;
  if (!(await getCustomer(c.env.SANDBOX_DB, uid))) throw notRegistered(uid);
  const all = await listByCustomer(c.env.SANDBOX_DB, uid);
  const limit = 20;
  const pages = Math.max(1, Math.ceil(all.length / limit));
  if (page > pages && all.length > 0) throw new IamportError(400, -1, "요청하신 page가 범위를 벗어났습니다.");
  return ok(c, {
    total: all.length,
    previous: page > 1 ? page - 1 : 0,
    next: page < pages ? page + 1 : 0,
    list: all.slice((page - 1) * limit, page * limit).map(publicPayment),
  });
});

const AgainBody = z.object({
  customer_uid: z.string().min(1).max(80),
  merchant_uid: z.string().min(1).max(40),
  amount: num.pipe(z.number().positive()),
  // Inicis billing refuses charges without a name.
  name: z.string().min(1).max(40),
  currency: optStr(3),
  buyer_name: optStr(16),
  buyer_email: optStr(64),
  buyer_tel: optStr(16),
  buyer_addr: optStr(128),
  buyer_postcode: optStr(8),
  custom_data: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
});

subscribe.post("/subscribe/payments/again", async (c) => {
  const b = parse(AgainBody, await readBody(c));
  const row = await getCustomerRow(c.env.SANDBOX_DB, b.customer_uid);
  if (!row) return envelopeError(c, 200, 1, MSG.unknownBuyer);
  const { customer } = row;
  const now = await nowMs(c);
  const payment = newPayment({
    impUid: newImpUid(),
    merchantUid: b.merchant_uid,
    amount: b.amount,
    currency: b.currency ?? "KRW",
    // A decline is still code 0: the card company was reached and said no.
    status: row.declines ? "failed" : "paid",
    nowMs: now,
    name: b.name,
    channel: "api",
    buyer: {
      buyer_name: b.buyer_name ?? customer.customer_name,
      buyer_email: b.buyer_email ?? customer.customer_email,
      buyer_tel: b.buyer_tel ?? customer.customer_tel,
      buyer_addr: b.buyer_addr ?? customer.customer_addr,
      buyer_postcode: b.buyer_postcode ?? customer.customer_postcode,
    },
    customData: typeof b.custom_data === "object" ? JSON.stringify(b.custom_data) : (b.custom_data ?? null),
    userAgent: c.req.header("user-agent") ?? null,
    card: {
      card_code: customer.card_code,
      card_name: customer.card_name,
      card_number: customer.card_number,
      card_type: customer.card_type ?? 0,
    },
    customerUid: customer.customer_uid,
  });
  if (!(await insertPaymentUnlessPaid(c.env.SANDBOX_DB, payment, "json"))) {
    return envelopeError(c, 200, 1, MSG.alreadyPaid);
  }
  if (payment.status === "paid") {
    await sendWebhook(
      c.env,
      c.executionCtx,
      { imp_uid: payment.imp_uid, merchant_uid: payment.merchant_uid, status: "paid" },
      { format: "json", nowMs: now },
    );
  }
  return ok(c, publicPayment(payment));
});
