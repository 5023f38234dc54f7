// The sandbox's bindings and vars, generated from sandbox/wrangler.toml by `wrangler types` into
// sandbox/worker-configuration.d.ts (`npm run types`).
export type Env = Cloudflare.Env;

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
