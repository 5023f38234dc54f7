// The bindings, vars and secrets the Worker receives, as `wrangler types` generates them from wrangler.toml into
// worker-configuration.d.ts (`npm run types`; `npm test` fails when that file is stale). Vars and secrets are
// parsed into a typed Config by src/config.ts; IAMPORT_SANDBOX is bound only in local development and tests,
// ASSETS serves the built browser assets (src/client) before the Worker runs.
export type Env = Cloudflare.Env;

declare global {
  /**
   * Whether this bundle contains the test clock: `true` by wrangler.toml's top-level [define] (local dev) and by
   * vitest.config.ts, `false` by [env.production.define], so the production build drops it (scripts/build-production.mjs).
   */
  const __TEST_CLOCK__: boolean;
}
