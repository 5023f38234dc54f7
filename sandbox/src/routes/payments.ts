import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { findByMerchant, getPayment, SORTINGS } from "../db/payments";
import { IamportError, MSG, ok } from "../envelope";
import { parse } from "../input";
import { publicPayment, type Payment } from "../payment";

export const payments = new Hono<AppEnv>();

const Status = z.enum(["ready", "paid", "failed", "cancelled"]);
const Sorting = z.enum(SORTINGS).optional();

// GET /payments?imp_uid[]=a&merchant_uid[]=b — 200 with all, or 207 with the ones found.
payments.get("/payments", async (c) => {
  const impUids = [...c.req.queries("imp_uid[]") ?? [], ...c.req.queries("imp_uid") ?? []];
  const merchantUids = [...c.req.queries("merchant_uid[]") ?? [], ...c.req.queries("merchant_uid") ?? []];
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
  return ok(c, found.map(publicPayment), found.length === total ? 200 : 207);
});

const findOne = async (c: Context<AppEnv>, status?: string) => {
  const parsed = status === undefined ? undefined : Status.safeParse(status);
  if (parsed && !parsed.success) throw new IamportError(400, -1, "지원되지 않는 상태값입니다.");
  const st = parsed?.data;
  const sorting = parse(z.object({ sorting: Sorting }), { sorting: c.req.query("sorting") }).sorting;
  const [p] = await findByMerchant(c.env.SANDBOX_DB, c.req.param("merchant_uid") ?? "", st, sorting);
  if (!p) throw new IamportError(404, -1, MSG.paymentNotFound);
  return ok(c, publicPayment(p));
};

payments.get("/payments/find/:merchant_uid", (c) => findOne(c));
payments.get("/payments/find/:merchant_uid/:status", (c) => findOne(c, c.req.param("status")));

payments.get("/payments/:imp_uid", async (c) => {
  const p = await getPayment(c.env.SANDBOX_DB, c.req.param("imp_uid"));
  if (!p) throw new IamportError(404, -1, MSG.paymentNotFound);
  return ok(c, publicPayment(p));
});
