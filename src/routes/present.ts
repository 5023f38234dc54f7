import type { Config } from "../config";
import type { UserRow } from "../db/schema";
import { iso } from "../lib/time";

export const presentUser = (user: UserRow, config: Config) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  is_admin: config.ADMIN_EMAILS.includes(user.email),
  created_at: iso(user.createdAt),
});
