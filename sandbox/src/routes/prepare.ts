import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowSec } from "../clock";
import { getPrepared, insertPrepared, updatePrepared } from "../db/prepared";
import { envelopeError, IamportError, MSG, ok } from "../envelope";
import { num, optStr, parse, readBody } from "../input";

export const prepare = new Hono<AppEnv>();

const PrepareBody = z.object({
  merchant_uid: z.string().min(1).max(40),
  amount: num.pipe(z.number().nonnegative()),
  // Absent currency means "not checked" at payment time.
  currency: optStr(3),
});

const view = (p: { merchant_uid: string; amount: number; currency: string | null }) => ({
  merchant_uid: p.merchant_uid,
  amount: p.amount,
  currency: p.currency,
});

prepare.post("/payments/prepare", async (c) => {
  const b = parse(PrepareBody, await readBody(c));
  const row = { merchant_uid: b.merchant_uid, amount: b.amount, currency: b.currency ?? null };
  if (!(await insertPrepared(c.env.SANDBOX_DB, row, await nowSec(c)))) {
    // Real behaviour is undocumented; refusing (HTTP 200, code 1) keeps a pinned amount from being silently
    // overwritten. PUT is the way to change it.
    return envelopeError(c, 200, 1, MSG.prepareDuplicate);
  }
  return ok(c, view(row));
});

prepare.put("/payments/prepare", async (c) => {
  const b = parse(PrepareBody, await readBody(c));
  const row = { merchant_uid: b.merchant_uid, amount: b.amount, currency: b.currency ?? null };
  if (!(await updatePrepared(c.env.SANDBOX_DB, row, await nowSec(c)))) {
    throw new IamportError(404, -1, MSG.prepareNotFound);
  }
  return ok(c, view(row));
});

prepare.get("/payments/prepare/:merchant_uid", async (c) => {
  const row = await getPrepared(c.env.SANDBOX_DB, c.req.param("merchant_uid"));
  if (!row) throw new IamportError(404, -1, MSG.prepareNotFound);
  return ok(c, view(row));
});
