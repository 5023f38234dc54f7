import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { users, type UserRow } from "./schema";

export const findUserByEmail = async (db: Db, email: string): Promise<UserRow | undefined> =>
  db.select().from(users).where(eq(users.email, email)).get();
