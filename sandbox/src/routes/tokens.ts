import { Hono } from "hono";
import type { AppEnv } from "../env";
import { nowSec } from "../clock";
import { issueToken } from "../db/tokens";
import { IamportError, MSG, ok } from "../envelope";
import { readBody } from "../input";

export const tokens = new Hono<AppEnv>();

tokens.post("/users/getToken", async (c) => {
  const body = await readBody(c);
  const key = typeof body.imp_key === "string" ? body.imp_key : "";
  const secret = typeof body.imp_secret === "string" ? body.imp_secret : "";
  if (!key || !secret) throw new IamportError(400, -1, MSG.missingKey);
  if (key !== c.env.SANDBOX_IMP_KEY || secret !== c.env.SANDBOX_IMP_SECRET) {
    throw new IamportError(401, -1, MSG.badKey);
  }
  const now = await nowSec(c);
  const t = await issueToken(c.env.SANDBOX_DB, now);
  return ok(c, { access_token: t.token, now, expired_at: t.expired_at });
});
