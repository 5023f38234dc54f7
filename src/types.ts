import type { Config } from "./config";
import type { Db } from "./db/client";
import type { UserRow } from "./db/schema";
import type { Env } from "./env";
import type { Usage } from "./lib/metrics";

/** Everything a request handler may use, built once per request by the deps middleware. */
export interface AppVariables {
  requestId: string;
  config: Config;
  db: Db;
  now: () => number;
  user: UserRow | null;
  sessionId: string | null;
  /** How the session was presented: cookie-authenticated writes are origin-checked. */
  authVia: "cookie" | "bearer" | null;
  /** What this request costs (D1, Iamport); counted outside production only. */
  usage: Usage | null;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };
