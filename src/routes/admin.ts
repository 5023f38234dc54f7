import { Hono } from "hono";
import * as z from "zod";
import { jsonBody } from "../lib/validate";
import { requireAdmin } from "../middleware/session";
import { changeRole, roleOverview } from "../services/roles";
import { presentAdmin, presentRoleChange } from "../services/present";
import type { AppEnv } from "../types";
import { accountEmail } from "./shared";

// Administrators manage administrators: who they are, every grant and revoke, and granting or revoking one.

const RoleBody = z.strictObject({
  email: accountEmail,
  role: z.enum(["admin", "user"], { error: "must be admin or user" }),
});

export const adminRoutes = new Hono<AppEnv>()
  .use(requireAdmin())
  .get("/roles", async (c) => {
    const { admins, history } = await roleOverview(c.var);
    return c.json({ admins: admins.map(presentAdmin), changes: history.map(presentRoleChange) });
  })
  .post("/roles", async (c) => {
    const body = await jsonBody(c, RoleBody);
    return c.json(await changeRole(c.var, c.var.user!, body));
  });
