export interface Env {
  SANDBOX_DB: D1Database;
  /** The main app, for webhooks. Optional because the sandbox also runs alone under `wrangler dev`. */
  APP?: Fetcher;
  SANDBOX_IMP_KEY: string;
  SANDBOX_IMP_SECRET: string;
  SANDBOX_IMP_CODE: string;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** Sandbox "now" in ms, read once per request so every timestamp in one response agrees. */
    nowMs: number;
  };
};

/** Every route lives under this prefix: the app forwards /sandbox/* unchanged. */
export const BASE_PATH = "/sandbox/iamport";

/** All the sandbox needs from the execution context (Hono's and workerd's types differ slightly). */
export interface Background {
  waitUntil(promise: Promise<unknown>): void;
}
