import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowMs } from "../clock";
import { deleteCustomer, getCustomer, type Customer } from "../db/customers";
import { pageByCustomer } from "../db/payments";
import { envelopeError, IamportError, MSG, ok } from "../envelope";
import { optStr, parse, readBody, reqStr } from "../input";
import { logInfo } from "../log";
import { pageOf, readPage, sliceOf } from "../paging";
import { publicPayment } from "../payment";
import { issueKey } from "../services/billing-keys";

/** Billing keys: /subscribe/customers (schema tag subscribe.customer). */
export const customers = new Hono<AppEnv>();

const CustomerFields = {
  customer_id: optStr(100),
  customer_name: optStr(20),
  customer_tel: optStr(20),
  customer_email: optStr(200),
  customer_addr: optStr(200),
  customer_postcode: optStr(8),
};

const CustomerBody = z.object({
  card_number: reqStr(30),
  expiry: reqStr(10),
  birth: optStr(10),
  pwd_2digit: optStr(2),
  cvc: optStr(4),
  pg: optStr(80),
  ...CustomerFields,
});

const notRegistered = (uid: string) =>
  new IamportError(404, -1, `요청하신 customer_uid(${uid})로 등록된 정보를 찾을 수 없습니다.`);

customers.post("/subscribe/customers/:customer_uid", async (c) => {
  const uid = c.req.param("customer_uid");
  if (uid.length > 80) throw new IamportError(400, -1, "customer_uid는 80자 이내여야 합니다.");
  const b = parse(CustomerBody, await readBody(c));
  const issued = await issueKey(c.env.SANDBOX_DB, await nowMs(c), uid, b);
  // The card company's refusal: HTTP 200, code -1 (PY tests/test_pay_onetime.py).
  if (!issued.ok) return envelopeError(c, 200, -1, issued.message);
  return ok(c, issued.customer);
});

// GET /subscribe/customers?customer_uid[]=a&customer_uid[]=b — 200 all found, 207 some, 404 none
// (schema: customer_view_multiple, 404 "유효하지 않은 customer_uid").
customers.get("/subscribe/customers", async (c) => {
  const uids = [...(c.req.queries("customer_uid[]") ?? []), ...(c.req.queries("customer_uid") ?? [])];
  if (uids.length === 0) throw new IamportError(400, -1, "customer_uid[] 파라메터가 누락되었습니다.");
  if (uids.length > 100) throw new IamportError(400, -1, "한 번에 최대 100건까지 조회할 수 있습니다.");
  const found: Customer[] = [];
  for (const uid of uids) {
    const customer = await getCustomer(c.env.SANDBOX_DB, uid);
    if (customer) found.push(customer);
  }
  if (found.length === 0) {
    logInfo("customers_not_found", { customer_uid: uids });
    throw new IamportError(404, -1, MSG.customersNotFound);
  }
  return ok(c, found, found.length === uids.length ? 200 : 207);
});

customers.get("/subscribe/customers/:customer_uid", async (c) => {
  const uid = c.req.param("customer_uid");
  const customer = await getCustomer(c.env.SANDBOX_DB, uid);
  if (!customer) throw notRegistered(uid);
  return ok(c, customer);
});

customers.delete("/subscribe/customers/:customer_uid", async (c) => {
  const uid = c.req.param("customer_uid");
  const customer = await getCustomer(c.env.SANDBOX_DB, uid);
  if (!customer || !(await deleteCustomer(c.env.SANDBOX_DB, uid))) throw notRegistered(uid);
  return ok(c, customer);
});

// GET /subscribe/customers/{customer_uid}/payments?page — PagedPayments, 20 a page (schema: customer_payments).
customers.get("/subscribe/customers/:customer_uid/payments", async (c) => {
  const uid = c.req.param("customer_uid");
  const page = readPage(c.req.query(), false);
  if (!(await getCustomer(c.env.SANDBOX_DB, uid))) throw notRegistered(uid);
  const { total, list } = await pageByCustomer(c.env.SANDBOX_DB, uid, sliceOf(page));
  return ok(c, pageOf(page, total, list.map(publicPayment)));
});
