import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowSec } from "../clock";
import { findByMerchant, getPayment, pageByMerchant, pageByStatus, SORTINGS } from "../db/payments";
import { IamportError, MSG, ok } from "../envelope";
import { int, parse } from "../input";
import { logInfo } from "../log";
import { pageOf, readPage, sliceOf } from "../paging";
import { publicPayment, type Payment, type PaymentStatus } from "../payment";

export const payments = new Hono<AppEnv>();

const STATUSES = ["ready", "paid", "failed", "cancelled"] as const;
const Sorting = z.object({ sorting: z.enum(SORTINGS).optional() });
const readSorting = (c: Context<AppEnv>) => parse(Sorting, { sorting: c.req.query("sorting") }).sorting;

/** A path status: "" or absent means every status (the schema's `default: ""`); anything unknown is a 400. */
function readStatus(raw: string | undefined): PaymentStatus | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!(STATUSES as readonly string[]).includes(raw)) throw new IamportError(400, -1, MSG.badStatus);
  return raw as PaymentStatus;
}

// GET /payments?imp_uid[]=a&merchant_uid[]=b — 200 with all, 207 with the ones found, 404 when none is
// (schema: getPaymentListByImpUid, responses 200/207/404 "해당되는 결제건을 찾지 못하였습니다.").
payments.get("/payments", async (c) => {
  const impUids = [...(c.req.queries("imp_uid[]") ?? []), ...(c.req.queries("imp_uid") ?? [])];
  const merchantUids = [...(c.req.queries("merchant_uid[]") ?? []), ...(c.req.queries("merchant_uid") ?? [])];
  const total = impUids.length + merchantUids.length;
  if (total === 0) throw new IamportError(400, -1, "imp_uid[] 또는 merchant_uid[] 파라메터가 필요합니다.");
  if (total > 100) throw new IamportError(400, -1, "한 번에 최대 100건까지 조회할 수 있습니다.");
  const found: Payment[] = [];
  for (const id of impUids) {
    const p = await getPayment(c.env.SANDBOX_DB, id);
    if (p) found.push(p);
  }
  for (const m of merchantUids) {
    const [p] = await findByMerchant(c.env.SANDBOX_DB, m, undefined);
    if (p) found.push(p);
  }
  if (found.length === 0) {
    logInfo("payments_not_found", { imp_uid: impUids, merchant_uid: merchantUids });
    throw new IamportError(404, -1, MSG.paymentsNotFound);
  }
  return ok(c, found.map(publicPayment), found.length === total ? 200 : 207);
});

// GET /payments/status/{payment_status}?page&limit&from&to&sorting (schema: getPaymentsByStatus): a 90-day window
// (to defaults to now, from to 90 days before to), each payment found by the time of its current status.
const NINETY_DAYS = 90 * 86_400;
const Range = z.object({ from: int.optional(), to: int.optional() });

payments.get("/payments/status/:payment_status", async (c) => {
  const raw = c.req.param("payment_status");
  const status = raw === "all" ? "all" : (readStatus(raw) ?? "all");
  const q = parse(Range, { from: c.req.query("from"), to: c.req.query("to") });
  const to = q.to ?? (await nowSec(c));
  const from = q.from ?? to - NINETY_DAYS;
  if (from > to || to - from > NINETY_DAYS) {
    logInfo("bad_request", { field: "from/to", detail: `window ${from}..${to} is not within 90 days` });
    throw new IamportError(400, -1, "검색기간은 최대 90일까지 지정할 수 있습니다.");
  }
  const sorting = readSorting(c);
  const page = readPage(c.req.query());
  const { total, list } = await pageByStatus(c.env.SANDBOX_DB, status, { from, to }, sorting, sliceOf(page));
  return ok(c, pageOf(page, total, list.map(publicPayment)));
});

// GET /payments/find/{merchant_uid}/{payment_status}: the status segment is optional, and empty means "any"
// (schema: getPaymentByMerchantUid, payment_status default ""), so `/find/m/` is the same as `/find/m`.
const findOne = async (c: Context<AppEnv>) => {
  const status = readStatus(c.req.param("status"));
  const [p] = await findByMerchant(c.env.SANDBOX_DB, c.req.param("merchant_uid") ?? "", status, readSorting(c));
  if (!p) throw new IamportError(404, -1, MSG.paymentNotFound);
  return ok(c, publicPayment(p));
};

payments.get("/payments/find/:merchant_uid", findOne);
payments.get("/payments/find/:merchant_uid/", findOne);
payments.get("/payments/find/:merchant_uid/:status", findOne);

// GET /payments/findAll/{merchant_uid}/{payment_status}?page&limit&sorting (schema: getAllPaymentsByMerchantUid):
// every attempt for the order, paged; 404 when the order has none (of that status).
const findAll = async (c: Context<AppEnv>) => {
  const status = readStatus(c.req.param("status"));
  const sorting = readSorting(c);
  const page = readPage(c.req.query());
  const merchantUid = c.req.param("merchant_uid") ?? "";
  const { total, list } = await pageByMerchant(c.env.SANDBOX_DB, merchantUid, status, sorting, sliceOf(page));
  if (total === 0) throw new IamportError(404, -1, MSG.paymentNotFound);
  return ok(c, pageOf(page, total, list.map(publicPayment)));
};

payments.get("/payments/findAll/:merchant_uid", findAll);
payments.get("/payments/findAll/:merchant_uid/", findAll);
payments.get("/payments/findAll/:merchant_uid/:status", findAll);

payments.get("/payments/:imp_uid", async (c) => {
  const p = await getPayment(c.env.SANDBOX_DB, c.req.param("imp_uid"));
  if (!p) throw new IamportError(404, -1, MSG.paymentNotFound);
  return ok(c, publicPayment(p));
});
