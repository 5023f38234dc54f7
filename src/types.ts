import type { Config } from "./config";
import type { Db } from "./db/client";
import type { UserRow } from "./db/schema";
import type { Env } from "./env";
import type { Usage } from "./lib/metrics";
import type { SessionLookup } from "./services/session";

/** Everything a request handler may use, built once per request by the deps middleware. */
export interface AppVariables {
  requestId: string;
  config: Config;
  db: Db;
  now: () => number;
  /** The request's credential; looked up lazily (alone, or batched with a handler's reads). */
  session: SessionLookup;
  /** The signed-in user, once a middleware or handler has confirmed the session is live. */
  user: UserRow | null;
  sessionId: string | null;
  /** How a credential was presented (live or not): cookie-carrying writes are origin-checked. */
  authVia: "cookie" | "bearer" | null;
  /** What this request costs (D1, Iamport); counted outside production only. */
  usage: Usage | null;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };
