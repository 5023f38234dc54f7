import type { Context } from "hono";
import * as z from "zod";
import { badRequest } from "../domain/errors";
import { depsFor } from "../services/deps";
import type { AppEnv } from "../types";

// Helpers shared by the routers that deal with payments.

export { IMP_UID_PATTERN } from "../domain/imp-uid";

/** PortOne V2's txId (the window's attempt, a UUID at PortOne); messages and the stored id hold 64 at most. */
export const TX_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function idempotencyKey(c: Context): string | undefined {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) throw badRequest("invalid_idempotency_key", "Idempotency-Key must be 1–255 visible ASCII characters.");
  return key;
}

/** The path parameter of every route under /api/payments/:merchant_uid, as the document describes it. */
export const merchantUidParam = {
  merchant_uid: {
    description: "The order's id (`pay_` and 32 hex characters). One that is malformed, unknown or not yours answers 404.",
  },
};

export const deps = (c: Context<AppEnv>) =>
  depsFor(c.env, { db: c.var.db, config: c.var.config, now: c.var.now, usage: c.var.usage });


/** An account's email as sign-up stores it: trimmed, lower-cased, at most 254 characters. */
export const accountEmail = z
  .string({ error: "is required" })
  .trim()
  .toLowerCase()
  .max(254, "must be at most 254 characters")
  .pipe(z.email({ error: "must be a valid email address" }));
