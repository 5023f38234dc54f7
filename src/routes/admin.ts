import { Hono } from "hono";
import * as z from "zod";
import { body } from "../lib/validate";
import { requireAdmin } from "../middleware/session";
import { describe } from "../openapi/describe";
import { changeRole, roleOverview } from "../services/roles";
import { AdminJson, presentAdmin, presentRoleChange, RoleChangeJson } from "../services/present";
import type { AppEnv } from "../types";
import { accountEmail } from "./shared";

// Administrators manage administrators: who they are, every grant and revoke, and granting or revoking one.

const RoleBody = z.strictObject({
  email: accountEmail,
  role: z.enum(["admin", "user"], { error: "must be admin or user" }),
});

const RoleOverview = z.object({
  admins: z.array(AdminJson),
  changes: z.array(RoleChangeJson).meta({ description: "The latest grants and revokes, newest first." }),
});

const RoleChangeResult = z.object({
  email: z.string(),
  role: z.enum(["admin", "user"]),
  changed: z.boolean().meta({ description: "False when the account had the role already (nothing was written)." }),
});

export const adminRoutes = new Hono<AppEnv>()
  .use(requireAdmin())
  .get(
    "/roles",
    describe({
      operationId: "listAdmins",
      summary: "Administrators and the latest role changes",
      tags: ["Admin"],
      responses: { 200: { description: "Who is an administrator, and the trail.", body: RoleOverview } },
    }),
    async (c) => {
      const { admins, history } = await roleOverview(c.var);
      return c.json({ admins: admins.map(presentAdmin), changes: history.map(presentRoleChange) } satisfies z.output<typeof RoleOverview>);
    },
  )
  .post(
    "/roles",
    describe({
      operationId: "setRole",
      summary: "Grant or revoke administrator rights",
      description: "The account must exist. Nobody can revoke their own rights: another administrator or an operator can.",
      tags: ["Admin"],
      responses: { 200: { description: "The account's role now.", body: RoleChangeResult } },
      errors: { 404: ["not_found"], 409: ["cannot_revoke_self"] },
    }),
    body(RoleBody),
    async (c) => c.json((await changeRole(c.var, c.var.user!, c.req.valid("json"))) satisfies z.output<typeof RoleChangeResult>),
  );
